using Placement.Api.AllocationCandidates.Engine;

namespace Placement.Api.Tests.AllocationCandidates;

/// <summary>Scenarios of upstream's granular-same-subtree.yaml and same-subtree-deep.yaml (NUMANetworkFixture).</summary>
public class SameSubtreeTests
{
    private readonly Topology t = Fixtures.NumaNetwork();

    private static CandidateResult Find(Topology topology, GroupPolicy policy, string[][] sameSubtrees, params RequestGroup[] groups) =>
        topology.Find(new CandidateRequest { Groups = groups, GroupPolicy = policy, SameSubtrees = sameSubtrees });

    [Fact]
    public void WithoutSameSubtreeAnyProvidersCombine()
    {
        var groups = new[] { t.Group("_COMPUTE", "VCPU:1"), t.Group("_ACCEL", "FPGA:1") };
        Assert.Equal(6, Find(t, GroupPolicy.None, [], groups).AllocationRequests.Count);
        Assert.Equal(6, Find(t, GroupPolicy.None, [["_COMPUTE"]], groups).AllocationRequests.Count);
    }

    [Fact]
    public void SameSubtreeOfTwoResourcefulGroups()
    {
        var result = Find(t, GroupPolicy.None, [["_COMPUTE", "_ACCEL"]], t.Group("_COMPUTE", "VCPU:1"), t.Group("_ACCEL", "FPGA:1"));
        Assert.Equal(
            ["fpga0(FPGA:1)+numa0(VCPU:1)", "fpga1_0(FPGA:1)+numa1(VCPU:1)", "fpga1_1(FPGA:1)+numa1(VCPU:1)"],
            t.Describe(result));
    }

    [Theory]
    [InlineData(GroupPolicy.None, 3)]
    [InlineData(GroupPolicy.Isolate, 0)]
    public void AProviderIsInItsOwnSubtree(GroupPolicy policy, int expected)
    {
        var result = Find(t, policy, [["_COMPUTE1", "_COMPUTE2"]], t.Group("_COMPUTE1", "VCPU:1"), t.Group("_COMPUTE2", "MEMORY_MB:1024"));
        Assert.Equal(expected, result.AllocationRequests.Count);
        if (expected != 0)
        {
            Assert.Equal(
                ["cn2(MEMORY_MB:1024,VCPU:1)", "numa0(MEMORY_MB:1024,VCPU:1)", "numa1(MEMORY_MB:1024,VCPU:1)"],
                t.Describe(result));
        }
    }

    [Fact]
    public void ResourcefulGroupsWithoutSameSubtree()
    {
        var result = Find(t, GroupPolicy.None, [],
            t.Group("", "VCPU:1"),
            t.Group("_PORT1", "CUSTOM_VF:4", required: ["CUSTOM_PHYSNET1"]),
            t.Group("_PORT2", "CUSTOM_VF:4", required: ["CUSTOM_PHYSNET2"]));
        Assert.Equal(
            ["cn2(VCPU:1)+pf1_1(CUSTOM_VF:4)+pf1_2(CUSTOM_VF:4)", "cn2(VCPU:1)+pf1_2(CUSTOM_VF:4)+pf3_1(CUSTOM_VF:4)"],
            t.Describe(result));
    }

    [Fact]
    public void ResourcelessGroupAnchorsTheSubtree()
    {
        var result = Find(t, GroupPolicy.None, [["_NIC", "_PORT1", "_PORT2"]],
            t.Group("", "VCPU:1"),
            t.Group("_NIC", "", required: ["CUSTOM_HW_NIC_ROOT"]),
            t.Group("_PORT1", "CUSTOM_VF:4", required: ["CUSTOM_PHYSNET1"]),
            t.Group("_PORT2", "CUSTOM_VF:4", required: ["CUSTOM_PHYSNET2"]));
        var candidate = Assert.Single(result.AllocationRequests);
        Assert.Equal("cn2(VCPU:1)+pf1_1(CUSTOM_VF:4)+pf1_2(CUSTOM_VF:4)", t.Describe(candidate));
        Assert.Equal("=cn2;_NIC=nic1;_PORT1=pf1_1;_PORT2=pf1_2", t.DescribeMappings(candidate));
    }

    [Theory]
    [InlineData(GroupPolicy.None)]
    [InlineData(GroupPolicy.Isolate)]
    public void ResourcelessGroupWithTwoVfsPerPort(GroupPolicy policy)
    {
        var result = Find(t, policy, [["_NIC", "_PORT1", "_PORT2"]],
            t.Group("", "VCPU:1"),
            t.Group("_NIC", "", required: ["CUSTOM_HW_NIC_ROOT"]),
            t.Group("_PORT1", "CUSTOM_VF:2", required: ["CUSTOM_PHYSNET1"]),
            t.Group("_PORT2", "CUSTOM_VF:2", required: ["CUSTOM_PHYSNET2"]));
        Assert.Equal(
            [
                "cn2(VCPU:1)+pf1_1(CUSTOM_VF:2)+pf1_2(CUSTOM_VF:2)",
                "cn2(VCPU:1)+pf2_1(CUSTOM_VF:2)+pf2_2(CUSTOM_VF:2)",
                "cn2(VCPU:1)+pf2_1(CUSTOM_VF:2)+pf2_4(CUSTOM_VF:2)",
                "cn2(VCPU:1)+pf2_2(CUSTOM_VF:2)+pf2_3(CUSTOM_VF:2)",
                "cn2(VCPU:1)+pf2_3(CUSTOM_VF:2)+pf2_4(CUSTOM_VF:2)",
            ],
            t.Describe(result));
    }

