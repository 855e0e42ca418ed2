using Placement.Api.Tests.Database;
using Xunit.Abstractions;

namespace Placement.Api.Tests.Freshness;

/// <summary>
/// Providers moved between trees (microversion 1.37 lets PUT /resource_providers/{uuid} change the parent, or drop
/// it): candidates that take resources from a root and a provider below it together follow each move at once.
/// Roots A and B have VCPU; C has CUSTOM_X and starts under A; D has CUSTOM_Y and starts under C. Random moves take C
/// (with D, while D is below it) under A, under B or to the top, and D under A, B, C or to the top.
/// </summary>
public sealed class ReparentingTests(ITestOutputHelper output)
{
    private const int Seed = 1337;
    private const int Moves = 30;

    [Theory]
    [MemberData(nameof(Cluster.OurRoutes), MemberType = typeof(Cluster))]
    public Task ThirtyMovesBetweenTreesAreSeenAtOnce(string backend, Route route) => Run(backend, route);

    [UpstreamFact]
    public Task ThirtyMovesByUpstreamAreSeenAtOnce() => Run("sqlite", Route.UpstreamWrites);

    private async Task Run(string backend, Route route)
    {
        await using var cluster = await Cluster.StartAsync(backend, route, bystanders: 20);
        var (writer, reader) = (cluster.Writer, cluster.Reader);
        await writer.CreateResourceClassAsync("CUSTOM_X");
        await writer.CreateResourceClassAsync("CUSTOM_Y");
        var uuids = new Dictionary<string, string>();
        var parents = new Dictionary<string, string?> { ["A"] = null, ["B"] = null, ["C"] = "A", ["D"] = "C" };
        foreach (var (name, resourceClass) in new[] { ("A", "VCPU"), ("B", "VCPU"), ("C", "CUSTOM_X"), ("D", "CUSTOM_Y") })
        {
            uuids[name] = await writer.CreateProviderAsync(name, parents[name] is { } parent ? uuids[parent] : null);
            await writer.SetInventoriesAsync(uuids[name], (resourceClass, 2));
        }
        var names = uuids.ToDictionary(u => u.Value, u => u.Key);
        var ledger = new Ledger(output, $"{cluster.Label}, seed {Seed}");
        var random = new Random(Seed);

        string Root(string name) => parents[name] is { } parent ? Root(parent) : name;
        // One candidate taking VCPU from the provider's root when that is A or B, none otherwise.
        string WithVcpu(string name) => Root(name) is "A" or "B" ? $"[{Root(name)}+{name}]" : "[]";

        for (var move = 0; move < Moves; move++)
        {
            var mover = random.Next(2) == 0 ? "C" : "D";
            string?[] places = mover == "C" ? ["A", "B", null] : ["A", "B", "C", null];
            var to = random.GetItems(places.Where(p => p != parents[mover]).ToArray(), 1)[0];
            await writer.SetParentAsync(uuids[mover], to is null ? null : uuids[to]);
            parents[mover] = to;
            ledger.Wrote($"move {move}: {mover} {(to is null ? "made a root" : $"moved under {to}")}");

            await ledger.CandidatesAsync(reader, "resources=VCPU:1,CUSTOM_X:1", WithVcpu("C"), names);
            await ledger.CandidatesAsync(reader, "resources=VCPU:1,CUSTOM_Y:1", WithVcpu("D"), names);
            await ledger.CandidatesAsync(reader, "resources=CUSTOM_X:1,CUSTOM_Y:1", Root("C") == Root("D") ? "[C+D]" : "[]", names);
            foreach (var root in new[] { "A", "B" })
            {
                await ledger.ProvidersAsync(reader, $"in_tree={uuids[root]}", Answer.Candidates(parents.Keys.Where(p => Root(p) == root)), names);
            }
        }

        ledger.AssertAllRight(atLeast: 3 * Moves);
    }
}
