using Placement.Api.Tests.Database;
using Xunit.Abstractions;

namespace Placement.Api.Tests.Freshness;

/// <summary>
/// Allocations written and deleted change which providers have room, at once: P and Q have 4 VCPU each; a consumer
/// first fills P and leaves it, then random consumers take, move and give back VCPU. After each write every request
/// size from 1 to 4 VCPU is asked for.
/// </summary>
public sealed class AllocationTests(ITestOutputHelper output)
{
    private const int Seed = 777;
    private const int Writes = 40;
    private const int Total = 4;

    [Theory]
    [MemberData(nameof(Cluster.OurRoutes), MemberType = typeof(Cluster))]
    public Task FortyAllocationWritesAreSeenAtOnce(string backend, Route route) => Run(backend, route);

    [UpstreamFact]
    public Task FortyAllocationWritesByUpstreamAreSeenAtOnce() => Run("sqlite", Route.UpstreamWrites);

    private async Task Run(string backend, Route route)
    {
        await using var cluster = await Cluster.StartAsync(backend, route, bystanders: 20);
        var (writer, reader) = (cluster.Writer, cluster.Reader);
        var names = new Dictionary<string, string>();
        foreach (var name in new[] { "P", "Q" })
        {
            var uuid = await writer.CreateProviderAsync(name);
            names[uuid] = name;
            await writer.SetInventoriesAsync(uuid, ("VCPU", Total));
        }
        var uuids = names.ToDictionary(n => n.Value, n => n.Key);
        var consumers = Enumerable.Range(0, 4).Select(i => $"c0000000-0000-4000-8000-00000000000{i}").ToArray();
        // Each consumer's allocation: its provider and VCPU, or none.
        var held = new Dictionary<string, (string Provider, int Used)>();
        var ledger = new Ledger(output, $"{cluster.Label}, seed {Seed}");

        int Free(string provider) => Total - held.Values.Where(h => h.Provider == provider).Sum(h => h.Used);
        async Task CheckEverySize()
        {
            for (var size = 1; size <= Total; size++)
            {
                var query = $"resources=VCPU:{size}";
                var expected = Answer.Candidates(uuids.Keys.Where(p => Free(p) >= size));
                await ledger.CandidatesAsync(reader, query, expected, names);
                await ledger.ProvidersAsync(reader, query, expected, names);
            }
        }

        await ledger.CandidatesAsync(reader, "resources=VCPU:1", "[P, Q]", names);
        await writer.AllocateAsync(consumers[0], uuids["P"], "VCPU", Total);
        held[consumers[0]] = ("P", Total);
        ledger.Wrote("P filled");
        await CheckEverySize();
        await writer.DeleteAllocationsAsync(consumers[0]);
        held.Remove(consumers[0]);
        ledger.Wrote("P freed");
        await CheckEverySize();

        var random = new Random(Seed);
        for (var write = 0; write < Writes; write++)
        {
            var consumer = consumers[random.Next(consumers.Length)];
            var holds = held.TryGetValue(consumer, out var mine);
            // Where it could go: what is free, plus what it holds there already.
            var room = uuids.Keys.Select(p => (Provider: p, Room: Free(p) + (holds && mine.Provider == p ? mine.Used : 0)))
                .Where(r => r.Room > 0).ToArray();
            if (holds && (random.Next(2) == 0 || room.Length == 0))
            {
                await writer.DeleteAllocationsAsync(consumer);
                held.Remove(consumer);
                ledger.Wrote($"write {write}: {consumer}'s allocations deleted");
            }
            else if (room.Length > 0)
            {
                var (provider, space) = room[random.Next(room.Length)];
                var used = random.Next(1, space + 1);
                await writer.AllocateAsync(consumer, uuids[provider], "VCPU", used);
                held[consumer] = (provider, used);
                ledger.Wrote($"write {write}: {consumer} holds {used} VCPU of {provider}");
            }
            else
            {
                continue;
            }
            await CheckEverySize();
        }

        ledger.AssertAllRight(atLeast: Total * Writes / 2);
    }
}
