using Placement.Api.AllocationCandidates.Engine;

namespace Placement.Api.Tests.AllocationCandidates;

/// <summary>What bounds a request's work: the time limit, a client that goes away, and the anchors the search visits.</summary>
public class SearchBoundsTests
{
    // One compute, 8 PFs of 8 VFs, six groups of one VF each: 64^6 combinations, far more than any test can list.
    private static (Topology Topology, CandidateRequest Request) Explosion()
    {
        var t = Fixtures.WideTree(1, 8, 8);
        RequestGroup[] groups = [t.Group("", "VCPU:1"), .. Enumerable.Range(1, 6).Select(i => t.Group($"{i}", "CUSTOM_VF:1"))];
        return (t, new CandidateRequest { Groups = groups });
    }

    [Fact]
    public void TheTimeLimitEndsTheSearchWithTheCandidatesFoundSoFar()
    {
        var (t, request) = Explosion();
        var result = t.Find(request, new CandidateOptions { TimeLimit = TimeSpan.FromMilliseconds(50), Clock = new SteppingClock() });

        Assert.True(result.ReachedTimeLimit);
        Assert.NotEmpty(result.AllocationRequests);
        Assert.All(result.AllocationRequests, c => Assert.Equal(7, c.Mappings.Count));
        // A cut search leaves the snapshot fit for the next request.
        var limited = t.Find(
            new CandidateRequest { Groups = request.Groups, Limit = 3 }, new CandidateOptions { TimeLimit = TimeSpan.FromSeconds(60) });
        Assert.False(limited.ReachedTimeLimit);
        Assert.Equal(result.AllocationRequests.Take(3).Select(t.Describe), limited.AllocationRequests.Select(t.Describe));
    }

    /// <summary>
    /// Two NUMA nodes of ten single-VF PFs, eleven VF groups that must share one NUMA node's subtree, isolated: no
    /// answer exists, and the search learns it only at the eleventh group of every ordering of ten PFs.
    /// </summary>
    internal static (Topology Topology, CandidateRequest Request) NoAnswerExplosion()
    {
        var t = new Topology().Provider("cn").Inventory("cn", "VCPU", 8);
        for (var numa = 0; numa < 2; numa++)
        {
            t.Provider($"numa{numa}", "cn");
            for (var pf = 0; pf < 10; pf++)
            {
                t.Provider($"pf{numa}_{pf}", $"numa{numa}").Inventory($"pf{numa}_{pf}", "CUSTOM_VF", 1);
            }
        }
        var suffixes = Enumerable.Range(1, 11).Select(i => $"_VF{i}").ToArray();
        return (t, new CandidateRequest
        {
            Groups = [t.Group("", "VCPU:1"), .. suffixes.Select(suffix => t.Group(suffix, "CUSTOM_VF:1"))],
            GroupPolicy = GroupPolicy.Isolate,
            SameSubtrees = [suffixes],
        });
    }

    [Fact]
    public void TheTimeLimitEndsASearchThatFindsNothing()
    {
        var (t, request) = NoAnswerExplosion();
        var result = t.Find(request, new CandidateOptions { TimeLimit = TimeSpan.FromMilliseconds(100), Clock = new SteppingClock() });

        Assert.True(result.ReachedTimeLimit);
        Assert.Empty(result.AllocationRequests);
    }

    [Fact]
    public void StampsStartAgainAfterTheLastOne()
    {
        var t = Fixtures.SharedStorage();
        var request = new CandidateRequest { Groups = [t.Group("", "VCPU:1,DISK_GB:10"), t.Group("1", "SRIOV_NET_VF:1")] };
        var expected = t.Find(request).AllocationRequests.Select(t.Describe).ToList();
        // A scratch that served 2^31 searches, whose entries hold stamps of every age (here: the oldest possible).
        var scratch = t.Snapshot.RentScratch();
        foreach (var name in new[] { "inventoryStampValue", "providerStampValue" })
        {
            typeof(EngineScratch).GetField(name, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                .SetValue(scratch, int.MaxValue - 2);
        }
        Array.Fill(scratch.InventoryStamp, int.MinValue);
        Array.Fill(scratch.ProviderStamp, int.MinValue);
        t.Snapshot.ReturnScratch(scratch);

        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(expected, t.Find(request).AllocationRequests.Select(t.Describe));
        }
    }

