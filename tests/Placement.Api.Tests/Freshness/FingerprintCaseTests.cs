using Placement.Api.Tests.Database;
using Xunit.Abstractions;

namespace Placement.Api.Tests.Freshness;

/// <summary>
/// The case the cache's first design (a fingerprint of counts and sums) answered stale: two trait changes that leave
/// every count as it was. Upstream answers 2 candidates after them; that design answered 0. With three providers a
/// cache reads everything again after each change; among twenty other providers it applies the change in place.
/// </summary>
public sealed class FingerprintCaseTests(ITestOutputHelper output)
{
    private const string Query = "resources=VCPU:1&required=CUSTOM_FPT4";

    [Theory]
    [MemberData(nameof(Cluster.OurRoutes), MemberType = typeof(Cluster))]
    public Task TraitsMovedWithoutChangingAnyCountAreSeen(string backend, Route route) => Run(backend, route, bystanders: 0);

    [Theory]
    [MemberData(nameof(Cluster.OurRoutes), MemberType = typeof(Cluster))]
    public Task TraitsMovedAmongTwentyOtherProvidersAreSeen(string backend, Route route) => Run(backend, route, bystanders: 20);

    [UpstreamFact]
    public Task TraitsMovedByUpstreamWithoutChangingAnyCountAreSeen() => Run("sqlite", Route.UpstreamWrites, bystanders: 0);

    [UpstreamFact]
    public Task TraitsMovedByUpstreamAmongTwentyOtherProvidersAreSeen() => Run("sqlite", Route.UpstreamWrites, bystanders: 20);

    private async Task Run(string backend, Route route, int bystanders)
    {
        await using var cluster = await Cluster.StartAsync(backend, route, bystanders);
        var (writer, reader) = (cluster.Writer, cluster.Reader);
        var names = new Dictionary<string, string>();
        var providers = new List<string>();
        for (var i = 1; i <= 3; i++)
        {
            var uuid = await writer.CreateProviderAsync($"provider{i}");
            names[uuid] = $"provider{i}";
            providers.Add(uuid);
            await writer.SetInventoriesAsync(uuid, ("VCPU", 8));
        }
        for (var i = 0; i < 10; i++)
        {
            await writer.CreateTraitAsync($"CUSTOM_FPT{i}");
        }
        await writer.SetTraitsAsync(providers[0], ["CUSTOM_FPT2"]);
        await writer.SetTraitsAsync(providers[2], ["CUSTOM_FPT5"]);
        var ledger = new Ledger(output, $"{cluster.Label}, {bystanders} other providers");
        await ledger.CandidatesAsync(reader, Query, "[]", names);

        await writer.SetTraitsAsync(providers[0], ["CUSTOM_FPT4"]);
        ledger.Wrote("provider1's traits set to [CUSTOM_FPT4]");
        await ledger.CandidatesAsync(reader, Query, "[provider1]", names);
        await ledger.ProvidersAsync(reader, Query, "[provider1]", names);

        await writer.SetTraitsAsync(providers[2], ["CUSTOM_FPT4"]);
        ledger.Wrote("provider3's traits set to [CUSTOM_FPT4]");
        await ledger.CandidatesAsync(reader, Query, "[provider1, provider3]", names);
        await ledger.ProvidersAsync(reader, Query, "[provider1, provider3]", names);

        ledger.AssertAllRight(atLeast: 3);
    }
}
