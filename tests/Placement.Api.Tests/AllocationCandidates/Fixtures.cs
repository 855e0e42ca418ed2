namespace Placement.Api.Tests.AllocationCandidates;

/// <summary>Upstream's gabbit fixtures (placement/tests/functional/fixtures/gabbits.py), built straight into a snapshot.</summary>
internal static class Fixtures
{
    private const string Shares = "MISC_SHARES_VIA_AGGREGATE";

    /// <summary>GranularFixture: three computes and three sharing providers over aggregates A, B, C.</summary>
    public static Topology Granular()
    {
        var t = new Topology()
            .Provider("cn_left", aggs: ["aggA"],
                traits: ["HW_CPU_X86_AVX", "HW_CPU_X86_AVX2", "HW_GPU_API_DXVA", "HW_NIC_DCB_PFC", "CUSTOM_FOO"])
            .Inventory("cn_left", "VCPU", 8).Inventory("cn_left", "MEMORY_MB", 4096).Inventory("cn_left", "DISK_GB", 500)
            .Inventory("cn_left", "VGPU", 8).Inventory("cn_left", "SRIOV_NET_VF", 8).Inventory("cn_left", "CUSTOM_NET_MBPS", 4000)
            .Provider("cn_middle", aggs: ["aggA", "aggB"],
                traits: ["HW_CPU_X86_AVX", "HW_CPU_X86_AVX2", "HW_CPU_X86_SSE", "HW_NIC_ACCEL_TLS"])
            .Inventory("cn_middle", "VCPU", 8).Inventory("cn_middle", "MEMORY_MB", 4096)
            .Inventory("cn_middle", "SRIOV_NET_VF", 8).Inventory("cn_middle", "CUSTOM_NET_MBPS", 4000)
            .Provider("cn_right", aggs: ["aggB", "aggC"], traits: ["HW_CPU_X86_MMX", "HW_GPU_API_DXVA", "CUSTOM_DISK_SSD"])
            .Inventory("cn_right", "VCPU", 8).Inventory("cn_right", "MEMORY_MB", 4096).Inventory("cn_right", "DISK_GB", 500)
            .Inventory("cn_right", "VGPU", 8, maxUnit: 2)
            .Provider("shr_disk_1", aggs: ["aggA"], traits: [Shares, "CUSTOM_DISK_SSD"])
            .Inventory("shr_disk_1", "DISK_GB", 1000)
            .Provider("shr_disk_2", aggs: ["aggA", "aggB"], traits: [Shares])
            .Inventory("shr_disk_2", "DISK_GB", 1000)
            .Provider("shr_net", aggs: ["aggC"], traits: [Shares])
            .Inventory("shr_net", "SRIOV_NET_VF", 16).Inventory("shr_net", "CUSTOM_NET_MBPS", 40000);
        return t;
    }

    /// <summary>SharedStorageFixture: cn1, cn2 with NUMA and PF children, ss and ss2 sharing disk, all in one aggregate.</summary>
    public static Topology SharedStorage()
    {
        var t = new Topology()
            .Provider("cn1", aggs: ["agg"], traits: ["HW_CPU_X86_SSE", "HW_CPU_X86_SSE2"])
            .Provider("cn2", aggs: ["agg"])
            .Provider("ss", aggs: ["agg"], traits: [Shares])
            .Provider("ss2", aggs: ["agg"], traits: [Shares])
            .Provider("numa1_1", "cn1").Provider("numa1_2", "cn1").Provider("numa2_1", "cn2").Provider("numa2_2", "cn2")
            .Provider("pf1_1", "numa1_1").Provider("pf1_2", "numa1_2").Provider("pf2_1", "numa2_1").Provider("pf2_2", "numa2_2");
        foreach (var cn in new[] { "cn1", "cn2" })
        {
            t.Inventory(cn, "VCPU", 24, ratio: 16.0).Inventory(cn, "MEMORY_MB", 128 * 1024, ratio: 1.5);
        }
        t.Inventory("cn2", "DISK_GB", 2000, reserved: 100);
        t.Inventory("ss", "DISK_GB", 2000, reserved: 100).Inventory("ss2", "DISK_GB", 2000, reserved: 100);
        foreach (var pf in new[] { "pf1_1", "pf1_2", "pf2_1", "pf2_2" })
        {
            t.Inventory(pf, "SRIOV_NET_VF", 8);
        }
        return t;
    }

