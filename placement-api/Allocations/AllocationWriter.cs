using Microsoft.EntityFrameworkCore;
using Placement.Api.Configuration;
using Placement.Api.Database;
using Placement.Api.Database.Entities;
using Placement.Api.Http;
using Placement.Api.Inventories;
using Placement.Api.ResourceProviders;

namespace Placement.Api.Allocations;

/// <summary>
/// Replaces the allocations of a set of consumers atomically (upstream: ensure_consumer,
/// update_consumers and replace_all in one transaction). This is the one place that writes
/// allocations: PUT and POST /allocations, and the reshaper and any other caller reuse it.
/// </summary>
public sealed class AllocationWriter(PlacementDbContext db, PlacementSettings settings, ILogger<AllocationWriter> logger)
{
    private readonly ConsumerStore _consumers = new(db, settings);

    /// <summary>
    /// Makes each consumer's allocations exactly <see cref="ConsumerAllocations.Resources"/>, all or
    /// nothing: consumers, projects, users and consumer types are created as needed, capacity and
    /// min_unit/max_unit/step_size are checked against every inventory touched, and the generation of
    /// every provider touched and of every consumer written is bumped with a conditional update.
    /// Consumers left without allocations are deleted.
    /// <para>
    /// Without an open transaction the write runs in its own and is retried from the start, up to
    /// [placement] allocation_conflict_retry_count times, when a provider generation moves under it.
    /// Inside the caller's transaction (the reshaper's, which changes inventories first) it runs once,
    /// and a provider that moved is a <see cref="AllocationWriteFailure.ConcurrentUpdate"/>.
    /// </para>
    /// </summary>
    /// <exception cref="PlacementException">409 consumer generation conflict; 400 for a provider that does not exist.</exception>
    /// <exception cref="AllocationWriteException">Unknown class, no room or units (InvalidInventory), concurrent update.</exception>
    public async Task ReplaceAsync(IReadOnlyList<ConsumerAllocations> requests, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            if (!await TryWriteAsync(requests, cancellationToken))
            {
                throw ProvidersChanged();
            }
            return;
        }

