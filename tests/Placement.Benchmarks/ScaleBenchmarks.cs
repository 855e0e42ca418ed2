using BenchmarkDotNet.Attributes;
using Placement.Api.AllocationCandidates.Engine;
using Placement.Api.Tests.AllocationCandidates;

namespace Placement.Benchmarks;

/// <summary>
/// The engine on placebench's cloud (see ../shared/perf/README.md: compute nodes with 15 traits, 10 % NUMA
/// trees, 5 % SR-IOV children, a shared storage provider per 50 nodes, 4 cell aggregates) at growing sizes,
/// with its queries at limit 50: the work should follow the answer, not the cloud. Run with
/// <c>dotnet run -c Release --project tests/Placement.Benchmarks -- --filter '*Scale*'</c>.
/// </summary>
[MemoryDiagnoser]
public class ScaleBenchmarks
{
    private Topology _cloud = null!;
    private CandidateRequest _request = null!;
    private readonly CandidateOptions _options = new();

    [Params(1000, 50000)]
    public int Computes { get; set; }

    [Params("basic", "traits", "numa", "member_of")]
    public string Query { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _cloud = PlacebenchCloud(Computes);
        const string flavor = "VCPU:2,MEMORY_MB:4096,DISK_GB:20";
        _request = Query switch
        {
            "basic" => new CandidateRequest { Groups = [_cloud.Group("", flavor)], Limit = 50 },
            "traits" => new CandidateRequest
            {
                Groups = [_cloud.Group("", flavor, ["HW_CPU_X86_AVX2", "HW_CPU_X86_SSE42", "!CUSTOM_GOLD"])],
                Limit = 50,
            },
            "numa" => new CandidateRequest
            {
                Groups = [_cloud.Group("", "DISK_GB:20"), _cloud.Group("1", "VCPU:2,MEMORY_MB:2048"), _cloud.Group("2", "VCPU:2,MEMORY_MB:2048")],
                GroupPolicy = GroupPolicy.Isolate,
                Limit = 50,
            },
            "member_of" => new CandidateRequest { Groups = [_cloud.Group("", flavor, memberOf: ["cell3"])], Limit = 50 },
            _ => throw new InvalidOperationException($"unknown query {Query}"),
        };
        _ = _cloud.Snapshot;
    }

    [Benchmark]
    public int Candidates() => _cloud.Find(_request, _options).AllocationRequests.Count;

    /// <summary>placebench's model (same shapes and shares; its own random draws).</summary>
    internal static Topology PlacebenchCloud(int computes, int seed = 42)
    {
        var random = new Random(seed);
        string[] baseTraits =
        [
            "COMPUTE_VOLUME_ATTACH_WITH_TAG", "COMPUTE_VOLUME_EXTEND", "COMPUTE_VOLUME_MULTI_ATTACH", "COMPUTE_NET_ATTACH_INTERFACE",
            "COMPUTE_NET_ATTACH_INTERFACE_WITH_TAG", "COMPUTE_DEVICE_TAGGING", "COMPUTE_TRUSTED_CERTS", "COMPUTE_IMAGE_TYPE_QCOW2",
            "COMPUTE_IMAGE_TYPE_RAW", "COMPUTE_NODE", "HW_CPU_X86_SSE", "HW_CPU_X86_SSE2", "HW_CPU_X86_SSE3", "HW_CPU_X86_SSSE3",
            "HW_CPU_X86_SSE41",
        ];
        (string Trait, double Share)[] randomTraits =
        [
            ("HW_CPU_X86_SSE42", 0.9), ("HW_CPU_X86_AVX", 0.85), ("HW_CPU_X86_AVX2", 0.7), ("HW_CPU_X86_AVX512F", 0.2),
            ("COMPUTE_STATUS_DISABLED", 0.02), ("CUSTOM_GOLD", 0.1), ("CUSTOM_LOCAL_NVME", 0.25),
        ];
        var t = new Topology();
        for (var i = 0; i < computes; i++)
        {
            var name = $"cn-{i:D5}";
            var traits = baseTraits.Concat(randomTraits.Where(r => random.NextDouble() < r.Share).Select(r => r.Trait)).ToArray();
            t.Provider(name, traits: traits, aggs: [$"cell{i * 4 / computes}", $"ss{i / 50}"]);
            var numa = random.NextDouble() < 0.10;
            var sriov = random.NextDouble() < 0.05;
            t.Inventory(name, "DISK_GB", 2000);
            if (numa)
            {
                for (var k = 0; k < 2; k++)
                {
                    t.Provider($"{name}-numa{k}", name, traits: ["HW_NUMA_ROOT"])
                        .Inventory($"{name}-numa{k}", "VCPU", 32, ratio: 16)
                        .Inventory($"{name}-numa{k}", "MEMORY_MB", 131072, reserved: 2048, ratio: 1.5);
                }
            }
            else
            {
                t.Inventory(name, "VCPU", 64, ratio: 16).Inventory(name, "MEMORY_MB", 262144, reserved: 4096, ratio: 1.5);
            }
            if (sriov)
            {
                t.Provider($"{name}-pf0", name, traits: ["CUSTOM_PF", "CUSTOM_PHYSNET_PHYSNET0", "CUSTOM_VNIC_TYPE_DIRECT"])
                    .Inventory($"{name}-pf0", "SRIOV_NET_VF", 16).Inventory($"{name}-pf0", "NET_BW_EGR_KILOBIT_PER_SEC", 10_000_000);
            }
        }
        for (var g = 0; g < (computes + 49) / 50; g++)
        {
            t.Provider($"ss-{g:D4}", traits: ["MISC_SHARES_VIA_AGGREGATE"], aggs: [$"ss{g}"]).Inventory($"ss-{g:D4}", "DISK_GB", 100000);
        }
        return t;
    }
}

