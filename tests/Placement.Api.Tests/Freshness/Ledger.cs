using Xunit.Abstractions;

namespace Placement.Api.Tests.Freshness;

/// <summary>
/// Counts the answers a test checked against what its own writes make right, and keeps every wrong one with the
/// write that came just before it. An /allocation_candidates answer that differs while /resource_providers (which
/// reads the database at each request) agrees with the test is a stale cache.
/// </summary>
internal sealed class Ledger(ITestOutputHelper output, string label)
{
    private readonly List<string> _wrong = [];
    private string _lastWrite = "setup";
    private int _candidateChecks;
    private int _providerListChecks;

    public void Wrote(string what) => _lastWrite = what;

    public async Task CandidatesAsync(PlacementClient reader, string query, string expected, IReadOnlyDictionary<string, string> names)
    {
        _candidateChecks++;
        Compare($"GET /allocation_candidates?{query}", expected, (await reader.CandidatesAsync(query)).Describe(names));
    }

    public async Task ProvidersAsync(PlacementClient reader, string query, string expected, IReadOnlyDictionary<string, string> names)
    {
        _providerListChecks++;
        Compare($"GET /resource_providers?{query}", expected, (await reader.ProvidersAsync(query)).Describe(names));
    }

    private void Compare(string request, string expected, string actual)
    {
        if (actual != expected)
        {
            _wrong.Add($"after {_lastWrite}: {request} answered {actual}, expected {expected}");
        }
    }

    /// <summary>Says how many answers were checked (the test's output) and fails on any wrong one.</summary>
    public void AssertAllRight(int atLeast)
    {
        var summary = $"{label}: {_candidateChecks} /allocation_candidates and {_providerListChecks} /resource_providers answers checked, "
            + $"{_wrong.Count} wrong";
        output.WriteLine(summary);
        Assert.True(_wrong.Count == 0, $"{summary}:\n{string.Join("\n", _wrong.Take(20))}");
        // The count is what this suite promises; a scenario that stopped checking must not pass quietly.
        Assert.True(_candidateChecks >= atLeast, $"{summary}: fewer than {atLeast} candidate answers");
    }
}
