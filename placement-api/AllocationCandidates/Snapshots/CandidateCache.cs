using Microsoft.EntityFrameworkCore;
using Placement.Api.AllocationCandidates.Engine;
using Placement.Api.Database;

namespace Placement.Api.AllocationCandidates.Snapshots;

/// <summary>
/// The engine's picture of the cloud, kept in memory and brought up to date from the database's change log
/// (Database/Schema/*-change-log.sql) before every use.
/// <para>
/// Exact freshness: every write to what candidates depend on, by any process, logs a change under a seq that
/// follows commit order with no gaps (the log's head counter is row-locked until the writer commits). A request
/// waits for a refresh that started after it did; that refresh reads the head and the changes above its last
/// position in one statement, so it sees every change committed before the request started, and applies them
/// all. Usage changes are applied as deltas; a changed provider, trait, class or aggregate is read again.
/// </para>
/// <para>
/// Cost: one refresh runs at a time, and concurrent requests share it. A refresh with nothing new is one small
/// indexed query; usage changes cost the chunks of usage they touch; other changes read only the rows they name,
/// then rebuild the engine's indexes in memory. The whole cloud is read at the first use, and again only when
/// the log was pruned past this process's position (it was idle for longer than the log is kept).
/// </para>
/// </summary>
internal sealed class CandidateCache(
    IDbContextFactory<PlacementDbContext> contexts, DatabaseOutageDetector outages, SchemaReadiness readiness, ILogger<CandidateCache> logger)
{
    /// <summary>Above this share of the cloud's providers changed at once, reading everything again is cheaper.</summary>
    private const double FullReloadShare = 0.25;

    private readonly Lock _gate = new();
    private State? _state;
    private long _refreshesStarted;
    private long _refreshesCompleted;
    private Task? _running;

    // Set while a refresh changes the model in place (only the running refresh reads or writes it).
    private bool _modelChanging;

    /// <summary>
    /// The model, a snapshot built from it, the change-log position both are at, and how many database outages had
    /// been seen when the model was read whole.
    /// </summary>
    private sealed record State(long Head, CloudModel Model, BuiltSnapshot Built, long Outages)
    {
        public ProviderSnapshot Snapshot => Built.Snapshot;
    }

    /// <summary>
    /// A snapshot that holds every change committed before this call. Waits for (or starts) a refresh that begins
    /// after the call; <paramref name="cancellationToken"/> stops the wait, not the shared refresh.
    /// </summary>
    public async Task<ProviderSnapshot> FreshSnapshotAsync(CancellationToken cancellationToken)
    {
        if (!readiness.IsReady)
        {
            throw new DatabaseUnavailableException(new InvalidOperationException("the database schema is not ready yet"), whileConnecting: true);
        }
        long after;
        lock (_gate)
        {
            after = _refreshesStarted;
        }
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_refreshesCompleted > after && _state is { } state)
                {
                    return state.Snapshot;
                }
                if (_running is null)
                {
                    var number = ++_refreshesStarted;
                    // Not the caller's flow: the refresh serves every waiter, whoever started it.
                    _running = Task.Run(() => RefreshAsync(number), CancellationToken.None);
                }
                wait = _running;
            }
            await wait.WaitAsync(cancellationToken);
        }
    }

    private async Task RefreshAsync(long number)
    {
        try
        {
            var previous = _state;
            var next = await (previous is null ? LoadAllAsync() : UpdateAsync(previous));
            lock (_gate)
            {
                _state = next;
                _refreshesCompleted = number;
            }
        }
        catch when (_modelChanging)
        {
            // The model took some of the changes and not their position: start again from a full read.
            _state = null;
            throw;
        }
        finally
        {
            _modelChanging = false;
            lock (_gate)
            {
                _running = null;
            }
        }
    }

    private async Task<State> LoadAllAsync()
    {
        var outagesBefore = outages.OutagesSeen;
        await using var db = await contexts.CreateDbContextAsync();
        var (model, head) = await SnapshotLoader.InReadTransactionAsync(db, () => SnapshotLoader.LoadAllAsync(db, outages, CancellationToken.None), CancellationToken.None);
        var built = model.Build();
        logger.LogInformation("Candidates cache loaded {Providers} providers at change {Head}", model.Providers.Count, head);
        return new State(head, model, built, outagesBefore);
    }

    private async Task<State> UpdateAsync(State state)
    {
        if (outages.OutagesSeen != state.Outages)
        {
            // What answers after an outage may be a replica promoted without the last commits, or a restored backup:
            // a position in its log may name other changes than ours did.
            logger.LogInformation("The database was unavailable since the candidates cache was read: reading the whole cloud again");
            return await LoadAllAsync();
        }
        await using var db = await contexts.CreateDbContextAsync();
        var batch = await SnapshotLoader.ReadChangesAsync(db, outages, state.Head, CancellationToken.None);
        if (batch.Head == state.Head)
        {
            return state;
        }
        if (batch.Head < state.Head)
        {
            logger.LogWarning(
                "The change log went back from change {Head} to {Now} (a database restored or failed over?): reading the whole cloud again",
                state.Head, batch.Head);
            return await LoadAllAsync();
        }
        if (batch.Pruned > state.Head)
        {
            logger.LogInformation("Change log pruned past change {Head}: reading the whole cloud again", state.Head);
            return await LoadAllAsync();
        }
        if (batch.Changes.TrueForAll(c => c.Kind == ChangeKind.Usage))
        {
            _modelChanging = true;
            return state with { Head = batch.Head, Built = WithUsage(state, state.Built, batch) };
        }

        // Other changes: read their rows and the changes again in one snapshot, so that the rows read are those
        // the changes led to (a change committed in between is then in both).
        var (changes, reread) = await SnapshotLoader.InReadTransactionAsync(db, async () =>
        {
            var changes = await SnapshotLoader.ReadChangesAsync(db, outages, state.Head, CancellationToken.None);
            if (changes.Pruned > state.Head || changes.Head < state.Head)
            {
                return (changes, null);
            }
            var providerIds = IdsOf(changes, ChangeKind.Provider);
            if (providerIds.Count > FullReloadShare * Math.Max(state.Model.Providers.Count, 1))
            {
                return (changes, null);
            }
            return (changes, (Rows?)new Rows(
                await SnapshotLoader.TraitsAsync(db, IdsOf(changes, ChangeKind.Trait), CancellationToken.None),
                await SnapshotLoader.ResourceClassesAsync(db, IdsOf(changes, ChangeKind.ResourceClass), CancellationToken.None),
                await SnapshotLoader.AggregatesAsync(db, IdsOf(changes, ChangeKind.Aggregate), CancellationToken.None),
                await SnapshotLoader.ProvidersAsync(db, providerIds, CancellationToken.None)));
        }, CancellationToken.None);
        if (reread is null)
        {
            return await LoadAllAsync();
        }

        if (Patched(state, changes, reread) is { } patched)
        {
            return patched;
        }

        var model = state.Model;
        _modelChanging = true;
        Apply(model.Traits, IdsOf(changes, ChangeKind.Trait), reread.Traits);
        Apply(model.Classes, IdsOf(changes, ChangeKind.ResourceClass), reread.Classes);
        Apply(model.Aggregates, IdsOf(changes, ChangeKind.Aggregate), reread.Aggregates);
        Apply(model.Providers, IdsOf(changes, ChangeKind.Provider), reread.Providers);
        foreach (var change in changes.Changes.Where(c => c.Kind == ChangeKind.Usage))
        {
            model.AddUsage(change.RowId, change.ResourceClassId, change.UsedDelta);
        }
        try
        {
            return new State(changes.Head, model, model.Build(), state.Outages);
        }
        catch (ArgumentException e)
        {
            // The database holds something the model cannot picture (it should not: its keys forbid it). Start
            // over from a consistent read rather than serve a picture pieced together.
            logger.LogWarning("Candidates cache update failed ({Error}): reading the whole cloud again", e.Message);
            return await LoadAllAsync();
        }
    }

    private sealed record Rows(
        Dictionary<int, string> Traits, Dictionary<int, string> Classes, Dictionary<int, Guid> Aggregates, Dictionary<int, ProviderState> Providers);

    /// <summary>
    /// The snapshot patched in place of a rebuild, when the changes are what a steady cloud mostly sees (nova-compute
    /// setting inventory values and traits): providers that keep their uuid, parent, aggregates and classes of
    /// inventory, and no new or deleted trait, class or aggregate. Null when a rebuild is needed.
    /// </summary>
    private State? Patched(State state, ChangeBatch changes, Rows reread)
    {
        if (changes.Changes.Exists(c => c.Kind is ChangeKind.Trait or ChangeKind.ResourceClass or ChangeKind.Aggregate))
        {
            return null;
        }
        var providerIds = IdsOf(changes, ChangeKind.Provider);
        var patches = new List<(int, int[], InventoryRow[])>(providerIds.Count);
        foreach (var id in providerIds)
        {
            if (!state.Model.Providers.TryGetValue(id, out var before) || !reread.Providers.TryGetValue(id, out var after)
                || before.Uuid != after.Uuid || before.ParentId != after.ParentId || !before.AggregateIds.SequenceEqual(after.AggregateIds)
                || !before.Inventories.Select(i => i.ClassId).SequenceEqual(after.Inventories.Select(i => i.ClassId)))
            {
                return null;
            }
            var index = state.Built.ProviderIndexes[id];
            patches.Add((index, after.TraitIds, Array.ConvertAll(after.Inventories, i => i.Row(index))));
        }
        ProviderSnapshot snapshot;
        try
        {
            snapshot = state.Snapshot.WithProviders(patches);
        }
        catch (ArgumentException)
        {
            return null;
        }
        _modelChanging = true;
        Apply(state.Model.Providers, providerIds, reread.Providers);
        return state with { Head = changes.Head, Built = WithUsage(state, state.Built with { Snapshot = snapshot }, changes) };
    }

    /// <summary><paramref name="built"/> with the usage deltas of <paramref name="batch"/> applied (to the model too).</summary>
    private static BuiltSnapshot WithUsage(State state, BuiltSnapshot built, ChangeBatch batch)
    {
        var changed = new Dictionary<int, long>();
        foreach (var change in batch.Changes.Where(c => c.Kind == ChangeKind.Usage))
        {
            state.Model.AddUsage(change.RowId, change.ResourceClassId, change.UsedDelta);
            if (built.InventoryIndexes.TryGetValue((change.RowId, change.ResourceClassId), out var index))
            {
                changed[index] = state.Model.Usage.GetValueOrDefault((change.RowId, change.ResourceClassId));
            }
        }
        return built with { Snapshot = built.Snapshot.WithUsage(changed) };
    }

    private static HashSet<int> IdsOf(ChangeBatch batch, ChangeKind kind) =>
        [.. batch.Changes.Where(c => c.Kind == kind).Select(c => c.RowId)];

    /// <summary>The rows read again replace those the changes named; one not found was deleted.</summary>
    private static void Apply<T>(Dictionary<int, T> rows, HashSet<int> changed, Dictionary<int, T> current)
    {
        foreach (var id in changed)
        {
            if (current.TryGetValue(id, out var row))
            {
                rows[id] = row;
            }
            else
            {
                rows.Remove(id);
            }
        }
    }
}