/// <summary>
/// What a change to the topology costs the candidates cache: rebuilding the engine's snapshot from its model
/// of the cloud (placebench's, at growing sizes). Usage changes cost only the chunks they touch.
/// </summary>
[MemoryDiagnoser]
public class RebuildBenchmarks
{
    private Placement.Api.AllocationCandidates.Snapshots.CloudModel _model = null!;

    [Params(1000, 50000)]
    public int Computes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var snapshot = ScaleBenchmarks.PlacebenchCloud(Computes).Snapshot;
        _model = new Placement.Api.AllocationCandidates.Snapshots.CloudModel();
        for (var t = 0; t < snapshot.TraitNames.Length; t++)
        {
            _model.Traits.Add(t + 1, snapshot.TraitNames[t]);
        }
        for (var c = 0; c < snapshot.ClassNames.Length; c++)
        {
            _model.Classes.Add(c, snapshot.ClassNames[c]);
        }
        var aggregateKeys = new Dictionary<int, int>();
        for (var p = 0; p < snapshot.ProviderCount; p++)
        {
            foreach (var a in snapshot.AggregatesOf[p])
            {
                aggregateKeys.TryAdd(a, aggregateKeys.Count + 1);
            }
        }
        foreach (var (dense, key) in aggregateKeys)
        {
            _model.Aggregates.Add(key, Guid.NewGuid());
        }
        for (var p = 0; p < snapshot.ProviderCount; p++)
        {
            _model.Providers.Add(p + 1, new Placement.Api.AllocationCandidates.Snapshots.ProviderState(
                snapshot.Uuids[p],
                snapshot.Parents[p] < 0 ? null : snapshot.Parents[p] + 1,
                [.. snapshot.TraitsOf[p].Select(t => t + 1)],
                [.. snapshot.AggregatesOf[p].Select(a => aggregateKeys[a])],
                [.. snapshot.InventoriesOf[p].Select(i => new Placement.Api.AllocationCandidates.Snapshots.InventoryState(
                    snapshot.Inventories[i].ResourceClass, 100, 0, 1, 100, 1, 1.0))]));
        }
    }

    [Benchmark]
    public int Rebuild() => _model.Build().Snapshot.ProviderCount;

    /// <summary>What nova-compute's usual changes cost instead: one provider's traits and inventory values, patched.</summary>
    [Benchmark]
    public int PatchOneProvider()
    {
        var built = _patchable ??= _model.Build();
        var provider = built.ProviderIndexes.Count / 2;
        var state = _model.Providers[provider + 1];
        return built.Snapshot.WithProviders([(provider, state.TraitIds[1..], Array.ConvertAll(state.Inventories, i => i.Row(provider)))]).ProviderCount;
    }

    private Placement.Api.AllocationCandidates.Snapshots.BuiltSnapshot? _patchable;
}
