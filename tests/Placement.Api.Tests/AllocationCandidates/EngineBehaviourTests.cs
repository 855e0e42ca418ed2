using Placement.Api.AllocationCandidates.Engine;

namespace Placement.Api.Tests.AllocationCandidates;

/// <summary>Limits, randomization, ordering, aggregates on trees, any-of traits and snapshot validation.</summary>
public class EngineBehaviourTests
{
    private static Topology TwoTreesWithAggregates() => new Topology()
        .Provider("cn1", aggs: ["aggA"]).Inventory("cn1", "VCPU", 8)
        .Provider("cn1_pf", "cn1", traits: ["CUSTOM_PHYSNET1"]).Inventory("cn1_pf", "CUSTOM_VF", 4)
        .Provider("cn2").Inventory("cn2", "VCPU", 8)
        .Provider("cn2_pf", "cn2", traits: ["CUSTOM_PHYSNET1"], aggs: ["aggA"]).Inventory("cn2_pf", "CUSTOM_VF", 4);

    [Fact]
    public void LimitCutsTheCandidatesAndTheirSummaries()
    {
        var t = Fixtures.Granular();
        var result = t.Find(new CandidateRequest { Groups = [t.Group("", "VCPU:1")], Limit = 2 });
        Assert.Equal(2, result.AllocationRequests.Count);
        Assert.Equal(2, result.ProviderSummaries.Count);
    }

    [Fact]
    public void SameRequestSameAnswer()
    {
        var t = Fixtures.SharedStorage();
        var request = new CandidateRequest { Groups = [t.Group("", "VCPU:1,DISK_GB:10"), t.Group("1", "SRIOV_NET_VF:1")] };
        var first = t.Find(request);
        var second = t.Find(request);
        Assert.Equal(first.AllocationRequests.Select(t.Describe), second.AllocationRequests.Select(t.Describe));
        Assert.Equal(first.AllocationRequests.Select(t.DescribeMappings), second.AllocationRequests.Select(t.DescribeMappings));
        Assert.Equal(first.ProviderSummaries.Select(s => s.Uuid), second.ProviderSummaries.Select(s => s.Uuid));
    }

    [Fact]
    public void RandomizedLimitSamplesFromAllCandidates()
    {
        var t = Fixtures.WideTree(2, 8, 8);
        RequestGroup[] groups = [t.Group("", "VCPU:1"), t.Group("1", "CUSTOM_VF:1"), t.Group("2", "CUSTOM_VF:1")];
        var request = new CandidateRequest { Groups = groups, Limit = 10 };
        var all = t.Describe(t.Find(new CandidateRequest { Groups = groups }));
        Assert.Equal(128, all.Count);
        var sampled = t.Find(request, new CandidateOptions { Randomize = true, Random = new Random(7) });
        Assert.Equal(10, sampled.AllocationRequests.Count);
        Assert.All(t.Describe(sampled), d => Assert.Contains(d, all));
        Assert.Equal(10, t.Describe(sampled).Distinct().Count());
        // Without randomization the first ten come from compute0 (depth-first); a random sample of ten out of 128
        // spread over two computes comes from compute0 alone with probability below 0.1%.
        Assert.Contains(t.Describe(sampled), d => d.StartsWith("compute1", StringComparison.Ordinal));
    }