    [Theory]
    [InlineData(GroupPolicy.None, 9)]
    [InlineData(GroupPolicy.Isolate, 4)]
    public void TwoPlusOnePlusOneVfs(GroupPolicy policy, int expected)
    {
        var result = Find(t, policy, [["_NIC", "_PORT1", "_PORT2A", "_PORT2B"]],
            t.Group("", "VCPU:1"),
            t.Group("_NIC", "", required: ["CUSTOM_HW_NIC_ROOT"]),
            t.Group("_PORT1", "CUSTOM_VF:2", required: ["CUSTOM_PHYSNET1"]),
            t.Group("_PORT2A", "CUSTOM_VF:1", required: ["CUSTOM_PHYSNET2"]),
            t.Group("_PORT2B", "CUSTOM_VF:1", required: ["CUSTOM_PHYSNET2"]));
        Assert.Equal(expected, result.AllocationRequests.Count);
        var oneVfOnPf22 = result.AllocationRequests
            .Count(r => r.Allocations.Any(a => a.ProviderUuid == t["pf2_2"] && a.Resources.Single().Amount == 1));
        Assert.Equal(4, oneVfOnPf22);
    }

    [Theory]
    [InlineData(GroupPolicy.None, 1)]
    [InlineData(GroupPolicy.Isolate, 0)]
    public void ResourcelessGroupOnTheSameProvider(GroupPolicy policy, int expected)
    {
        var result = Find(t, policy, [["_PORT1", "_PORT2"]],
            t.Group("_PORT1", "CUSTOM_VF:8"), t.Group("_PORT2", "", required: ["CUSTOM_PHYSNET1"]));
        Assert.Equal(expected, result.AllocationRequests.Count);
        if (expected != 0)
        {
            Assert.Equal("_PORT1=pf3_1;_PORT2=pf3_1", t.DescribeMappings(result.AllocationRequests[0]));
        }
    }

    [Theory]
    [InlineData(GroupPolicy.None, 1)]
    [InlineData(GroupPolicy.Isolate, 0)]
    public void SeveralResourcelessGroupsOnTheSameProvider(GroupPolicy policy, int expected)
    {
        var result = Find(t, policy, [["_COMPUTE1", "_COMPUTE2", "_COMPUTE3"]],
            t.Group("_COMPUTE1", "VCPU:1"),
            t.Group("_COMPUTE2", "", required: ["CUSTOM_FOO"]),
            t.Group("_COMPUTE3", "", required: ["HW_NUMA_ROOT"]));
        Assert.Equal(expected, result.AllocationRequests.Count);
        if (expected != 0)
        {
            Assert.Equal("_COMPUTE1=numa1;_COMPUTE2=numa1;_COMPUTE3=numa1", t.DescribeMappings(result.AllocationRequests[0]));
        }
    }

    [Fact]
    public void TwoFpgasUnderOneNuma()
    {
        var result = Find(t, GroupPolicy.Isolate, [["_NUMA", "_ACCEL1", "_ACCEL2"]],
            t.Group("_NUMA", "", required: ["HW_NUMA_ROOT"]), t.Group("_ACCEL1", "FPGA:1"), t.Group("_ACCEL2", "FPGA:1"));
        Assert.Equal(
            ["_NUMA=numa1;_ACCEL1=fpga1_0;_ACCEL2=fpga1_1", "_NUMA=numa1;_ACCEL1=fpga1_1;_ACCEL2=fpga1_0"],
            result.AllocationRequests.Select(t.DescribeMappings).Order(StringComparer.Ordinal));
        var forbidden = Find(t, GroupPolicy.Isolate, [["_NUMA", "_ACCEL1", "_ACCEL2"]],
            t.Group("_NUMA", "", required: ["HW_NUMA_ROOT,!CUSTOM_FOO"]), t.Group("_ACCEL1", "FPGA:1"), t.Group("_ACCEL2", "FPGA:1"));
        Assert.Empty(forbidden.AllocationRequests);
    }