    [Fact]
    public void AClientThatWentAwayStopsTheSearch()
    {
        var (t, request) = Explosion();
        using var gone = new CancellationTokenSource();
        gone.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => CandidateEngine.Find(t.Snapshot, request, new CandidateOptions(), gone.Token));
    }

    [Fact]
    public void ConcurrentRequestsOnOneSnapshotGetTheAnswersTheyGetAlone()
    {
        var t = Fixtures.SharedStorage();
        CandidateRequest[] requests =
        [
            new() { Groups = [t.Group("", "VCPU:1,DISK_GB:10"), t.Group("1", "SRIOV_NET_VF:1")] },
            new() { Groups = [t.Group("", "VCPU:2"), t.Group("1", "SRIOV_NET_VF:2"), t.Group("2", "SRIOV_NET_VF:2")], GroupPolicy = GroupPolicy.Isolate },
            new() { Groups = [t.Group("", "MEMORY_MB:1024,DISK_GB:100")], Limit = 2 },
        ];
        var alone = requests.Select(r => string.Join(";", t.Find(r).AllocationRequests.Select(t.Describe))).ToArray();

        Parallel.For(0, 600, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            Assert.Equal(alone[i % 3], string.Join(";", t.Find(requests[i % 3]).AllocationRequests.Select(t.Describe))));
    }

    /// <summary>
    /// The search visits only the anchors of the shortest list known to hold every viable anchor of every group:
    /// those lists must hold them all. Checked on random clouds, for every root of each.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void EveryAnchorWithOptionsIsInEveryListItsGroupNames(int seed)
    {
        var random = new Random(seed);
        var t = RandomCloud(random);
        var snapshot = t.Snapshot;
        var traits = new[] { "CUSTOM_A", "CUSTOM_B", "MISC_SHARES_VIA_AGGREGATE" };
        var checkedAnchors = 0;
        for (var i = 0; i < 300; i++)
        {
            var group = ResolvedGroup.Resolve(snapshot, RandomGroup(t, random, random.Next(2) == 0 ? "" : "1", traits));
            if (group is null)
            {
                continue;
            }
            var matcher = new GroupMatcher(snapshot, group);
            var lists = matcher.AnchorSupersets().ToList();
            foreach (var anchor in snapshot.RootList)
            {
                if (matcher.OptionsAt(anchor, new SearchBudget(Timeout.InfiniteTimeSpan, TimeProvider.System, CancellationToken.None)).Count != 0)
                {
                    checkedAnchors++;
                    Assert.All(lists, list => Assert.Contains(anchor, list));
                }
            }
        }
        Assert.True(checkedAnchors > 100, $"only {checkedAnchors} anchors with options: the random clouds test too little");
    }

    private static Topology RandomCloud(Random random)
    {
        var t = new Topology();
        var aggregates = new[] { "agg1", "agg2", "agg3" };
        for (var c = 0; c < 12; c++)
        {
            string[] Pick(string[] from) => [.. from.Where(_ => random.Next(3) == 0)];
            var root = $"cn{c}";
            t.Provider(root, traits: Pick(["CUSTOM_A", "CUSTOM_B"]), aggs: Pick(aggregates));
            t.Inventory(root, "VCPU", random.Next(1, 9), used: random.Next(0, 3));
            if (random.Next(2) == 0)
            {
                t.Inventory(root, "DISK_GB", 100);
            }
            for (var k = 0; k < random.Next(0, 3); k++)
            {
                var child = $"{root}_c{k}";
                t.Provider(child, root, traits: Pick(["CUSTOM_A", "CUSTOM_B"]), aggs: Pick(aggregates));
                t.Inventory(child, "CUSTOM_VF", random.Next(1, 4));
            }
            if (random.Next(4) == 0)
            {
                var shared = $"ss{c}";
                t.Provider(shared, traits: ["MISC_SHARES_VIA_AGGREGATE", .. Pick(["CUSTOM_B"])], aggs: Pick(aggregates));
                t.Inventory(shared, "DISK_GB", 1000);
            }
        }
        return t;
    }

    private static readonly string[] Amounts = ["VCPU:1", "DISK_GB:10", "CUSTOM_VF:1"];

    private static RequestGroup RandomGroup(Topology t, Random random, string suffix, string[] traits)
    {
        // Now and then none: a resourceless group, which only required traits or member_of make match.
        var classes = Amounts.Where(_ => random.Next(2) == 0).ToList();
        string[] required = random.Next(3) == 0 ? [traits[random.Next(traits.Length)]] : [];
        string[] memberOf = random.Next(3) == 0 ? [$"agg{random.Next(1, 4)}"] : [];
        var inTree = random.Next(6) == 0 ? $"cn{random.Next(12)}" : null;
        return t.Group(suffix, string.Join(",", classes), required, memberOf, inTree);
    }

}

/// <summary>
/// A clock that moves 10 ms each time it is read, so that a time limit ends a search after a fixed number of budget
/// checks, however busy the machine is (on the system clock, a test thread descheduled on a loaded CI machine could
/// reach a 50 ms limit before its first candidate).
/// </summary>
internal sealed class SteppingClock : TimeProvider
{
    private long now;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => now += TimeSpan.TicksPerMillisecond * 10;
}
