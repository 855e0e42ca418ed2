using Placement.Api.AllocationCandidates.Engine;
using Placement.Api.Database;

namespace Placement.Api.AllocationCandidates;

/// <summary>
/// Keeps the engine's topology (providers, trees, traits, aggregates, inventories) between requests, since
/// it changes far less often than it is read, and refreshes only the usage on every request. Each request
/// checks the topology's fingerprint in the database, so changes made by other processes on the same
/// database are seen at once, as upstream sees them.
/// </summary>
public sealed class SnapshotCache
{
    private sealed record Topology(
        string Fingerprint,
        ProviderSnapshot Snapshot,
        Dictionary<(int Provider, int ResourceClass), (Guid Provider, string ResourceClass)> Keys);

    private volatile Topology? _current;

    public Task<ProviderSnapshot> GetAsync(PlacementDbContext db, CancellationToken cancellationToken) =>
        SnapshotLoader.InReadTransactionAsync(db, async () =>
        {
            var fingerprint = await SnapshotLoader.TopologyFingerprintAsync(db, cancellationToken);
            var topology = _current;
            if (topology is null || topology.Fingerprint != fingerprint)
            {
                var (snapshot, keys) = await SnapshotLoader.LoadTopologyAsync(db, cancellationToken);
                // Concurrent rebuilds are harmless: each read one consistent picture of the same fingerprint or a newer one.
                topology = new Topology(fingerprint, snapshot, keys);
                _current = topology;
            }
            var usages = new List<UsageInput>();
            foreach (var (provider, resourceClass, used) in await SnapshotLoader.LoadUsagesAsync(db, cancellationToken))
            {
                // Allocations against an inventory that is gone (upstream allows them) have nothing to refresh.
                if (topology.Keys.TryGetValue((provider, resourceClass), out var key))
                {
                    usages.Add(new UsageInput(key.Provider, key.ResourceClass, used));
                }
            }
            return topology.Snapshot.WithUsages(usages);
        }, cancellationToken);
}