    [Fact]
    public void SeveralSameSubtreeConstraints()
    {
        var result = Find(t, GroupPolicy.None, [["_NUMA", "_COMPUTE", "_GPU", "_FPGA"], ["_SRIOV", "_NET1", "_NET2"]],
            t.Group("_NUMA", "", required: ["HW_NUMA_ROOT"]),
            t.Group("_COMPUTE", "VCPU:2,MEMORY_MB:512"),
            t.Group("_FPGA", "FPGA:1"),
            t.Group("_GPU", "VGPU:1"),
            t.Group("_SRIOV", "", required: ["CUSTOM_VNIC_TYPE_DIRECT"]),
            t.Group("_NET1", "NET_BW_EGR_KILOBIT_PER_SEC:100", required: ["CUSTOM_PHYSNET1"]),
            t.Group("_NET2", "NET_BW_EGR_KILOBIT_PER_SEC:100", required: ["CUSTOM_PHYSNET2"]));
        var candidate = Assert.Single(result.AllocationRequests);
        Assert.Equal(
            "esn1(NET_BW_EGR_KILOBIT_PER_SEC:100)+esn2(NET_BW_EGR_KILOBIT_PER_SEC:100)+fpga0(FPGA:1)+numa0(MEMORY_MB:512,VCPU:2)+pgpu0(VGPU:1)",
            t.Describe(candidate));
        Assert.Equal(
            "_NUMA=numa0;_COMPUTE=numa0;_FPGA=fpga0;_GPU=pgpu0;_SRIOV=sriov_agent;_NET1=esn1;_NET2=esn2",
            t.DescribeMappings(candidate));
    }

    [Fact]
    public void OverlappingSameSubtrees()
    {
        var result = Find(t, GroupPolicy.None, [["_NIC", "_COMPUTE"], ["_NIC", "_PORT1"]],
            t.Group("_COMPUTE", "VCPU:1"),
            t.Group("_NIC", "", required: ["CUSTOM_HW_NIC_ROOT"]),
            t.Group("_PORT1", "CUSTOM_VF:2", required: ["CUSTOM_PHYSNET1"]));
        Assert.Equal(
            ["cn2(VCPU:1)+pf1_1(CUSTOM_VF:2)", "cn2(VCPU:1)+pf2_1(CUSTOM_VF:2)", "cn2(VCPU:1)+pf2_3(CUSTOM_VF:2)", "cn2(VCPU:1)+pf3_1(CUSTOM_VF:2)"],
            t.Describe(result));
        Assert.Equal(11, result.ProviderSummaries.Count);
    }

    [Fact]
    public void CombinedSameSubtree()
    {
        var result = Find(t, GroupPolicy.None, [["_NIC", "_COMPUTE", "_PORT1"]],
            t.Group("_COMPUTE", "VCPU:1"),
            t.Group("_NIC", "", required: ["CUSTOM_HW_NIC_ROOT"]),
            t.Group("_PORT1", "CUSTOM_VF:2", required: ["CUSTOM_PHYSNET1"]));
        Assert.Equal(12, result.AllocationRequests.Count);
        Assert.Equal(11, result.ProviderSummaries.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void DeepSubtree(bool requireFoo)
    {
        var deep = Fixtures.NumaNetwork(deep: true);
        var result = Find(deep, GroupPolicy.None, [["_COMPUTE", "_PORT1"]],
            deep.Group("_COMPUTE", "VCPU:1", required: requireFoo ? ["CUSTOM_FOO"] : null),
            deep.Group("_PORT1", "CUSTOM_VF:2", required: ["CUSTOM_PHYSNET1"]));
        Assert.Equal(
            ["cn2(VCPU:1)+pf1_1(CUSTOM_VF:2)", "cn2(VCPU:1)+pf2_1(CUSTOM_VF:2)", "cn2(VCPU:1)+pf2_3(CUSTOM_VF:2)", "cn2(VCPU:1)+pf3_1(CUSTOM_VF:2)"],
            deep.Describe(result));
        Assert.Equal(26, result.ProviderSummaries.Count);
    }

    [Theory]
    [InlineData("VCPU:3", new[] { "cn2(VCPU:3)", "numa1(VCPU:3)" })] // numa0 has 2 of its 4 VCPU used
    [InlineData("VCPU:5", new[] { "cn2(VCPU:5)" })] // cn2 has 3 of 8 used
    [InlineData("VCPU:6", new string[0])]
    [InlineData("MEMORY_MB:768", new[] { "numa0(MEMORY_MB:768)", "numa1(MEMORY_MB:768)" })] // cn2's min_unit is 1024
    [InlineData("MEMORY_MB:1152", new[] { "cn2(MEMORY_MB:1152)" })] // numa0's step is 256, numa1's max_unit 1024
    [InlineData("MEMORY_MB:1280", new[] { "cn2(MEMORY_MB:1280)", "numa0(MEMORY_MB:1280)" })]
    public void UsageMinUnitMaxUnitAndStepSizeAreHonoured(string resources, string[] expected)
    {
        Assert.Equal(expected, t.Describe(Find(t, GroupPolicy.None, [], t.Group("_X", resources))));
    }
}