    /// <summary>NUMANetworkFixture (master: FPGA is the standard class). With <paramref name="deep"/>, DeepNUMANetworkFixture.</summary>
    public static Topology NumaNetwork(bool deep = false)
    {
        var t = new Topology();
        string? cn1Parent = null, cn2Parent = null;
        if (deep)
        {
            t.Provider("gp1").Provider("p1", "gp1").Provider("p2", "gp1");
            (cn1Parent, cn2Parent) = ("p1", "p2");
        }
        t.Provider("ss1", aggs: ["aggA"], traits: [Shares]).Inventory("ss1", "DISK_GB", 2000)
            .Provider("cn1", cn1Parent, aggs: ["aggA"], traits: ["COMPUTE_VOLUME_MULTI_ATTACH"])
            .Provider("numa0", "cn1", traits: ["HW_NUMA_ROOT"]).Inventory("numa0", "VCPU", 4, used: 2)
            .Provider("numa1", "cn1", traits: ["HW_NUMA_ROOT", "CUSTOM_FOO"]).Inventory("numa1", "VCPU", 4)
            .Inventory("numa0", "MEMORY_MB", 2048, minUnit: 512, stepSize: 256)
            .Inventory("numa1", "MEMORY_MB", 2048, minUnit: 256, maxUnit: 1024)
            .Provider("fpga0", "numa0").Inventory("fpga0", "FPGA", 1)
            .Provider("pgpu0", "numa0").Inventory("pgpu0", "VGPU", 8)
            .Provider("fpga1_0", "numa1").Inventory("fpga1_0", "FPGA", 1)
            .Provider("fpga1_1", "numa1").Inventory("fpga1_1", "FPGA", 1)
            .Provider("sriov_agent", "cn1", traits: ["CUSTOM_VNIC_TYPE_DIRECT"])
            .Provider("esn1", "sriov_agent", traits: ["CUSTOM_PHYSNET1"]).Inventory("esn1", "NET_BW_EGR_KILOBIT_PER_SEC", 10000)
            .Provider("esn2", "sriov_agent", traits: ["CUSTOM_PHYSNET2"]).Inventory("esn2", "NET_BW_EGR_KILOBIT_PER_SEC", 20000)
            .Provider("ovs_agent", "cn1", traits: ["CUSTOM_VNIC_TYPE_NORMAL"])
            .Provider("br_int", "ovs_agent", traits: ["CUSTOM_PHYSNET0"]).Inventory("br_int", "NET_BW_EGR_KILOBIT_PER_SEC", 1000)
            .Provider("cn2", cn2Parent, aggs: ["aggA"], traits: ["CUSTOM_FOO"])
            .Inventory("cn2", "VCPU", 8, used: 3).Inventory("cn2", "MEMORY_MB", 2048, minUnit: 1024, stepSize: 128)
            .Inventory("cn2", "DISK_GB", 1000);
        for (var i = 1; i <= 3; i++)
        {
            t.Provider($"nic{i}", "cn2", traits: ["CUSTOM_HW_NIC_ROOT"]);
        }
        for (var i = 1; i <= 2; i++)
        {
            t.Provider($"pf1_{i}", "nic1", traits: [$"CUSTOM_PHYSNET{i}"]).Inventory($"pf1_{i}", "CUSTOM_VF", 4);
        }
        for (var i = 0; i < 4; i++)
        {
            t.Provider($"pf2_{i + 1}", "nic2", traits: [$"CUSTOM_PHYSNET{(i % 2) + 1}"]).Inventory($"pf2_{i + 1}", "CUSTOM_VF", 2);
        }
        t.Provider("pf3_1", "nic3", traits: ["CUSTOM_PHYSNET1"]).Inventory("pf3_1", "CUSTOM_VF", 8);
        return t;
    }

    /// <summary>Upstream's wide symmetric trees: computeI (VCPU 8, MEMORY_MB 4096, DISK_GB 500) with PFs of CUSTOM_VF.</summary>
    public static Topology WideTree(int computes, int pfs, int vfsPerPf)
    {
        var t = new Topology();
        for (var i = 0; i < computes; i++)
        {
            var compute = $"compute{i}";
            t.Provider(compute).Inventory(compute, "VCPU", 8).Inventory(compute, "MEMORY_MB", 4096).Inventory(compute, "DISK_GB", 500);
            for (var j = 0; j < pfs; j++)
            {
                t.Provider($"{compute}:PF{j}", compute).Inventory($"{compute}:PF{j}", "CUSTOM_VF", vfsPerPf);
            }
        }
        return t;
    }
}
