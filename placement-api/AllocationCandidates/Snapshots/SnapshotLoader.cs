using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Placement.Api.Database;

namespace Placement.Api.AllocationCandidates.Snapshots;

/// <summary>One row of the change log (see Database/Schema/*-change-log.sql).</summary>
internal readonly record struct Change(long Seq, ChangeKind Kind, int RowId, int ResourceClassId, long UsedDelta);

internal enum ChangeKind : short
{
    Provider = 1,
    Usage = 2,
    ResourceClass = 3,
    Trait = 4,
    Aggregate = 5,
}

/// <summary>The change log's counters and the changes after a position, all read in one statement.</summary>
/// <param name="Head">The seq of the last committed change.</param>
/// <param name="Pruned">Changes up to this seq may be gone.</param>
internal sealed record ChangeBatch(long Head, long Pruned, List<Change> Changes);

/// <summary>
/// Reads what the candidates engine needs from the database into a <see cref="CloudModel"/>: everything at once, or
/// the rows behind a list of changes; and the change log that says which rows changed.
/// </summary>
internal static class SnapshotLoader
{
    /// <summary>Ids per IN list: well below every backend's limit on parameters.</summary>
    private const int IdsPerQuery = 1000;

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
    /// The counters and every change with a seq above <paramref name="after"/>, in seq order, in one statement (so
    /// from one snapshot even outside a transaction). Database errors that mean an outage become
    /// <see cref="DatabaseUnavailableException"/>, as they do for EF's own commands.
    /// </summary>
    public static async Task<ChangeBatch> ReadChangesAsync(
        PlacementDbContext db, DatabaseOutageDetector outages, long after, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        try
        {
            await using var command = connection.CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            command.CommandText =
                "SELECT h.value, p.value, l.seq, l.kind, l.row_id, l.resource_class_id, l.used_delta "
                + "FROM change_log_counters h JOIN change_log_counters p ON p.name = 'pruned' "
                + "LEFT JOIN change_log l ON l.seq > @after "
                + "WHERE h.name = 'head' ORDER BY l.seq, l.id";
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@after";
            parameter.Value = after;
            command.Parameters.Add(parameter);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            long head = 0, pruned = 0;
            var changes = new List<Change>();
            while (await reader.ReadAsync(cancellationToken))
            {
                head = reader.GetInt64(0);
                pruned = reader.GetInt64(1);
                if (!reader.IsDBNull(2))
                {
                    changes.Add(new Change(
                        reader.GetInt64(2),
                        (ChangeKind)reader.GetInt16(3),
                        reader.GetInt32(4),
                        reader.IsDBNull(5) ? -1 : reader.GetInt32(5),
                        reader.IsDBNull(6) ? 0 : reader.GetInt64(6)));
                }
            }
            return new ChangeBatch(head, pruned, changes);
        }
        catch (DbException e)
        {
            outages.ThrowIfOutage(connection, e);
            throw;
        }
    }

    /// <summary>Everything, with the change-log head it is current at. Run it in a read transaction.</summary>
    public static async Task<(CloudModel Model, long Head)> LoadAllAsync(PlacementDbContext db, DatabaseOutageDetector outages, CancellationToken cancellationToken)
    {
        var batch = await ReadChangesAsync(db, outages, long.MaxValue, cancellationToken);
        var model = new CloudModel();
        foreach (var trait in await db.Traits.AsNoTracking().Select(t => new { t.Id, t.Name }).ToListAsync(cancellationToken))
        {
            model.Traits.Add(trait.Id, trait.Name);
        }
        foreach (var resourceClass in await db.ResourceClasses.AsNoTracking().Select(c => new { c.Id, c.Name }).ToListAsync(cancellationToken))
        {
            model.Classes.Add(resourceClass.Id, resourceClass.Name);
        }
        foreach (var aggregate in await db.PlacementAggregates.AsNoTracking().Where(a => a.Uuid != null).Select(a => new { a.Id, a.Uuid }).ToListAsync(cancellationToken))
        {
            model.Aggregates.Add(aggregate.Id, Guid.Parse(aggregate.Uuid!));
        }
        foreach (var (id, provider) in await ProvidersAsync(db, null, cancellationToken))
        {
            model.Providers.Add(id, provider);
        }
        var usage = await db.Allocations.AsNoTracking()
            .GroupBy(a => new { a.ResourceProviderId, a.ResourceClassId })
            .Select(g => new { g.Key.ResourceProviderId, g.Key.ResourceClassId, Used = g.Sum(a => (long)a.Used) })
            .ToListAsync(cancellationToken);
        foreach (var row in usage)
        {
            model.AddUsage(row.ResourceProviderId, row.ResourceClassId, row.Used);
        }
        return (model, batch.Head);
    }

