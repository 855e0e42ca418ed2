using Placement.Api.AllocationCandidates.Engine;

namespace Placement.Api.Tests.AllocationCandidates;

/// <summary>Scenarios of upstream's allocation-candidates.yaml (SharedStorageFixture: nested trees plus sharing disk).</summary>
public class SharedStorageTests
{
    private readonly Topology t = Fixtures.SharedStorage();

    private CandidateResult Find(bool nestedAware, params RequestGroup[] groups) =>
        t.Find(new CandidateRequest { Groups = groups, NestedAware = nestedAware, GroupPolicy = GroupPolicy.None });

    [Fact]
    public void ComputeResourcesWithLocalOrSharedDisk()
    {
        var result = Find(false, t.Group("", "VCPU:1,MEMORY_MB:1024,DISK_GB:100"));
        Assert.Equal(
            [
                "cn1(MEMORY_MB:1024,VCPU:1)+ss(DISK_GB:100)",
                "cn1(MEMORY_MB:1024,VCPU:1)+ss2(DISK_GB:100)",
                "cn2(DISK_GB:100,MEMORY_MB:1024,VCPU:1)",
                "cn2(MEMORY_MB:1024,VCPU:1)+ss(DISK_GB:100)",
                "cn2(MEMORY_MB:1024,VCPU:1)+ss2(DISK_GB:100)",
            ],
            t.Describe(result));
        // Below 1.29 only the allocated providers are summarized.
        Assert.Equal(["cn1", "cn2", "ss", "ss2"], t.SummaryNames(result));
        var cn2 = result.ProviderSummaries.Single(s => s.Uuid == t["cn2"]);
        Assert.Equal(
            [new SummaryResource("VCPU", 384, 0), new SummaryResource("MEMORY_MB", 196608, 0), new SummaryResource("DISK_GB", 1900, 0)],
            cn2.Resources);
    }

    [Fact]
    public void RequiredTraitOfTheUnsuffixedGroup()
    {
        var result = Find(false, t.Group("", "VCPU:1,MEMORY_MB:1024,DISK_GB:100", required: ["HW_CPU_X86_SSE,HW_CPU_X86_SSE2"]));
        Assert.Equal(
            ["cn1(MEMORY_MB:1024,VCPU:1)+ss(DISK_GB:100)", "cn1(MEMORY_MB:1024,VCPU:1)+ss2(DISK_GB:100)"],
            t.Describe(result));
        Assert.Equal(["cn1", "ss", "ss2"], t.SummaryNames(result));
        Assert.Equal(["HW_CPU_X86_SSE", "HW_CPU_X86_SSE2"], result.ProviderSummaries.Single(s => s.Uuid == t["cn1"]).Traits);
    }

    [Fact]
    public void ForbiddenTraitOfTheUnsuffixedGroup()
    {
        var result = Find(false, t.Group("", "VCPU:1,MEMORY_MB:1024,DISK_GB:100", required: ["!HW_CPU_X86_SSE"]));
        Assert.Equal(
            [
                "cn2(DISK_GB:100,MEMORY_MB:1024,VCPU:1)",
                "cn2(MEMORY_MB:1024,VCPU:1)+ss(DISK_GB:100)",
                "cn2(MEMORY_MB:1024,VCPU:1)+ss2(DISK_GB:100)",
            ],
            t.Describe(result));
    }

    [Fact]
    public void RequiredTraitNobodyHas()
    {
        var result = Find(true, t.Group("", "VCPU:1", required: ["HW_CPU_X86_SSE3"]));
        Assert.Empty(result.AllocationRequests);
        Assert.Empty(result.ProviderSummaries);
    }

    [Fact]
    public void SummariesCoverWholeTreesWithParentAndRoot()
    {
        var result = Find(true, t.Group("", "VCPU:1"));
        Assert.Equal(2, result.AllocationRequests.Count);
        Assert.Equal(10, result.ProviderSummaries.Count);
        var pf = result.ProviderSummaries.Single(s => s.Uuid == t["pf1_1"]);
        Assert.Equal(t["cn1"], pf.RootUuid);
        Assert.Equal(t["numa1_1"], pf.ParentUuid);
        Assert.Equal([new SummaryResource("SRIOV_NET_VF", 8, 0)], pf.Resources);
        var numa = result.ProviderSummaries.Single(s => s.Uuid == t["numa1_1"]);
        Assert.Empty(numa.Resources);
        Assert.Null(result.ProviderSummaries.Single(s => s.Uuid == t["cn1"]).ParentUuid);
    }

