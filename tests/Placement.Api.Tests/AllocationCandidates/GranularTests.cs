using Placement.Api.AllocationCandidates.Engine;

namespace Placement.Api.Tests.AllocationCandidates;

/// <summary>Scenarios of upstream's granular.yaml and allocation-candidates-mappings-sharing.yaml (GranularFixture).</summary>
public class GranularTests
{
    private readonly Topology t = Fixtures.Granular();

    private CandidateResult Find(GroupPolicy policy, params RequestGroup[] groups) =>
        t.Find(new CandidateRequest { Groups = groups, GroupPolicy = policy });

    [Fact]
    public void DifferentGroupsHitWithPolicyNone()
    {
        var result = Find(GroupPolicy.None, t.Group("1", "VCPU:1"), t.Group("2", "MEMORY_MB:1024"));
        Assert.Equal(
            ["cn_left(MEMORY_MB:1024,VCPU:1)", "cn_middle(MEMORY_MB:1024,VCPU:1)", "cn_right(MEMORY_MB:1024,VCPU:1)"],
            t.Describe(result));
        Assert.Equal(["cn_left", "cn_middle", "cn_right"], t.SummaryNames(result));
        var left = result.ProviderSummaries.Single(s => s.Uuid == t["cn_left"]);
        Assert.Contains(new SummaryResource("VCPU", 8, 0), left.Resources);
        Assert.Contains(new SummaryResource("MEMORY_MB", 4096, 0), left.Resources);
        Assert.Equal(6, left.Resources.Count);
    }

    [Fact]
    public void DifferentGroupsMissWithPolicyIsolate()
    {
        var result = Find(GroupPolicy.Isolate, t.Group("1", "VCPU:1"), t.Group("2", "MEMORY_MB:1024"));
        Assert.Empty(result.AllocationRequests);
        Assert.Empty(result.ProviderSummaries);
    }

    [Fact]
    public void ResourcesOfSeveralGroupsCombineOnOneProvider()
    {
        var result = Find(GroupPolicy.None,
            t.Group("", "VCPU:3,MEMORY_MB:512"), t.Group("1", "VCPU:1,MEMORY_MB:1024"), t.Group("2", "VCPU:2"));
        Assert.Equal(
            ["cn_left(MEMORY_MB:1536,VCPU:6)", "cn_middle(MEMORY_MB:1536,VCPU:6)", "cn_right(MEMORY_MB:1536,VCPU:6)"],
            t.Describe(result));
    }

    [Fact]
    public void DiskSharingIsolated()
    {
        var result = Find(GroupPolicy.Isolate, t.Group("1", "VCPU:1,MEMORY_MB:1024"), t.Group("2", "DISK_GB:100"));
        Assert.Equal(
            [
                "cn_left(MEMORY_MB:1024,VCPU:1)+shr_disk_1(DISK_GB:100)",
                "cn_left(MEMORY_MB:1024,VCPU:1)+shr_disk_2(DISK_GB:100)",
                "cn_middle(MEMORY_MB:1024,VCPU:1)+shr_disk_1(DISK_GB:100)",
                "cn_middle(MEMORY_MB:1024,VCPU:1)+shr_disk_2(DISK_GB:100)",
                "cn_right(MEMORY_MB:1024,VCPU:1)+shr_disk_2(DISK_GB:100)",
            ],
            t.Describe(result));
        Assert.Equal(5, result.ProviderSummaries.Count);
    }

    [Fact]
    public void DiskSharingNotIsolated()
    {
        var result = Find(GroupPolicy.None, t.Group("1", "VCPU:1,MEMORY_MB:1024"), t.Group("2", "DISK_GB:100"));
        Assert.Equal(7, result.AllocationRequests.Count);
        Assert.Contains("cn_left(DISK_GB:100,MEMORY_MB:1024,VCPU:1)", t.Describe(result));
        Assert.Contains("cn_right(DISK_GB:100,MEMORY_MB:1024,VCPU:1)", t.Describe(result));
        Assert.Equal(5, result.ProviderSummaries.Count);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("")]
    public void DiskAloneComesOnceFromEachSharingProvider(string suffix)
    {
        var result = Find(GroupPolicy.None, t.Group(suffix, "DISK_GB:800"));
        Assert.Equal(["shr_disk_1(DISK_GB:800)", "shr_disk_2(DISK_GB:800)"], t.Describe(result));
        Assert.Equal(["shr_disk_1", "shr_disk_2"], t.SummaryNames(result));
    }

