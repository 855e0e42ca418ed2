using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Placement.Api.AllocationCandidates.Engine;
using Placement.Api.Database;

namespace Placement.Api.AllocationCandidates;

/// <summary>
/// Reads every provider with its tree, traits, aggregates, inventories and usage into the engine's
/// <see cref="ProviderSnapshot"/>: a few set-based queries in one read transaction (a consistent picture), in provider
/// id order so that answers are deterministic.
/// </summary>
public static class SnapshotLoader
{
    public static async Task<ProviderSnapshot> LoadAsync(PlacementDbContext db, CancellationToken cancellationToken)
    {
        // A deferred transaction only reads: it takes no write lock, and SQLite's WAL gives it one snapshot.
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var transaction = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
        await db.Database.UseTransactionAsync(transaction, cancellationToken);
        try
        {
            return await ReadAsync(db, cancellationToken);
        }
        finally
        {
            await db.Database.UseTransactionAsync(null, CancellationToken.None);
        }
    }

    private static async Task<ProviderSnapshot> ReadAsync(PlacementDbContext db, CancellationToken cancellationToken)
    {
        // Ids, not names, in the big result sets: the few names come from their small tables.
        var providers = await db.ResourceProviders.AsNoTracking()
            .OrderBy(p => p.Id)
            .Select(p => new { p.Id, p.Uuid, p.Name, p.Generation, p.ParentProviderId })
            .ToListAsync(cancellationToken);
        var traitNames = await db.Traits.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        var traits = await db.ResourceProviderTraits.AsNoTracking()
            .OrderBy(pt => pt.ResourceProviderId).ThenBy(pt => pt.TraitId)
            .Select(pt => new { pt.ResourceProviderId, pt.TraitId })
            .ToListAsync(cancellationToken);
        var aggregates = await db.ResourceProviderAggregates.AsNoTracking()
            .Join(db.PlacementAggregates, pa => pa.AggregateId, a => a.Id, (pa, a) => new { pa.ResourceProviderId, a.Uuid })
            .ToListAsync(cancellationToken);
        var classNames = await db.ResourceClasses.AsNoTracking().ToDictionaryAsync(rc => rc.Id, rc => rc.Name, cancellationToken);
        var inventories = await db.Inventories.AsNoTracking()
            .OrderBy(i => i.ResourceProviderId).ThenBy(i => i.ResourceClassId)
            .Select(i => new { i.ResourceProviderId, i.ResourceClassId, i.Total, i.Reserved, i.MinUnit, i.MaxUnit, i.StepSize, i.AllocationRatio })
            .ToListAsync(cancellationToken);
        var usages = await db.Allocations.AsNoTracking()
            .GroupBy(a => new { a.ResourceProviderId, a.ResourceClassId })
            .Select(g => new { g.Key.ResourceProviderId, g.Key.ResourceClassId, Used = g.Sum(a => (long)a.Used) })
            .ToDictionaryAsync(u => (u.ResourceProviderId, u.ResourceClassId), u => u.Used, cancellationToken);

        var uuids = providers.ToDictionary(p => p.Id, p => Guid.Parse(p.Uuid));
        var traitsOf = traits.ToLookup(t => t.ResourceProviderId, t => traitNames[t.TraitId]);
        // An aggregate row without a uuid cannot be asked for, so it filters nothing.
        var aggregatesOf = aggregates.Where(a => a.Uuid is not null).ToLookup(a => a.ResourceProviderId, a => Guid.Parse(a.Uuid!));
        return ProviderSnapshot.Build(
            providers.Select(p => new ProviderInput(
                uuids[p.Id],
                p.Name ?? "",
                p.Generation ?? 0,
                p.ParentProviderId is { } parent ? uuids[parent] : null,
                [.. traitsOf[p.Id]],
                [.. aggregatesOf[p.Id]])),
            inventories.Select(i => new InventoryInput(
                uuids[i.ResourceProviderId], classNames[i.ResourceClassId], i.Total, i.Reserved, i.MinUnit, i.MaxUnit, i.StepSize,
                i.AllocationRatio, usages.GetValueOrDefault((i.ResourceProviderId, i.ResourceClassId)))));
    }
}