    [Theory]
    [InlineData(false, 4)]
    [InlineData(true, 10)]
    public void OnlyNestedProvider(bool nestedAware, int summaries)
    {
        var result = Find(nestedAware, t.Group("", "SRIOV_NET_VF:4"));
        Assert.Equal(["pf1_1(SRIOV_NET_VF:4)", "pf1_2(SRIOV_NET_VF:4)", "pf2_1(SRIOV_NET_VF:4)", "pf2_2(SRIOV_NET_VF:4)"], t.Describe(result));
        Assert.Equal(summaries, result.ProviderSummaries.Count);
    }

    [Fact]
    public void RootAndNestedNeedMicroversion129()
    {
        Assert.Empty(Find(false, t.Group("", "VCPU:1,SRIOV_NET_VF:4")).AllocationRequests);
        var result = Find(true, t.Group("", "VCPU:1,SRIOV_NET_VF:4"));
        Assert.Equal(
            [
                "cn1(VCPU:1)+pf1_1(SRIOV_NET_VF:4)", "cn1(VCPU:1)+pf1_2(SRIOV_NET_VF:4)",
                "cn2(VCPU:1)+pf2_1(SRIOV_NET_VF:4)", "cn2(VCPU:1)+pf2_2(SRIOV_NET_VF:4)",
            ],
            t.Describe(result));
        Assert.Equal(10, result.ProviderSummaries.Count);
    }

    [Fact]
    public void LimitKeepsSummariesOfTheReturnedTreesOnly()
    {
        var result = t.Find(new CandidateRequest { Groups = [t.Group("", "VCPU:1,SRIOV_NET_VF:4")], Limit = 1 });
        var candidate = Assert.Single(result.AllocationRequests);
        Assert.Equal(2, candidate.Allocations.Count);
        Assert.Equal(5, result.ProviderSummaries.Count);
    }

    [Fact]
    public void SharedAndNestedOldMicroversion()
    {
        var result = Find(false, t.Group("", "DISK_GB:10,SRIOV_NET_VF:4"));
        Assert.Equal(8, result.AllocationRequests.Count);
        Assert.Equal(["pf1_1", "pf1_2", "pf2_1", "pf2_2", "ss", "ss2"], t.SummaryNames(result));
    }

    [Fact]
    public void LimitBelow129SummarizesProvidersOfAllGeneratedCandidatesInTheReturnedTrees()
    {
        // Checked against upstream: with limit, the summaries are the providers allocated by any candidate
        // (before the limit) whose tree is one of the returned candidates' trees.
        var result = t.Find(new CandidateRequest { Groups = [t.Group("", "DISK_GB:10,SRIOV_NET_VF:4")], NestedAware = false, Limit = 1 });
        Assert.Equal(["pf1_1(SRIOV_NET_VF:4)+ss(DISK_GB:10)"], t.Describe(result));
        // pf1_2 comes from a candidate that was not returned, in a returned tree; pf2_* and ss2 are in other trees.
        Assert.Equal(["pf1_1", "pf1_2", "ss"], t.SummaryNames(result));
    }

    [Fact]
    public void IsolatedSharedDisksAndUnsuffixedCompute()
    {
        var result = t.Find(new CandidateRequest
        {
            Groups = [t.Group("", "VCPU:1"), t.Group("1", "DISK_GB:10"), t.Group("2", "DISK_GB:10")],
            GroupPolicy = GroupPolicy.Isolate,
        });
        Assert.Equal(8, result.AllocationRequests.Count);
        Assert.Equal(12, result.ProviderSummaries.Count);
    }