        var attempts = Math.Max(1, settings.AllocationConflictRetryCount);
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            try
            {
                if (await TryWriteAsync(requests, cancellationToken))
                {
                    await transaction.CommitAsync(cancellationToken);
                    return;
                }
            }
            catch (Exception e) when (DuplicateEntry.IsDeadlock(e) && attempt < attempts)
            {
                db.ChangeTracker.Clear();
            }
            await transaction.RollbackAsync(cancellationToken);
            logger.LogDebug("Retrying allocations write on resource provider generation conflict");
        }
        logger.LogWarning("Exceeded retry limit of {Attempts} on allocations write", attempts);
        throw ProvidersChanged();
    }

    /// <summary>One attempt, in upstream's order of checks. False when a provider's generation moved.</summary>
    private async Task<bool> TryWriteAsync(IReadOnlyList<ConsumerAllocations> requests, CancellationToken cancellationToken)
    {
        var seen = new Dictionary<string, SeenConsumer>();
        foreach (var request in requests)
        {
            seen[request.ConsumerUuid] = await _consumers.EnsureAsync(request, cancellationToken);
        }

        var providers = new Dictionary<string, ResourceProvider>();
        var wanted = new List<WantedAllocation>();
        foreach (var request in requests)
        {
            wanted.AddRange(request.Resources.Count == 0
                ? await CurrentAllocationsAsRemovalsAsync(request.ConsumerUuid, providers, cancellationToken)
                : await WantedAllocationsAsync(request, providers, cancellationToken));
        }

        var rewritten = wanted.Select(w => w.ConsumerUuid).Distinct().ToList();
        // What the rewritten consumers held, so that the capacity check knows each provider's usage before this write.
        var released = await UsageAsync(db.Allocations.Where(a => rewritten.Contains(a.ConsumerId)), cancellationToken);
        await db.Allocations.Where(a => rewritten.Contains(a.ConsumerId)).ExecuteDeleteAsync(cancellationToken);

        var allocations = await ResolveClassesAsync(wanted, cancellationToken);
        CapacityCheck.Verify(allocations, await StockAsync(allocations, released, cancellationToken));
        await InsertAsync(allocations.Where(a => a.Used > 0), cancellationToken);

        // In id order: concurrent writers then lock providers in the same order and cannot deadlock on them.
        foreach (var provider in allocations.Select(a => providers[a.ProviderUuid]).Distinct().OrderBy(p => p.Id))
        {
            if (!await ProviderLookup.TryIncrementGenerationAsync(db, provider, cancellationToken))
            {
                return false;
            }
        }
        foreach (var consumer in rewritten.Select(uuid => seen[uuid]))
        {
            if (!await _consumers.TryIncrementGenerationAsync(consumer, cancellationToken))
            {
                throw new AllocationWriteException(AllocationWriteFailure.ConcurrentUpdate,
                    "Another thread concurrently updated the data. Please retry your update");
            }
        }

        var keepingAllocations = allocations.Where(a => a.Used > 0).Select(a => a.ConsumerUuid).ToHashSet();
        await ConsumerStore.DeleteIfNoAllocationsAsync(db, rewritten.Where(c => !keepingAllocations.Contains(c)).ToList(), cancellationToken);
        return true;
    }

    /// <summary>The rows a request asks for; 400 for a provider that does not exist (upstream's check before the write).</summary>
    private async Task<List<WantedAllocation>> WantedAllocationsAsync(
        ConsumerAllocations request, Dictionary<string, ResourceProvider> providers, CancellationToken cancellationToken)
    {
        var wanted = new List<WantedAllocation>();
        foreach (var (providerUuid, amounts) in request.Resources)
        {
            if (!providers.TryGetValue(providerUuid, out var provider))
            {
                provider = await db.ResourceProviders.AsNoTracking()
                    .FirstOrDefaultAsync(p => p.Uuid == providerUuid, cancellationToken)
                    ?? throw PlacementException.BadRequest($"Allocation for resource provider '{providerUuid}' that does not exist.");
                providers[providerUuid] = provider;
            }
            // The class ids come later, in ResolveClassesAsync, where upstream looks them up.
            wanted.AddRange(amounts.Select(a => new WantedAllocation(request.ConsumerUuid, provider.Id, provider.Uuid, ClassId: -1, a.Key, a.Value)));
        }
        return wanted;
    }

    /// <summary>An empty request removes what the consumer has: its current rows, marked with Used 0 (upstream's way).</summary>
    private async Task<List<WantedAllocation>> CurrentAllocationsAsRemovalsAsync(
        string consumerUuid, Dictionary<string, ResourceProvider> providers, CancellationToken cancellationToken)
    {
        var current = await (
            from a in db.Allocations
            join p in db.ResourceProviders.AsNoTracking() on a.ResourceProviderId equals p.Id
            join c in db.Consumers on a.ConsumerId equals c.Uuid
            join rc in db.ResourceClasses on a.ResourceClassId equals rc.Id
            where a.ConsumerId == consumerUuid
            orderby a.Id
            select new { Provider = p, ClassId = rc.Id, ClassName = rc.Name })
            .ToListAsync(cancellationToken);
        foreach (var row in current)
        {
            providers.TryAdd(row.Provider.Uuid, row.Provider);
        }
        return [.. current.Select(r => new WantedAllocation(consumerUuid, r.Provider.Id, r.Provider.Uuid, r.ClassId, r.ClassName, Used: 0))];
    }

    /// <summary>Class names to ids, in the rows' order: the first unknown one is upstream's ResourceClassNotFound.</summary>
    private async Task<List<WantedAllocation>> ResolveClassesAsync(List<WantedAllocation> wanted, CancellationToken cancellationToken)
    {
        var names = wanted.Select(w => w.ClassName).Distinct().ToList();
        var ids = await db.ResourceClasses.Where(rc => names.Contains(rc.Name)).ToDictionaryAsync(rc => rc.Name, rc => rc.Id, cancellationToken);
        if (names.FirstOrDefault(name => !ids.ContainsKey(name)) is { } unknown)
        {
            throw new AllocationWriteException(AllocationWriteFailure.UnknownResourceClass, $"No such resource class {unknown}.");
        }
        return [.. wanted.Select(w => w with { ClassId = ids[w.ClassName] })];
    }

    /// <summary>The inventories the allocations draw on, with what other consumers already use of each.</summary>
    private async Task<Dictionary<(int ProviderId, int ClassId), InventoryStock>> StockAsync(
        List<WantedAllocation> allocations, Dictionary<(int ProviderId, int ClassId), long> released, CancellationToken cancellationToken)
    {
        var providerIds = allocations.Select(a => a.ProviderId).Distinct().ToList();
        var classIds = allocations.Select(a => a.ClassId).Distinct().ToList();
        var inventories = await db.Inventories.AsNoTracking()
            .Where(i => providerIds.Contains(i.ResourceProviderId) && classIds.Contains(i.ResourceClassId))
            .ToListAsync(cancellationToken);
        var used = await UsageAsync(
            db.Allocations.Where(a => providerIds.Contains(a.ResourceProviderId) && classIds.Contains(a.ResourceClassId)), cancellationToken);
        return inventories.ToDictionary(
            i => (i.ResourceProviderId, i.ResourceClassId),
            i =>
            {
                var key = (i.ResourceProviderId, i.ResourceClassId);
                var remaining = used.GetValueOrDefault(key);
                long? before = used.ContainsKey(key) || released.ContainsKey(key) ? remaining + released.GetValueOrDefault(key) : null;
                return new InventoryStock(new Capacity(i.Total, i.Reserved, i.MinUnit, i.MaxUnit, i.StepSize, i.AllocationRatio), remaining, before);
            });
    }

    private static Task<Dictionary<(int ProviderId, int ClassId), long>> UsageAsync(IQueryable<Allocation> rows, CancellationToken cancellationToken) =>
        rows.GroupBy(a => new { a.ResourceProviderId, a.ResourceClassId })
            .Select(g => new { g.Key.ResourceProviderId, g.Key.ResourceClassId, Used = g.Sum(a => (long)a.Used) })
            .ToDictionaryAsync(u => (u.ResourceProviderId, u.ResourceClassId), u => u.Used, cancellationToken);

    /// <summary>Allocations are only ever inserted, never updated: their created_at is their last-modified.</summary>
    private async Task InsertAsync(IEnumerable<WantedAllocation> allocations, CancellationToken cancellationToken)
    {
        var created = DateTime.UtcNow;
        var rows = allocations.Select(a => new Allocation
        {
            ResourceProviderId = a.ProviderId,
            ConsumerId = a.ConsumerUuid,
            ResourceClassId = a.ClassId,
            Used = (int)a.Used, // CapacityCheck held it to max_unit, an int
            CreatedAt = created,
        }).ToList();
        db.Allocations.AddRange(rows);
        await db.SaveChangesAsync(cancellationToken);
        // Untracked again, so that a retry after a rollback (which frees the row ids) starts clean.
        rows.ForEach(row => db.Entry(row).State = EntityState.Detached);
    }

    private static AllocationWriteException ProvidersChanged() =>
        new(AllocationWriteFailure.ConcurrentUpdate, "Another thread concurrently updated the resource provider data. Please retry your update");
}
