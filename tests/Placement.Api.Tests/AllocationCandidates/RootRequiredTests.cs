using Placement.Api.AllocationCandidates.Engine;

namespace Placement.Api.Tests.AllocationCandidates;

/// <summary>Scenarios of upstream's allocation-candidates-root-required.yaml (NUMANetworkFixture).</summary>
public class RootRequiredTests
{
    private readonly Topology t = Fixtures.NumaNetwork();

    private CandidateResult Find(string[] rootRequired, GroupPolicy policy, params RequestGroup[] groups) =>
        t.Find(new CandidateRequest
        {
            Groups = groups,
            GroupPolicy = policy,
            RootRequiredTraits = [.. rootRequired.Where(r => !r.StartsWith('!'))],
            RootForbiddenTraits = [.. rootRequired.Where(r => r.StartsWith('!')).Select(r => r[1..])],
        });

    [Theory]
    [InlineData("HW_NUMA_ROOT")] // only on children
    [InlineData("MISC_SHARES_VIA_AGGREGATE")] // only on a root without compute resources
    [InlineData("HW_CPU_X86_AVX2")] // on no provider
    [InlineData("CUSTOM_NOT_IN_SNAPSHOT")]
    public void RequiredRootTraitThatNoUsableRootHas(string trait)
    {
        Assert.Empty(Find([trait], GroupPolicy.None, t.Group("", "VCPU:1,MEMORY_MB:1024,DISK_GB:100")).AllocationRequests);
    }

    [Fact]
    public void MultiattachRootUnsuffixedNoSharing()
    {
        var result = Find(["COMPUTE_VOLUME_MULTI_ATTACH"], GroupPolicy.None, t.Group("", "VCPU:1,MEMORY_MB:1024"));
        Assert.Equal(
            [
                "numa0(MEMORY_MB:1024)+numa1(VCPU:1)",
                "numa0(MEMORY_MB:1024,VCPU:1)",
                "numa0(VCPU:1)+numa1(MEMORY_MB:1024)",
                "numa1(MEMORY_MB:1024,VCPU:1)",
            ],
            t.Describe(result));
    }

    [Theory]
    [InlineData(GroupPolicy.None, 4)]
    [InlineData(GroupPolicy.Isolate, 2)]
    public void MultiattachRootSeparateGranularGroups(GroupPolicy policy, int expected)
    {
        var result = Find(["COMPUTE_VOLUME_MULTI_ATTACH"], policy, t.Group("1", "VCPU:1"), t.Group("2", "MEMORY_MB:1024"));
        Assert.Equal(expected, result.AllocationRequests.Count);
    }

    [Fact]
    public void MultiattachRootWithSharedDisk()
    {
        var unsuffixed = Find(["COMPUTE_VOLUME_MULTI_ATTACH"], GroupPolicy.None, t.Group("", "VCPU:1,MEMORY_MB:1024,DISK_GB:100"));
        Assert.Equal(4, unsuffixed.AllocationRequests.Count);
        Assert.Equal(["CUSTOM_FOO", "HW_NUMA_ROOT"], unsuffixed.ProviderSummaries.Single(s => s.Uuid == t["numa1"]).Traits);

        var granular = Find(["COMPUTE_VOLUME_MULTI_ATTACH"], GroupPolicy.None, t.Group("1", "VCPU:1,MEMORY_MB:1024"), t.Group("2", "DISK_GB:100"));
        Assert.Equal(
            ["numa0(MEMORY_MB:1024,VCPU:1)+ss1(DISK_GB:100)", "numa1(MEMORY_MB:1024,VCPU:1)+ss1(DISK_GB:100)"],
            t.Describe(granular));
    }

    [Fact]
    public void RequiredTraitOfUnsuffixedGroupMayBeOnAnyProviderUsed()
    {
        var result = Find([], GroupPolicy.None, t.Group("", "VCPU:1,DISK_GB:100", required: ["CUSTOM_FOO"]));
        Assert.Equal(["cn2(DISK_GB:100,VCPU:1)", "cn2(VCPU:1)+ss1(DISK_GB:100)", "numa1(VCPU:1)+ss1(DISK_GB:100)"], t.Describe(result));
    }

    [Fact]
    public void RootRequiredChecksOnlyTheRoot()
    {
        var result = Find(["CUSTOM_FOO"], GroupPolicy.None, t.Group("", "VCPU:1,DISK_GB:100"));
        Assert.Equal(["cn2(DISK_GB:100,VCPU:1)", "cn2(VCPU:1)+ss1(DISK_GB:100)"], t.Describe(result));
        var granular = Find(["CUSTOM_FOO"], GroupPolicy.None, t.Group("1", "VCPU:1"), t.Group("2", "DISK_GB:100"));
        Assert.Equal(["cn2(DISK_GB:100,VCPU:1)", "cn2(VCPU:1)+ss1(DISK_GB:100)"], t.Describe(granular));
    }

    [Fact]
    public void RequiredTraitOfSuffixedGroupMustBeOnItsProvider()
    {
        var result = Find([], GroupPolicy.None, t.Group("1", "VCPU:1", required: ["CUSTOM_FOO"]), t.Group("2", "DISK_GB:100"));
        Assert.Equal(["cn2(DISK_GB:100,VCPU:1)", "cn2(VCPU:1)+ss1(DISK_GB:100)", "numa1(VCPU:1)+ss1(DISK_GB:100)"], t.Describe(result));
    }

    [Fact]
    public void ForbiddenRootTraitOnChildrenOnlyFiltersNothing()
    {
        var result = Find(["!HW_NUMA_ROOT"], GroupPolicy.None, t.Group("", "VCPU:3"));
        Assert.Equal(["cn2(VCPU:3)", "numa1(VCPU:3)"], t.Describe(result));
    }

    [Fact]
    public void SharingProviderServesTreesWhoseRootIsAllowedEvenIfItsOwnRootIsForbidden()
    {
        var result = Find(["!MISC_SHARES_VIA_AGGREGATE"], GroupPolicy.None, t.Group("", "VCPU:1,MEMORY_MB:1024,DISK_GB:100"));
        Assert.Equal(6, result.AllocationRequests.Count);
        Assert.Equal(5, result.AllocationRequests.Count(r => r.Allocations.Any(a => a.ProviderUuid == t["ss1"])));
    }

    [Theory]
    [InlineData("CUSTOM_FOO,!HW_NUMA_ROOT", 2)]
    [InlineData("CUSTOM_FOO,!COMPUTE_VOLUME_MULTI_ATTACH", 2)]
    [InlineData("!CUSTOM_FOO,!COMPUTE_VOLUME_MULTI_ATTACH", 0)]
    public void RequiredAndForbiddenTogether(string rootRequired, int expected)
    {
        var result = Find(rootRequired.Split(','), GroupPolicy.None, t.Group("", "VCPU:1,MEMORY_MB:1024,DISK_GB:100"));
        Assert.Equal(expected, result.AllocationRequests.Count);
    }
}