    [Fact]
    public void IsolatedSsd()
    {
        var result = Find(GroupPolicy.Isolate,
            t.Group("1", "VCPU:1,MEMORY_MB:1024"), t.Group("2", "DISK_GB:100", required: ["CUSTOM_DISK_SSD"]));
        Assert.Equal(
            ["cn_left(MEMORY_MB:1024,VCPU:1)+shr_disk_1(DISK_GB:100)", "cn_middle(MEMORY_MB:1024,VCPU:1)+shr_disk_1(DISK_GB:100)"],
            t.Describe(result));
        Assert.Equal(["cn_left", "cn_middle", "shr_disk_1"], t.SummaryNames(result));
    }

    [Fact]
    public void ForbiddenTraitOnAGroup()
    {
        var result = Find(GroupPolicy.None, t.Group("1", "VCPU:1"), t.Group("2", "DISK_GB:100", required: ["!CUSTOM_DISK_SSD"]));
        Assert.Equal(
            [
                "cn_left(DISK_GB:100,VCPU:1)",
                "cn_left(VCPU:1)+shr_disk_2(DISK_GB:100)",
                "cn_middle(VCPU:1)+shr_disk_2(DISK_GB:100)",
                "cn_right(VCPU:1)+shr_disk_2(DISK_GB:100)",
            ],
            t.Describe(result));
        Assert.Equal(["cn_left", "cn_middle", "cn_right", "shr_disk_2"], t.SummaryNames(result));
    }

    [Fact]
    public void MemberOfFiltersTheGroupsProvider()
    {
        var result = Find(GroupPolicy.None, t.Group("1", "VCPU:1"), t.Group("2", "DISK_GB:100", memberOf: ["aggC"]));
        Assert.Equal(["cn_right(DISK_GB:100,VCPU:1)"], t.Describe(result));
        Assert.Equal(["cn_right"], t.SummaryNames(result));
    }

    [Fact]
    public void RequiredForbiddenAndMemberOfAnyOf()
    {
        var result = Find(GroupPolicy.None,
            t.Group("_compute", "VCPU:1", required: ["!HW_CPU_X86_SSE"]),
            t.Group("_disk", "DISK_GB:100", required: ["CUSTOM_DISK_SSD"], memberOf: ["in:aggA,aggC"]));
        Assert.Equal(["cn_left(VCPU:1)+shr_disk_1(DISK_GB:100)", "cn_right(DISK_GB:100,VCPU:1)"], t.Describe(result));
        Assert.Equal(["cn_left", "cn_right", "shr_disk_1"], t.SummaryNames(result));
    }

    [Fact]
    public void RepeatedMemberOfMustAllHold()
    {
        var result = Find(GroupPolicy.Isolate,
            t.Group("1", "VCPU:1"), t.Group("2", "DISK_GB:100", memberOf: ["in:aggB,aggC", "aggA"]));
        Assert.Equal(
            [
                "cn_left(VCPU:1)+shr_disk_2(DISK_GB:100)",
                "cn_middle(VCPU:1)+shr_disk_2(DISK_GB:100)",
                "cn_right(VCPU:1)+shr_disk_2(DISK_GB:100)",
            ],
            t.Describe(result));
    }

    [Fact]
    public void MultipleDisksMultipleNetworks()
    {
        var result = Find(GroupPolicy.None,
            t.Group("1", "VCPU:1"),
            t.Group("2", "VGPU:1", required: ["HW_GPU_API_DXVA"]),
            t.Group("3", "MEMORY_MB:1024"),
            t.Group("4", "DISK_GB:100", required: ["CUSTOM_DISK_SSD"]),
            t.Group("5", "DISK_GB:50", required: ["!CUSTOM_DISK_SSD"]),
            t.Group("6", "SRIOV_NET_VF:1,CUSTOM_NET_MBPS:1000"),
            t.Group("7", "SRIOV_NET_VF:2,CUSTOM_NET_MBPS:2000"));
        Assert.Equal(
            [
                "cn_left(CUSTOM_NET_MBPS:3000,DISK_GB:50,MEMORY_MB:1024,SRIOV_NET_VF:3,VCPU:1,VGPU:1)+shr_disk_1(DISK_GB:100)",
                "cn_left(CUSTOM_NET_MBPS:3000,MEMORY_MB:1024,SRIOV_NET_VF:3,VCPU:1,VGPU:1)+shr_disk_1(DISK_GB:100)+shr_disk_2(DISK_GB:50)",
                "cn_right(DISK_GB:100,MEMORY_MB:1024,VCPU:1,VGPU:1)+shr_disk_2(DISK_GB:50)+shr_net(CUSTOM_NET_MBPS:3000,SRIOV_NET_VF:3)",
            ],
            t.Describe(result));
        Assert.Equal(["cn_left", "cn_right", "shr_disk_1", "shr_disk_2", "shr_net"], t.SummaryNames(result));
    }