    /// <summary>
    /// The current state of these providers (all of them when <paramref name="ids"/> is null); a provider that no
    /// longer exists is absent. Run it in a read transaction.
    /// </summary>
    public static async Task<Dictionary<int, ProviderState>> ProvidersAsync(
        PlacementDbContext db, IReadOnlyCollection<int>? ids, CancellationToken cancellationToken)
    {
        var providers = new List<(int Id, string Uuid, int? ParentId)>();
        var traits = new List<(int Provider, int Trait)>();
        var aggregates = new List<(int Provider, int Aggregate)>();
        var inventories = new List<(int Provider, InventoryState Inventory)>();
        foreach (var chunk in ids is null ? [null] : ids.Chunk(IdsPerQuery).Select(c => (int[]?)c))
        {
            providers.AddRange((await db.ResourceProviders.AsNoTracking()
                .Where(p => chunk == null || chunk.Contains(p.Id))
                .Select(p => new { p.Id, p.Uuid, p.ParentProviderId })
                .ToListAsync(cancellationToken)).Select(p => (p.Id, p.Uuid, p.ParentProviderId)));
            traits.AddRange((await db.ResourceProviderTraits.AsNoTracking()
                .Where(t => chunk == null || chunk.Contains(t.ResourceProviderId))
                .Select(t => new { t.ResourceProviderId, t.TraitId })
                .ToListAsync(cancellationToken)).Select(t => (t.ResourceProviderId, t.TraitId)));
            aggregates.AddRange((await db.ResourceProviderAggregates.AsNoTracking()
                .Where(a => chunk == null || chunk.Contains(a.ResourceProviderId))
                .Select(a => new { a.ResourceProviderId, a.AggregateId })
                .ToListAsync(cancellationToken)).Select(a => (a.ResourceProviderId, a.AggregateId)));
            inventories.AddRange((await db.Inventories.AsNoTracking()
                .Where(i => chunk == null || chunk.Contains(i.ResourceProviderId))
                .Select(i => new { i.ResourceProviderId, i.ResourceClassId, i.Total, i.Reserved, i.MinUnit, i.MaxUnit, i.StepSize, i.AllocationRatio })
                .ToListAsync(cancellationToken))
                .Select(i => (i.ResourceProviderId, new InventoryState(i.ResourceClassId, i.Total, i.Reserved, i.MinUnit, i.MaxUnit, i.StepSize, i.AllocationRatio))));
        }
        var traitsOf = traits.ToLookup(t => t.Provider, t => t.Trait);
        var aggregatesOf = aggregates.ToLookup(a => a.Provider, a => a.Aggregate);
        var inventoriesOf = inventories.ToLookup(i => i.Provider, i => i.Inventory);
        return providers.ToDictionary(p => p.Id, p => new ProviderState(
            Guid.Parse(p.Uuid),
            p.ParentId,
            [.. traitsOf[p.Id].Order()],
            [.. aggregatesOf[p.Id].Order()],
            [.. inventoriesOf[p.Id].OrderBy(i => i.ClassId)]));
    }

    /// <summary>Current names of these traits; a deleted one is absent.</summary>
    public static Task<Dictionary<int, string>> TraitsAsync(PlacementDbContext db, IReadOnlyCollection<int> ids, CancellationToken cancellationToken) =>
        ByIdAsync(ids, async chunk => (await db.Traits.AsNoTracking().Where(t => chunk.Contains(t.Id))
            .Select(t => new { t.Id, t.Name }).ToListAsync(cancellationToken)).ConvertAll(t => (t.Id, t.Name)));

    /// <summary>Current names of these resource classes; a deleted one is absent.</summary>
    public static Task<Dictionary<int, string>> ResourceClassesAsync(PlacementDbContext db, IReadOnlyCollection<int> ids, CancellationToken cancellationToken) =>
        ByIdAsync(ids, async chunk => (await db.ResourceClasses.AsNoTracking().Where(c => chunk.Contains(c.Id))
            .Select(c => new { c.Id, c.Name }).ToListAsync(cancellationToken)).ConvertAll(c => (c.Id, c.Name)));

    /// <summary>Current uuids of these aggregates; a deleted one, or one without a uuid, is absent.</summary>
    public static Task<Dictionary<int, Guid>> AggregatesAsync(PlacementDbContext db, IReadOnlyCollection<int> ids, CancellationToken cancellationToken) =>
        ByIdAsync(ids, async chunk => (await db.PlacementAggregates.AsNoTracking().Where(a => chunk.Contains(a.Id) && a.Uuid != null)
            .Select(a => new { a.Id, a.Uuid }).ToListAsync(cancellationToken)).ConvertAll(a => (a.Id, Guid.Parse(a.Uuid!))));

    /// <summary>What <paramref name="read"/> finds of these ids, asked <see cref="IdsPerQuery"/> at a time.</summary>
    private static async Task<Dictionary<int, T>> ByIdAsync<T>(IReadOnlyCollection<int> ids, Func<int[], Task<List<(int Id, T Value)>>> read)
    {
        var found = new Dictionary<int, T>();
        foreach (var chunk in ids.Chunk(IdsPerQuery))
        {
            foreach (var (id, value) in await read(chunk))
            {
                found.Add(id, value);
            }
        }
        return found;
    }
}