    [Fact]
    public void AmountsOfUnsuffixedAndSuffixedGroupsOnOneProviderAreSummedOncePerCandidate()
    {
        // Upstream (8.0.0 and master) reuses and mutates the unsuffixed group's allocation objects when
        // group_policy is not "none", returning e.g. VCPU:3 and VCPU:4 here; we return the real sums.
        var result = t.Find(new CandidateRequest
        {
            Groups = [t.Group("", "VCPU:1,DISK_GB:10"), t.Group("1", "VCPU:1")],
            GroupPolicy = GroupPolicy.Isolate,
        });
        Assert.Equal(
            [
                "cn1(VCPU:2)+ss(DISK_GB:10)", "cn1(VCPU:2)+ss2(DISK_GB:10)", "cn2(DISK_GB:10,VCPU:2)",
                "cn2(VCPU:2)+ss(DISK_GB:10)", "cn2(VCPU:2)+ss2(DISK_GB:10)",
            ],
            t.Describe(result));
    }

    [Theory]
    [InlineData("cn1", 2)]
    [InlineData("pf1_2", 2)]
    public void InTreeOfTheUnsuffixedGroup(string inTree, int expected)
    {
        var result = Find(true, t.Group("", "VCPU:1,SRIOV_NET_VF:4", inTree: inTree));
        Assert.Equal(expected, result.AllocationRequests.Count);
        Assert.All(result.AllocationRequests, r => Assert.Contains(r.Allocations, a => a.ProviderUuid == t["cn1"]));
        Assert.Equal(5, result.ProviderSummaries.Count);
    }

    [Theory]
    [InlineData("cn1", new string[0])]
    [InlineData("cn2", new[] { "cn2(DISK_GB:10,VCPU:1)" })]
    [InlineData("ss", new string[0])]
    public void InTreeExcludesSharingProvidersOfOtherTrees(string inTree, string[] expected)
    {
        Assert.Equal(expected, t.Describe(Find(true, t.Group("", "VCPU:1,DISK_GB:10", inTree: inTree))));
    }

    [Theory]
    [InlineData("VCPU:1", "cn1", 1)]
    [InlineData("VCPU:1", "pf1_1", 1)]
    [InlineData("SRIOV_NET_VF:4", "cn1", 2)]
    [InlineData("SRIOV_NET_VF:4", "pf1_1", 2)]
    public void InTreeOfASuffixedGroup(string resources, string inTree, int expected)
    {
        Assert.Equal(expected, Find(true, t.Group("1", resources, inTree: inTree)).AllocationRequests.Count);
    }

    [Theory]
    [InlineData("cn1", new string[0])]
    [InlineData("cn2", new[] { "cn2(DISK_GB:10,VCPU:1)" })]
    [InlineData("ss", new[] { "cn1(VCPU:1)+ss(DISK_GB:10)", "cn2(VCPU:1)+ss(DISK_GB:10)" })]
    public void InTreeOfAGranularDiskGroup(string inTree, string[] expected)
    {
        var result = Find(true, t.Group("", "VCPU:1"), t.Group("1", "DISK_GB:10", inTree: inTree));
        Assert.Equal(expected, t.Describe(result));
    }

    [Theory]
    [InlineData("cn1", new[] { "cn1(VCPU:1)+ss(DISK_GB:10)", "cn1(VCPU:1)+ss2(DISK_GB:10)" })]
    [InlineData("cn2", new[] { "cn2(DISK_GB:10,VCPU:1)", "cn2(VCPU:1)+ss(DISK_GB:10)", "cn2(VCPU:1)+ss2(DISK_GB:10)" })]
    public void InTreeOfTheComputeGroupOnly(string inTree, string[] expected)
    {
        var result = Find(true, t.Group("", "VCPU:1", inTree: inTree), t.Group("1", "DISK_GB:10"));
        Assert.Equal(expected, t.Describe(result));
    }

    [Fact]
    public void InTreeOfTwoGranularGroups()
    {
        var result = Find(true, t.Group("1", "VCPU:1", inTree: "cn1"), t.Group("2", "DISK_GB:10", inTree: "ss"));
        Assert.Equal(["cn1(VCPU:1)+ss(DISK_GB:10)"], t.Describe(result));
    }

    [Fact]
    public void UnknownInTreeMatchesNothing()
    {
        var group = new RequestGroup { Resources = [new ResourceAmount("VCPU", 1)], InTree = Guid.NewGuid() };
        Assert.Empty(Find(true, group).AllocationRequests);
    }
}
