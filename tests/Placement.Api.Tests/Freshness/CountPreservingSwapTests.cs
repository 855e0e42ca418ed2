using Placement.Api.Tests.Database;
using Xunit.Abstractions;

namespace Placement.Api.Tests.Freshness;

/// <summary>
/// Random swaps between two providers that keep every count and sum the same: their trait sets, their aggregate sets,
/// their VCPU totals. Each of the two writes of a swap is followed at once by the queries it changes the answer of,
/// on /allocation_candidates (the cache) and /resource_providers (the database), against the test's own record of
/// what it wrote.
/// </summary>
public sealed class CountPreservingSwapTests(ITestOutputHelper output)
{
    private const int Seed = 4242;
    private const int Swaps = 60;
    private const int ProviderCount = 6;
    private static readonly string[] Traits = [.. Enumerable.Range(0, 6).Select(i => $"CUSTOM_SWAP{i}")];

    [Theory]
    [MemberData(nameof(Cluster.OurRoutes), MemberType = typeof(Cluster))]
    public Task SixtySwapsOfTraitsAggregatesAndTotalsAreSeenAtOnce(string backend, Route route) => Run(backend, route);

    [UpstreamFact]
    public Task SixtySwapsWrittenByUpstreamAreSeenAtOnce() => Run("sqlite", Route.UpstreamWrites);

    private sealed class Provider(string uuid, string name, int total, string[] traits, string[] aggregates)
    {
        public string Uuid { get; } = uuid;

        public string Name { get; } = name;

        public int Total { get; set; } = total;

        public string[] Traits { get; set; } = traits;

        public string[] Aggregates { get; set; } = aggregates;
    }

    private async Task Run(string backend, Route route)
    {
        await using var cluster = await Cluster.StartAsync(backend, route, bystanders: 20);
        var (writer, reader) = (cluster.Writer, cluster.Reader);
        var random = new Random(Seed);
        var aggregates = Enumerable.Range(0, 4).Select(i => $"00000000-0000-4000-8000-00000000000{i}").ToArray();
        foreach (var trait in Traits)
        {
            await writer.CreateTraitAsync(trait);
        }
        var totals = new[] { 2, 4, 6, 8, 10, 12 };
        random.Shuffle(totals);
        var providers = new List<Provider>();
        for (var i = 0; i < ProviderCount; i++)
        {
            var provider = new Provider(
                await writer.CreateProviderAsync($"S{i}"), $"S{i}", totals[i], Pick(random, Traits, 1, 3), Pick(random, aggregates, 1, 2));
            providers.Add(provider);
            await writer.SetInventoriesAsync(provider.Uuid, ("VCPU", provider.Total));
            await writer.SetTraitsAsync(provider.Uuid, provider.Traits);
            await writer.SetAggregatesAsync(provider.Uuid, provider.Aggregates);
        }
        var names = providers.ToDictionary(p => p.Uuid, p => p.Name);
        var ledger = new Ledger(output, $"{cluster.Label}, seed {Seed}");

        async Task Check(string query, Func<Provider, bool> fits)
        {
            var expected = Answer.Candidates(providers.Where(fits).Select(p => p.Name));
            await ledger.CandidatesAsync(reader, query, expected, names);
            await ledger.ProvidersAsync(reader, query, expected, names);
        }

        for (var swap = 0; swap < Swaps; swap++)
        {
            var kind = random.Next(3);
            var (p, q) = TwoOf(random, providers, kind switch
            {
                0 => (a, b) => !a.Traits.SequenceEqual(b.Traits),
                1 => (a, b) => !a.Aggregates.SequenceEqual(b.Aggregates),
                _ => (a, b) => a.Total != b.Total,
            });
            switch (kind)
            {
                case 0:
                    {
                        var changed = p.Traits.Except(q.Traits).Union(q.Traits.Except(p.Traits)).ToArray();
                        foreach (var (to, from) in new[] { (p, q.Traits), (q, p.Traits) })
                        {
                            to.Traits = from;
                            await writer.SetTraitsAsync(to.Uuid, from);
                            ledger.Wrote($"swap {swap}: {to.Name}'s traits set to [{string.Join(", ", from)}]");
                            foreach (var trait in changed)
                            {
                                await Check($"resources=VCPU:1&required={trait}", provider => provider.Traits.Contains(trait));
                            }
                        }
                        break;
                    }
                case 1:
                    {
                        var changed = p.Aggregates.Except(q.Aggregates).Union(q.Aggregates.Except(p.Aggregates)).ToArray();
                        foreach (var (to, from) in new[] { (p, q.Aggregates), (q, p.Aggregates) })
                        {
                            to.Aggregates = from;
                            await writer.SetAggregatesAsync(to.Uuid, from);
                            ledger.Wrote($"swap {swap}: {to.Name}'s aggregates set to [{string.Join(", ", from)}]");
                            foreach (var aggregate in changed)
                            {
                                await Check($"resources=VCPU:1&member_of={aggregate}", provider => provider.Aggregates.Contains(aggregate));
                            }
                        }
                        break;
                    }
                default:
                    {
                        // Between the two totals: the providers that fit change with each write.
                        var needed = random.Next(Math.Min(p.Total, q.Total) + 1, Math.Max(p.Total, q.Total) + 1);
                        foreach (var (to, from) in new[] { (p, q.Total), (q, p.Total) })
                        {
                            to.Total = from;
                            await writer.SetInventoriesAsync(to.Uuid, ("VCPU", from));
                            ledger.Wrote($"swap {swap}: {to.Name}'s VCPU total set to {from}");
                            await Check($"resources=VCPU:{needed}", provider => provider.Total >= needed);
                        }
                        break;
                    }
            }
        }

        ledger.AssertAllRight(atLeast: 2 * Swaps);
    }

    /// <summary>A random subset of <paramref name="items"/> of <paramref name="min"/> to <paramref name="max"/> items, sorted.</summary>
    private static string[] Pick(Random random, string[] items, int min, int max)
    {
        var shuffled = items.ToArray();
        random.Shuffle(shuffled);
        return [.. shuffled.Take(random.Next(min, max + 1)).Order(StringComparer.Ordinal)];
    }

    /// <summary>Two providers that <paramref name="differ"/>, so that swapping changes answers.</summary>
    private static (Provider, Provider) TwoOf(Random random, List<Provider> providers, Func<Provider, Provider, bool> differ)
    {
        var pairs = (from p in providers from q in providers where differ(p, q) select (p, q)).ToList();
        return pairs[random.Next(pairs.Count)];
    }
}
