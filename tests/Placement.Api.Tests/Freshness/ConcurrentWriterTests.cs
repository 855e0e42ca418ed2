using Placement.Api.Tests.Database;
using Xunit.Abstractions;

namespace Placement.Api.Tests.Freshness;

/// <summary>
/// Two writers, one through each of two servers on one database, change their own two providers without pause (VCPU
/// totals, allocations, traits, aggregates) while readers ask for candidates through both servers. Each writer numbers
/// its writes and keeps the state of its providers after each. An answer is right when, for each writer, its part is
/// that of a state from the writer's last write acknowledged (its response received) before the read was sent up to
/// its last write sent before the answer came; matching only an older state is stale.
/// </summary>
public sealed class ConcurrentWriterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(4);
    private const int ProvidersPerWriter = 2;
    private static readonly string[] Traits = ["CUSTOM_C0", "CUSTOM_C1", "CUSTOM_C2"];
    private static readonly string[] Aggregates =
        ["a0000000-0000-4000-8000-000000000000", "a0000000-0000-4000-8000-000000000001", "a0000000-0000-4000-8000-000000000002"];

    /// <summary>One provider as its writer left it.</summary>
    private sealed record Box(int Total, int Used, string[] Traits, string[] Aggregates);

    /// <summary>
    /// A writer's providers and what it did to them: <see cref="States"/>[v] is after its write v (0: before any). It
    /// adds a state before it sends the write, and counts the write <see cref="Acknowledged"/> once the response came.
    /// </summary>
    private sealed class Writer(PlacementClient client, string[] names, string[] uuids, string[] consumers)
    {
        public PlacementClient Client { get; } = client;

        public string[] Names { get; } = names;

        public string[] Uuids { get; } = uuids;

        public string[] Consumers { get; } = consumers;

        public List<Box[]> States { get; } = [[.. names.Select(_ => new Box(8, 0, [], []))]];

        public int Acknowledged;
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public async Task ReadersThroughBothServersSeeEveryWriteAcknowledgedBeforeTheyAsked(string backend)
    {
        await using var cluster = await Cluster.StartAsync(backend, Route.FirstServerWrites, bystanders: 20);
        PlacementClient[] servers = [cluster.Writer, cluster.Reader];
        foreach (var trait in Traits)
        {
            await servers[0].CreateTraitAsync(trait);
        }
        var names = new Dictionary<string, string>();
        var writers = new List<Writer>();
        for (var w = 0; w < servers.Length; w++)
        {
            var providerNames = Enumerable.Range(0, ProvidersPerWriter).Select(i => $"W{w}.{i}").ToArray();
            var uuids = new string[ProvidersPerWriter];
            for (var i = 0; i < ProvidersPerWriter; i++)
            {
                uuids[i] = await servers[w].CreateProviderAsync(providerNames[i]);
                names[uuids[i]] = providerNames[i];
                await servers[w].SetInventoriesAsync(uuids[i], ("VCPU", 8));
            }
            writers.Add(new Writer(servers[w], providerNames, uuids, [.. providerNames.Select((_, i) => $"c{w}000000-0000-4000-8000-00000000000{i}")]));
        }
        using var stop = new CancellationTokenSource(Duration);
        var (checkedAnswers, stale, wrong) = (0, 0, new List<string>());

        async Task Check(PlacementClient reader, Random random)
        {
            var (query, fits) = PickQuery(random);
            var oldest = writers.Select(w => Volatile.Read(ref w.Acknowledged)).ToArray();
            var answer = await reader.CandidatesAsync(query);
            var problems = new List<string>();
            if (answer.Status != 200)
            {
                problems.Add($"GET /allocation_candidates?{query} answered {answer.Describe(names)}");
            }
            else
            {
                var candidates = answer.CandidatesWithUsage(names, "VCPU").ToList();
                for (var w = 0; w < writers.Count; w++)
                {
                    var writer = writers[w];
                    var part = Answer.Candidates(candidates.Where(c => writer.Names.Contains(c.Split(' ')[0])));
                    List<string> possible;
                    lock (writer.States)
                    {
                        possible = [.. writer.States.Select(state => Answer.Candidates(Enumerable.Range(0, ProvidersPerWriter)
                            .Where(i => fits(state[i])).Select(i => $"{writer.Names[i]} {state[i].Total}/{state[i].Used}")))];
                    }
                    if (!possible.Skip(oldest[w]).Contains(part))
                    {
                        problems.Add($"GET /allocation_candidates?{query} answered {part} for writer {w} after its write {oldest[w]} was "
                            + $"acknowledged{(possible.Take(oldest[w]).Contains(part) ? " (stale)" : "")}, expected "
                            + string.Join(" or ", possible.Skip(oldest[w]).Distinct()));
                    }
                }
            }
            lock (wrong)
            {
                checkedAnswers++;
                stale += problems.Count(p => p.Contains("(stale)", StringComparison.Ordinal));
                wrong.AddRange(problems);
            }
        }

        async Task Write(int w)
        {
            var writer = writers[w];
            var random = new Random(w);
            while (!stop.IsCancellationRequested)
            {
                var current = writer.States[^1];
                var i = random.Next(ProvidersPerWriter);
                var box = current[i];
                var kind = random.Next(4);
                var changed = kind switch
                {
                    0 => box with { Total = Other(random, box.Total, 8, 16) },
                    1 => box with { Used = Other(random, box.Used, 0, 4) },
                    2 => box with { Traits = OtherSubset(random, box.Traits, Traits) },
                    _ => box with { Aggregates = OtherSubset(random, box.Aggregates, Aggregates) },
                };
                Box[] next = [.. current];
                next[i] = changed;
                int version;
                lock (writer.States)
                {
                    writer.States.Add(next);
                    version = writer.States.Count - 1;
                }
                await (kind switch
                {
                    0 => writer.Client.SetInventoriesAsync(writer.Uuids[i], ("VCPU", changed.Total)),
                    1 when changed.Used == 0 => writer.Client.DeleteAllocationsAsync(writer.Consumers[i]),
                    1 => writer.Client.AllocateAsync(writer.Consumers[i], writer.Uuids[i], "VCPU", changed.Used),
                    2 => writer.Client.SetTraitsAsync(writer.Uuids[i], changed.Traits),
                    _ => writer.Client.SetAggregatesAsync(writer.Uuids[i], changed.Aggregates),
                });
                Volatile.Write(ref writer.Acknowledged, version);
                // The sharpest check: a read sent the moment the write is acknowledged, through either server, while
                // the other writer and the readers keep both servers' caches refreshing.
                await Check(servers[(w + version) % servers.Length], random);
            }
        }

        async Task Read(PlacementClient reader, int seed)
        {
            var random = new Random(seed);
            while (!stop.IsCancellationRequested)
            {
                await Check(reader, random);
            }
        }

        await Task.WhenAll(Write(0), Write(1), Read(servers[0], 2), Read(servers[1], 3));

        var writes = writers.Sum(w => w.States.Count - 1);
        var summary = $"{backend}, two servers writing: {writes} writes, {checkedAnswers} answers checked while they went on, "
            + $"{wrong.Count} wrong ({stale} stale)";
        output.WriteLine(summary);
        Assert.True(wrong.Count == 0, $"{summary}:\n{string.Join("\n", wrong.Take(20))}");
        Assert.True(checkedAnswers >= 50 && writers.TrueForAll(w => w.States.Count > 10), $"{summary}: too few to mean anything");
    }

    /// <summary>A query, and which providers it finds (each of them has room for 1 VCPU).</summary>
    private static (string Query, Func<Box, bool> Fits) PickQuery(Random random)
    {
        switch (random.Next(3))
        {
            case 0:
                var size = random.Next(1, 17);
                return ($"resources=VCPU:{size}", box => box.Total - box.Used >= size);
            case 1:
                var trait = Traits[random.Next(Traits.Length)];
                return ($"resources=VCPU:1&required={trait}", box => box.Traits.Contains(trait));
            default:
                var aggregate = Aggregates[random.Next(Aggregates.Length)];
                return ($"resources=VCPU:1&member_of={aggregate}", box => box.Aggregates.Contains(aggregate));
        }
    }

    /// <summary>A number from <paramref name="min"/> to <paramref name="max"/> other than <paramref name="current"/>.</summary>
    private static int Other(Random random, int current, int min, int max)
    {
        var value = random.Next(min, max);
        return value >= current ? value + 1 : value;
    }

    /// <summary>A subset of <paramref name="all"/> other than <paramref name="current"/>, sorted.</summary>
    private static string[] OtherSubset(Random random, string[] current, string[] all)
    {
        while (true)
        {
            string[] subset = [.. all.Where(_ => random.Next(2) == 0)];
            if (!subset.SequenceEqual(current))
            {
                return subset;
            }
        }
    }
}
