using Placement.Api.AllocationCandidates.Engine;

namespace Placement.Api.Tests.AllocationCandidates;

/// <summary>Upstream master's TestWideTreeAllocationCandidateExplosion and bug 2126751 cases.</summary>
public class WideTreeTests
{
    private static (int Candidates, int Computes, CandidateResult Result) Run(
        int computes, int pfs, int vfsPerPf, int groups, int limit, int max, GenerationStrategy strategy)
    {
        var t = Fixtures.WideTree(computes, pfs, vfsPerPf);
        var request = new CandidateRequest
        {
            Groups = [t.Group("", "DISK_GB:20,MEMORY_MB:2048,VCPU:2"), .. Enumerable.Range(0, groups).Select(g => t.Group($"{g}", "CUSTOM_VF:1"))],
            GroupPolicy = GroupPolicy.None,
            Limit = limit,
        };
        var result = t.Find(request, new CandidateOptions { MaxAllocationCandidates = max, Strategy = strategy });
        var roots = Enumerable.Range(0, computes).Select(i => t[$"compute{i}"]).ToHashSet();
        var withCandidates = result.AllocationRequests
            .SelectMany(r => r.Allocations.Select(a => a.ProviderUuid))
            .Where(roots.Contains)
            .Distinct()
            .Count();
        return (result.AllocationRequests.Count, withCandidates, result);
    }

    [Fact]
    public void AllCandidatesGeneratedAndReturned()
    {
        var (candidates, computes, _) = Run(2, 8, 8, groups: 2, limit: 1000, max: 100000, GenerationStrategy.BreadthFirst);
        Assert.Equal(2 * 64, candidates);
        Assert.Equal(2, computes);
    }

    [Fact]
    public void RequestedLimitIsHitAndResultIsBalanced()
    {
        var (candidates, computes, _) = Run(2, 8, 8, groups: 4, limit: 1000, max: 100000, GenerationStrategy.BreadthFirst);
        Assert.Equal(1000, candidates);
        Assert.Equal(2, computes);
    }

    [Fact]
    public void GlobalCapWithDepthFirstServesOneCompute()
    {
        var (candidates, computes, _) = Run(2, 8, 8, groups: 6, limit: 1000, max: 100000, GenerationStrategy.DepthFirst);
        Assert.Equal(1000, candidates);
        Assert.Equal(1, computes);
    }

    [Fact]
    public void GlobalCapWithBreadthFirstServesBothComputes()
    {
        var (candidates, computes, _) = Run(2, 8, 8, groups: 6, limit: 1000, max: 100000, GenerationStrategy.BreadthFirst);
        Assert.Equal(1000, candidates);
        Assert.Equal(2, computes);
    }

    [Fact]
    public void GlobalCapBelowLimitWins()
    {
        var (candidates, computes, _) = Run(2, 8, 8, groups: 4, limit: 9000, max: 8000, GenerationStrategy.BreadthFirst);
        Assert.Equal(8000, candidates);
        Assert.Equal(2, computes);
    }

    [Fact]
    public void NoGlobalCapReturnsEveryCandidate()
    {
        var (candidates, computes, result) = Run(2, 8, 8, groups: 4, limit: 9000, max: -1, GenerationStrategy.BreadthFirst);
        Assert.Equal(8192, candidates);
        Assert.Equal(2, computes);
        // All distinct: 4 groups choosing among 8 PFs, per compute.
        Assert.Equal(8192, result.AllocationRequests.Select(r => string.Join(";", r.Mappings.Select(m => $"{m.Key}={string.Join(",", m.Value)}"))).Distinct().Count());
    }