    [Fact]
    public void RandomizedWithoutLimitReturnsEverythingShuffled()
    {
        var t = Fixtures.WideTree(2, 4, 1);
        var request = new CandidateRequest { Groups = [t.Group("", "VCPU:1"), t.Group("1", "CUSTOM_VF:1")] };
        var ordered = t.Find(request).AllocationRequests.Select(t.Describe).ToList();
        var shuffled = t.Find(request, new CandidateOptions { Randomize = true, Random = new Random(3) }).AllocationRequests.Select(t.Describe).ToList();
        Assert.Equal(ordered.Order(StringComparer.Ordinal), shuffled.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void RootAggregateSpansTheTreeForTheUnsuffixedGroup()
    {
        var t = TwoTreesWithAggregates();
        var result = t.Find(new CandidateRequest { Groups = [t.Group("", "VCPU:1,CUSTOM_VF:1", memberOf: ["aggA"])] });
        // cn1 is in aggA, so its child's VF counts; cn2 is not, so only its child (in aggA) may serve.
        Assert.Equal(["cn1(VCPU:1)+cn1_pf(CUSTOM_VF:1)"], t.Describe(result));
    }

    [Fact]
    public void SuffixedGroupChecksAggregatesOnItsOwnProvider()
    {
        var t = TwoTreesWithAggregates();
        var result = t.Find(new CandidateRequest { Groups = [t.Group("", "VCPU:1"), t.Group("1", "CUSTOM_VF:1", memberOf: ["aggA"])] });
        Assert.Equal(["cn2(VCPU:1)+cn2_pf(CUSTOM_VF:1)"], t.Describe(result));
    }

    [Fact]
    public void ForbiddenAggregateOnTheRootExcludesTheWholeTreeForTheUnsuffixedGroup()
    {
        var t = TwoTreesWithAggregates();
        var result = t.Find(new CandidateRequest { Groups = [t.Group("", "VCPU:1,CUSTOM_VF:1", memberOf: ["!aggA"])] });
        Assert.Empty(result.AllocationRequests);
        var onlyVcpu = t.Find(new CandidateRequest { Groups = [t.Group("", "VCPU:1", memberOf: ["!aggA"])] });
        Assert.Equal(["cn2(VCPU:1)"], t.Describe(onlyVcpu));
    }

    [Fact]
    public void AnyOfRequiredTraits()
    {
        var t = Fixtures.Granular();
        var result = t.Find(new CandidateRequest { Groups = [t.Group("1", "VCPU:1", required: ["in:HW_CPU_X86_SSE,HW_CPU_X86_MMX"])] });
        Assert.Equal(["cn_middle(VCPU:1)", "cn_right(VCPU:1)"], t.Describe(result));
        var both = t.Find(new CandidateRequest { Groups = [t.Group("1", "VCPU:1", required: ["in:HW_CPU_X86_SSE,HW_CPU_X86_MMX", "HW_GPU_API_DXVA"])] });
        Assert.Equal(["cn_right(VCPU:1)"], t.Describe(both));
    }

    [Fact]
    public void AnyOfRequiredTraitsHeldCollectivelyInTheUnsuffixedGroup()
    {
        var t = Fixtures.Granular();
        // DISK_GB from shr_disk_1 brings CUSTOM_DISK_SSD; cn_middle brings HW_CPU_X86_SSE.
        var result = t.Find(new CandidateRequest
        {
            Groups = [t.Group("", "VCPU:1,DISK_GB:10", required: ["HW_CPU_X86_SSE", "in:CUSTOM_DISK_SSD,CUSTOM_NOPE"])],
        });
        Assert.Equal(["cn_middle(VCPU:1)+shr_disk_1(DISK_GB:10)"], t.Describe(result));
    }

    [Fact]
    public void IsolateDoesNotApplyToTheUnsuffixedGroup()
    {
        var t = Fixtures.Granular();
        var result = t.Find(new CandidateRequest
        {
            Groups = [t.Group("", "VCPU:1", required: ["HW_CPU_X86_SSE"]), t.Group("1", "MEMORY_MB:10"), t.Group("2", "SRIOV_NET_VF:1")],
            GroupPolicy = GroupPolicy.Isolate,
        });
        Assert.Empty(result.AllocationRequests); // groups 1 and 2 would both need cn_middle
        var one = t.Find(new CandidateRequest
        {
            Groups = [t.Group("", "VCPU:1", required: ["HW_CPU_X86_SSE"]), t.Group("1", "MEMORY_MB:10")],
            GroupPolicy = GroupPolicy.Isolate,
        });
        Assert.Equal(["cn_middle(MEMORY_MB:10,VCPU:1)"], t.Describe(one));
    }

    [Fact]
    public void ResourcelessGroupNeedsAPositiveFilter()
    {
        // Upstream quirk: a resourceless group with only forbidden traits matches no provider.
        var t = Fixtures.NumaNetwork();
        var result = t.Find(new CandidateRequest
        {
            Groups = [t.Group("_A", "FPGA:1"), t.Group("_N", "", required: ["!CUSTOM_FOO"])],
            SameSubtrees = [["_A", "_N"]],
        });
        Assert.Empty(result.AllocationRequests);
    }

    [Fact]
    public void ResourcelessGroupIgnoresInTree()
    {
        // Upstream quirk, checked against upstream: in_tree is applied to resource lookups only.
        var t = TwoTreesWithAggregates();
        var result = t.Find(new CandidateRequest
        {
            Groups = [t.Group("_V", "CUSTOM_VF:1"), t.Group("_N", "", required: ["CUSTOM_PHYSNET1"], inTree: "cn1")],
            SameSubtrees = [["_V", "_N"]],
        });
        Assert.Equal(["_V=cn1_pf;_N=cn1_pf", "_V=cn2_pf;_N=cn2_pf"], result.AllocationRequests.Select(t.DescribeMappings).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void NoGroupsNoCandidates()
    {
        var t = Fixtures.Granular();
        Assert.Same(CandidateResult.Empty, t.Find(new CandidateRequest()));
    }

    [Theory]
    [InlineData("VCPU:1,VCPU:2")]
    [InlineData("VCPU:0")]
    public void MalformedGroupIsRejected(string resources)
    {
        var t = Fixtures.Granular();
        Assert.Throws<ArgumentException>(() => t.Find(new CandidateRequest { Groups = [t.Group("1", resources)] }));
    }

    [Fact]
    public void SnapshotRejectsInconsistentInput()
    {
        var root = new ProviderInput(Guid.NewGuid(), null, [], []);
        Assert.Throws<ArgumentException>(() => ProviderSnapshot.Build([root, root], []));
        Assert.Throws<ArgumentException>(() => ProviderSnapshot.Build([root with { ParentUuid = Guid.NewGuid() }], []));
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        Assert.Throws<ArgumentException>(() => ProviderSnapshot.Build(
            [new ProviderInput(a, b, [], []), new ProviderInput(b, a, [], [])], []));
        var inventory = new InventoryInput(root.Uuid, "VCPU", 1, 0, 1, 1, 1, 1.0, 0);
        Assert.Throws<ArgumentException>(() => ProviderSnapshot.Build([root], [inventory, inventory]));
        Assert.Throws<ArgumentException>(() => ProviderSnapshot.Build([root], [inventory with { ProviderUuid = Guid.NewGuid() }]));
    }

    [Fact]
    public void UsageRefreshChangesWhatFits()
    {
        var t = Fixtures.Granular();
        var request = new CandidateRequest { Groups = [t.Group("", "VCPU:4")] };
        Assert.Equal(3, CandidateEngine.Find(t.Snapshot, request, new CandidateOptions()).AllocationRequests.Count);

        var busy = t.Snapshot.WithUsage([new UsageInput(t["cn_left"], "VCPU", 5), new UsageInput(t["cn_right"], "VCPU", 4)]);
        var result = CandidateEngine.Find(busy, request, new CandidateOptions());
        Assert.Equal(["cn_middle(VCPU:4)", "cn_right(VCPU:4)"], t.Describe(result));
        Assert.Contains(new SummaryResource("VCPU", 8, 4), result.ProviderSummaries.Single(s => s.Uuid == t["cn_right"]).Resources);
        // The original snapshot is unchanged.
        Assert.Equal(3, CandidateEngine.Find(t.Snapshot, request, new CandidateOptions()).AllocationRequests.Count);

        Assert.Throws<ArgumentException>(() => t.Snapshot.WithUsage([new UsageInput(t["cn_middle"], "DISK_GB", 1)]));
        Assert.Throws<ArgumentException>(() => t.Snapshot.WithUsage([new UsageInput(Guid.NewGuid(), "VCPU", 1)]));
    }

    [Fact]
    public void SnapshotReportsTreesAndSharing()
    {
        var flat = new Topology().Provider("a").Provider("b");
        Assert.False(flat.Snapshot.HasTrees);
        Assert.False(flat.Snapshot.HasSharingProviders);
        Assert.Equal(2, flat.Snapshot.ProviderCount);
        Assert.True(Fixtures.SharedStorage().Snapshot.HasTrees);
        Assert.True(Fixtures.Granular().Snapshot.HasSharingProviders);
    }
}

/// <summary>Patching a snapshot's providers (new traits, new inventory values) instead of rebuilding it.</summary>
public class SnapshotPatchTests
{
    private static Topology TwoComputes() => new Topology()
        .Provider("cn1", traits: ["CUSTOM_A"]).Inventory("cn1", "VCPU", 4)
        .Provider("cn2").Inventory("cn2", "VCPU", 4);

    private static InventoryRow Vcpu(int provider, int total) => new(provider, 0, total, 0, 1, total, 1, 1.0);

    private static List<string> Find(Topology t, ProviderSnapshot snapshot, string resources, params string[] required) =>
        [.. CandidateEngine.Find(snapshot, new CandidateRequest { Groups = [t.Group("", resources, required)] }, new CandidateOptions())
            .AllocationRequests.Select(t.Describe)];

    [Fact]
    public void TraitsThatChangeHandsMoveTheAnswersAskingForThem()
    {
        var t = TwoComputes();
        Assert.Equal(["cn1(VCPU:1)"], Find(t, t.Snapshot, "VCPU:1", "CUSTOM_A"));

        // The trait moves from cn1 to cn2: the answers that named it, already worked out once, follow it.
        var moved = t.Snapshot.WithProviders([(0, [], [Vcpu(0, 4)]), (1, [0], [Vcpu(1, 4)])]);

        Assert.Equal(["cn2(VCPU:1)"], Find(t, moved, "VCPU:1", "CUSTOM_A"));
        Assert.Equal(["cn1(VCPU:1)"], Find(t, moved, "VCPU:1", "!CUSTOM_A"));
        Assert.Equal(["cn1(VCPU:1)"], Find(t, t.Snapshot, "VCPU:1", "CUSTOM_A"));
    }

    [Fact]
    public void NewInventoryValuesChangeWhatFits()
    {
        var t = TwoComputes();
        var smaller = t.Snapshot.WithProviders([(1, [], [Vcpu(1, 2)])]);

        Assert.Equal(["cn1(VCPU:3)"], Find(t, smaller, "VCPU:3"));
        Assert.Equal(["cn1(VCPU:3)", "cn2(VCPU:3)"], Find(t, t.Snapshot, "VCPU:3"));
    }

    [Fact]
    public void WhatWouldMoveAnIndexIsRefused()
    {
        var t = TwoComputes().Provider("ss", traits: ["MISC_SHARES_VIA_AGGREGATE"]);
        // Starting to share (the trait exists: ss has it).
        Assert.Throws<ArgumentException>(() => t.Snapshot.WithProviders([(1, [1], [Vcpu(1, 4)])]));
        // Gaining an inventory, or one of another class.
        Assert.Throws<ArgumentException>(() => t.Snapshot.WithProviders([(1, [], [Vcpu(1, 4), Vcpu(1, 4) with { ClassKey = 1 }])]));
        Assert.Throws<ArgumentException>(() => t.Snapshot.WithProviders([(1, [], [Vcpu(1, 4) with { ClassKey = 7 }])]));
    }
}
