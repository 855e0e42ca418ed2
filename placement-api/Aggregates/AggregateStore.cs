using Microsoft.EntityFrameworkCore;
using Placement.Api.Database;
using Placement.Api.Database.Entities;
using Placement.Api.Http;
using Placement.Api.ResourceProviders;

namespace Placement.Api.Aggregates;

/// <summary>The aggregates a provider is in (upstream: _get_aggregates_by_provider_id and _set_aggregates).</summary>
public sealed class AggregateStore(PlacementDbContext db)
{
    /// <summary>In UUID order, as SQLite happens to answer upstream's unordered query.</summary>
    public Task<List<string>> ListAsync(ResourceProvider provider, CancellationToken ct) =>
        (from link in db.ResourceProviderAggregates
         join aggregate in db.PlacementAggregates on link.AggregateId equals aggregate.Id
         where link.ResourceProviderId == provider.Id
         orderby aggregate.Uuid
         select aggregate.Uuid!).ToListAsync(ct);

    /// <summary>
    /// Makes the provider a member of exactly <paramref name="uuids"/>, creating aggregates never seen
    /// before, in one transaction (run again if it is a deadlock's victim); with <paramref name="incrementGeneration"/>
    /// (1.19+) also bumps the provider's generation, failing with 409 when another writer moved it.
    /// </summary>
    public Task SetAsync(ResourceProvider provider, IReadOnlyCollection<string> uuids, bool incrementGeneration, CancellationToken ct) =>
        DeadlockRetry.InTransactionAsync(db, async () =>
        {
            var wanted = new HashSet<int>();
            // In one order for every writer, so that two creating the same new aggregates take their keys' locks alike.
            foreach (var uuid in uuids.Order(StringComparer.Ordinal))
            {
                // An aggregate seen for the first time by two writers at once: the second uses the first's row.
                wanted.Add(await DuplicateEntry.FindOrInsertIdAsync(
                    db, db.PlacementAggregates, a => a.Uuid == uuid, () => new PlacementAggregate { Uuid = uuid }, ct));
            }

            var current = await db.ResourceProviderAggregates.Where(l => l.ResourceProviderId == provider.Id).ToListAsync(ct);
            db.ResourceProviderAggregates.RemoveRange(current.Where(l => !wanted.Contains(l.AggregateId)));
            var linked = current.Select(l => l.AggregateId).ToHashSet();
            db.ResourceProviderAggregates.AddRange(wanted.Where(id => !linked.Contains(id))
                .Select(id => new ResourceProviderAggregate { ResourceProviderId = provider.Id, AggregateId = id }));
            await db.SaveChangesAsync(ct);

            if (incrementGeneration && !await ProviderLookup.TryIncrementGenerationAsync(db, provider, ct))
            {
                throw PlacementException.Conflict(
                    "Update conflict: Another thread concurrently updated the resource provider data. Please retry your update",
                    ErrorCodes.ConcurrentUpdate);
            }
            return true;
        }, ct);
}