    [Theory]
    [InlineData(8, 8, 1000, 1000)] // bug 2126751: 8 PFs with one VF each, 8 groups of 1
    [InlineData(21, 8, 1000, 1000)]
    [InlineData(21, 16, 1000, 1000)]
    [InlineData(21, 21, 1000, 10000)]
    public void ManyNonViableCombinationsOnOneCompute(int pfs, int groups, int max, int limit)
    {
        var (candidates, computes, result) = Run(1, pfs, 1, groups, limit, max, GenerationStrategy.DepthFirst);
        Assert.Equal(1000, candidates);
        Assert.Equal(1, computes);
        // Each candidate uses every requested VF on a different PF.
        Assert.All(result.AllocationRequests, r => Assert.Equal(groups + 1, r.Allocations.Count));
    }

    [Theory]
    [InlineData(21, 8, 1000)]
    [InlineData(21, 21, 1000)]
    [InlineData(32, 32, 1000)]
    [InlineData(48, 48, 100)]
    [InlineData(64, 64, 10)]
    public void ManyNonViableCombinationsOnTwoComputesBreadthFirst(int pfs, int groups, int max)
    {
        var (candidates, computes, _) = Run(2, pfs, 1, groups, limit: 1000, max, GenerationStrategy.BreadthFirst);
        Assert.Equal(max, candidates);
        Assert.Equal(2, computes);
    }

    [Theory]
    [InlineData(8, 9)]
    [InlineData(16, 17)] // enumerating the 16! ways to fill 16 groups first would never finish
    public void MoreGroupsThanVirtualFunctionsGivesNothing(int pfs, int groups)
    {
        var (candidates, _, result) = Run(1, pfs, 1, groups, limit: 1000, max: 1000, GenerationStrategy.DepthFirst);
        Assert.Equal(0, candidates);
        Assert.Empty(result.ProviderSummaries);
    }

    [Fact]
    public void IsolateNeedsAsManyProvidersAsGroups()
    {
        var t = Fixtures.WideTree(1, 16, 8);
        RequestGroup[] Groups(int count) => [.. Enumerable.Range(0, count).Select(g => t.Group($"{g}", "CUSTOM_VF:1"))];
        var options = new CandidateOptions { MaxAllocationCandidates = 1000 };
        Assert.Empty(t.Find(new CandidateRequest { Groups = Groups(17), GroupPolicy = GroupPolicy.Isolate }, options).AllocationRequests);
        var sixteen = t.Find(new CandidateRequest { Groups = Groups(16), GroupPolicy = GroupPolicy.Isolate }, options);
        Assert.Equal(1000, sixteen.AllocationRequests.Count);
        Assert.All(sixteen.AllocationRequests, r => Assert.Equal(16, r.Allocations.Count));
        // Without isolation 17 groups fit easily (8 VFs per PF).
        Assert.Equal(1000, t.Find(new CandidateRequest { Groups = Groups(17) }, options).AllocationRequests.Count);
    }

    [Fact]
    public void BreadthFirstOrderIsStable()
    {
        var t = Fixtures.WideTree(2, 8, 8);
        var request = new CandidateRequest
        {
            Groups = [t.Group("", "DISK_GB:20,MEMORY_MB:2048,VCPU:2"), t.Group("0", "CUSTOM_VF:1"), t.Group("1", "CUSTOM_VF:1")],
            Limit = 1000,
        };
        var options = new CandidateOptions { MaxAllocationCandidates = 100000, Strategy = GenerationStrategy.BreadthFirst };
        var first = t.Find(request, options).AllocationRequests.Select(t.Describe).ToList();
        var second = t.Find(request, options).AllocationRequests.Select(t.Describe).ToList();
        Assert.Equal(first, second);
        // Round-robin: consecutive candidates alternate between the two computes.
        Assert.StartsWith("compute0", first[0], StringComparison.Ordinal);
        Assert.StartsWith("compute1", first[1], StringComparison.Ordinal);
    }

    [Fact]
    public void SummariesCoverTheWholeTreesOfReturnedCandidates()
    {
        var (_, _, result) = Run(2, 8, 8, groups: 6, limit: 1000, max: 100000, GenerationStrategy.DepthFirst);
        // Only compute0's tree: the compute and its 8 PFs.
        Assert.Equal(9, result.ProviderSummaries.Count);
    }
}
