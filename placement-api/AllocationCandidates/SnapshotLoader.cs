using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Placement.Api.AllocationCandidates.Engine;
using Placement.Api.Database;

namespace Placement.Api.AllocationCandidates;

/// <summary>
/// Reads what the candidates engine needs from the database, in provider id order so that answers are
/// deterministic: the topology (providers, trees, traits, aggregates, inventories), its fingerprint, and
/// the usage. <see cref="SnapshotCache"/> decides which of these a request has to read.
/// </summary>
public static class SnapshotLoader
{
    /// <summary>
    /// Runs <paramref name="read"/> in one read transaction, so it sees one consistent picture: on SQLite a
    /// deferred transaction (no write lock; WAL gives it a snapshot), elsewhere REPEATABLE READ (a snapshot on
    /// PostgreSQL and InnoDB).
    /// </summary>
    public static async Task<T> InReadTransactionAsync<T>(PlacementDbContext db, Func<Task<T>> read, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var transaction = db.Database.IsSqlite()
            ? ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true)
            : await db.Database.GetDbConnection().BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await db.Database.UseTransactionAsync(transaction, cancellationToken);
        try
        {
            return await read();
        }
        finally
        {
            await db.Database.UseTransactionAsync(null, CancellationToken.None);
        }
    }

    /// <summary>
    /// A value that changes whenever anything the topology holds changes: counts, id and timestamp maxima,
    /// and sums over the columns a change could touch (a re-parent moves parent ids, an inventory update its
    /// amounts). Allocations are not part of it: they bump provider generations and updated_at on every claim,
    /// which is why neither is used here.
    /// </summary>
    public static async Task<string> TopologyFingerprintAsync(PlacementDbContext db, CancellationToken ct)
    {
        var providers = db.ResourceProviders.AsNoTracking();
        var inventories = db.Inventories.AsNoTracking();
        var traits = db.ResourceProviderTraits.AsNoTracking();
        var aggregates = db.ResourceProviderAggregates.AsNoTracking();
        var classes = db.ResourceClasses.AsNoTracking();
        // One statement, one round trip: each part is a scalar subquery of a row from alembic_version, which has one.
        var parts = await db.AlembicVersion.AsNoTracking().Select(_ => new object?[]
        {
            providers.Count(),
            providers.Max(p => (int?)p.Id),
            providers.Sum(p => (long?)p.ParentProviderId),
            providers.Sum(p => (long?)p.Id * (p.ParentProviderId ?? 0)),
            inventories.Count(),
            inventories.Max(i => (int?)i.Id),
            inventories.Max(i => i.UpdatedAt),
            inventories.Sum(i => (long?)i.Total + i.Reserved * 3L + i.MinUnit * 5L + i.MaxUnit * 7L + i.StepSize * 11L),
            inventories.Sum(i => (double?)i.AllocationRatio * (i.Id + 1)),
            traits.Count(),
            traits.Sum(t => (long?)t.TraitId * (t.ResourceProviderId + 1)),
            aggregates.Count(),
            aggregates.Sum(a => (long?)a.AggregateId * (a.ResourceProviderId + 1)),
            classes.Count(),
            classes.Max(c => c.UpdatedAt),
        }).FirstAsync(ct);
        return string.Join('|', parts.Select(p => Convert.ToString(p, System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>The topology with nothing used, and the inventory keys that usage rows refer to.</summary>
    public static async Task<(ProviderSnapshot Topology, Dictionary<(int Provider, int ResourceClass), (Guid Provider, string ResourceClass)> Keys)>
        LoadTopologyAsync(PlacementDbContext db, CancellationToken cancellationToken)
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

        var uuids = providers.ToDictionary(p => p.Id, p => Guid.Parse(p.Uuid));
        var traitsOf = traits.ToLookup(t => t.ResourceProviderId, t => traitNames[t.TraitId]);
        // An aggregate row without a uuid cannot be asked for, so it filters nothing.
        var aggregatesOf = aggregates.Where(a => a.Uuid is not null).ToLookup(a => a.ResourceProviderId, a => Guid.Parse(a.Uuid!));
        var topology = ProviderSnapshot.Build(
            providers.Select(p => new ProviderInput(
                uuids[p.Id],
                p.Name ?? "",
                p.Generation ?? 0,
                p.ParentProviderId is { } parent ? uuids[parent] : null,
                [.. traitsOf[p.Id]],
                [.. aggregatesOf[p.Id]])),
            inventories.Select(i => new InventoryInput(
                uuids[i.ResourceProviderId], classNames[i.ResourceClassId], i.Total, i.Reserved, i.MinUnit, i.MaxUnit, i.StepSize,
                i.AllocationRatio, 0)));
        var keys = inventories.ToDictionary(
            i => (i.ResourceProviderId, i.ResourceClassId),
            i => (uuids[i.ResourceProviderId], classNames[i.ResourceClassId]));
        return (topology, keys);
    }

    /// <summary>The amount allocated against every inventory that has allocations.</summary>
    public static async Task<List<(int Provider, int ResourceClass, long Used)>> LoadUsagesAsync(PlacementDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.Allocations.AsNoTracking()
            .GroupBy(a => new { a.ResourceProviderId, a.ResourceClassId })
            .Select(g => new { g.Key.ResourceProviderId, g.Key.ResourceClassId, Used = g.Sum(a => (long)a.Used) })
            .ToListAsync(cancellationToken);
        return rows.ConvertAll(r => (r.ResourceProviderId, r.ResourceClassId, r.Used));
    }
}