    [Fact]
    public void CombiningGroupsMustNotExceedCapacity()
    {
        var result = Find(GroupPolicy.None,
            t.Group("", "VCPU:2,MEMORY_MB:2048,SRIOV_NET_VF:1,CUSTOM_NET_MBPS:2000"),
            t.Group("1", "SRIOV_NET_VF:1,CUSTOM_NET_MBPS:3000"));
        Assert.Equal(["cn_right(MEMORY_MB:2048,VCPU:2)+shr_net(CUSTOM_NET_MBPS:5000,SRIOV_NET_VF:2)"], t.Describe(result));
        Assert.Equal(["cn_right", "shr_net"], t.SummaryNames(result));
    }

    [Fact]
    public void CombiningGroupsMustNotExceedMaxUnit()
    {
        var result = Find(GroupPolicy.None, t.Group("", "VGPU:1"), t.Group("1", "VGPU:1"), t.Group("2", "VGPU:1"));
        Assert.Equal(["cn_left(VGPU:3)"], t.Describe(result));
        Assert.Equal(["cn_left"], t.SummaryNames(result));
    }

    [Fact]
    public void SimpleMapping()
    {
        var result = Find(GroupPolicy.None, t.Group("", "VCPU:1", required: ["HW_CPU_X86_SSE"]));
        var candidate = Assert.Single(result.AllocationRequests);
        Assert.Equal("=cn_middle", t.DescribeMappings(candidate));
        Assert.Single(result.ProviderSummaries);
    }

    [Fact]
    public void UnsuffixedGroupSpreadsOverSharingProvidersAndMapsThemAll()
    {
        var result = Find(GroupPolicy.None, t.Group("", "VCPU:1,DISK_GB:1", required: ["HW_CPU_X86_SSE"]));
        Assert.Equal(
            ["cn_middle(VCPU:1)+shr_disk_1(DISK_GB:1)", "cn_middle(VCPU:1)+shr_disk_2(DISK_GB:1)"],
            t.Describe(result));
        Assert.All(result.AllocationRequests, r => Assert.Equal(2, Assert.Single(r.Mappings).Value.Count));
        Assert.Equal(["cn_middle", "shr_disk_1", "shr_disk_2"], t.SummaryNames(result));
    }

    [Fact]
    public void GroupMappingWithSharedProvidersIsolated()
    {
        var result = Find(GroupPolicy.Isolate,
            t.Group("", "VCPU:1", required: ["HW_CPU_X86_SSE"]),
            t.Group("_DISK_A", "DISK_GB:1"),
            t.Group("_DISK_B", "DISK_GB:1"));
        Assert.Equal(
            ["=cn_middle;_DISK_A=shr_disk_1;_DISK_B=shr_disk_2", "=cn_middle;_DISK_A=shr_disk_2;_DISK_B=shr_disk_1"],
            result.AllocationRequests.Select(t.DescribeMappings).Order(StringComparer.Ordinal));
        Assert.Equal(3, result.ProviderSummaries.Count);
    }

    [Fact]
    public void UnknownNamesMatchNothing()
    {
        Assert.Empty(Find(GroupPolicy.None, t.Group("", "CUSTOM_NOPE:1")).AllocationRequests);
        Assert.Empty(Find(GroupPolicy.None, t.Group("", "VCPU:1", required: ["CUSTOM_NOPE"])).AllocationRequests);
        Assert.Empty(Find(GroupPolicy.None, t.Group("", "VCPU:1", memberOf: ["aggUnknown"])).AllocationRequests);
        // An unknown forbidden trait forbids nothing.
        Assert.Equal(3, Find(GroupPolicy.None, t.Group("", "VCPU:1", required: ["!CUSTOM_NOPE"])).AllocationRequests.Count);
    }
}
