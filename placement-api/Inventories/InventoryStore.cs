using Microsoft.EntityFrameworkCore;
using Placement.Api.Database;
using Placement.Api.Database.Entities;
using Placement.Api.ResourceProviders;

namespace Placement.Api.Inventories;

/// <summary>One inventory as read from the database.</summary>
public sealed record InventoryRecord(string ResourceClass, Capacity Capacity, DateTime? LastModified);

/// <summary>
/// Reads and writes a provider's inventories (upstream: objects/inventory.py and the inventory
/// functions of objects/resource_provider.py). Every write is one transaction that also bumps the
/// provider's generation, and fails as a whole when that generation moved since the provider was read.
/// A write made while the context has a transaction open (the reshaper's) joins it instead, and the
/// caller commits or rolls back.
/// </summary>
public static class InventoryStore
{
    public static async Task<IReadOnlyList<InventoryRecord>> ListAsync(
        PlacementDbContext db, ResourceProvider provider, ResourceClassIds classes, CancellationToken cancellationToken)
    {
        var rows = await db.Inventories.AsNoTracking()
            .Where(i => i.ResourceProviderId == provider.Id)
            .OrderBy(i => i.ResourceClassId)
            .ToListAsync(cancellationToken);
        return [.. rows.Select(row => new InventoryRecord(classes.NameOf(row.ResourceClassId), CapacityOf(row), row.UpdatedAt ?? row.CreatedAt))];
    }

    /// <summary>Adds the inventory of a class the provider has none of.</summary>
    public static Task AddAsync(
        PlacementDbContext db, ResourceProvider provider, KnownResourceClass resourceClass, Capacity capacity, CancellationToken cancellationToken) =>
        WriteAsync(db, provider, async () =>
        {
            if (await db.Inventories.AnyAsync(i => i.ResourceProviderId == provider.Id && i.ResourceClassId == resourceClass.Id, cancellationToken))
            {
                throw new InventoryExistsException(resourceClass.Name, provider.Uuid);
            }
            db.Inventories.Add(NewRow(provider.Id, resourceClass.Id, capacity));
        }, cancellationToken);

    /// <summary>Changes the inventory of a class the provider has. Returns the classes now used beyond their capacity.</summary>
    public static async Task<IReadOnlyList<string>> UpdateAsync(
        PlacementDbContext db, ResourceProvider provider, KnownResourceClass resourceClass, Capacity capacity, CancellationToken cancellationToken)
    {
        var overCapacity = new List<string>();
        await WriteAsync(db, provider, async () =>
        {
            var row = await db.Inventories.SingleOrDefaultAsync(
                i => i.ResourceProviderId == provider.Id && i.ResourceClassId == resourceClass.Id, cancellationToken)
                ?? throw new InventoryNotFoundException($"No inventory of class {resourceClass.Name} found.");
            await ApplyAsync(db, row, resourceClass.Name, capacity, overCapacity, cancellationToken);
        }, cancellationToken);
        return overCapacity;
    }

    /// <summary>Removes the inventory of one class, unless allocations use it.</summary>
    public static Task DeleteAsync(
        PlacementDbContext db, ResourceProvider provider, ResourceClassIds classes, KnownResourceClass resourceClass, CancellationToken cancellationToken) =>
        WriteAsync(db, provider, async () =>
        {
            await RefuseIfInUseAsync(db, provider, classes, [resourceClass.Id], cancellationToken);
            var deleted = await db.Inventories
                .Where(i => i.ResourceProviderId == provider.Id && i.ResourceClassId == resourceClass.Id)
                .ExecuteDeleteAsync(cancellationToken);
            if (deleted == 0)
            {
                throw new InventoryNotFoundException($"No inventory of class {resourceClass.Name} found for delete");
            }
        }, cancellationToken);

    /// <summary>
    /// Makes the provider's inventories exactly <paramref name="wanted"/>: adds, changes and removes
    /// (removing a class in use fails). Returns the classes now used beyond their capacity.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ReplaceAsync(
        PlacementDbContext db, ResourceProvider provider, ResourceClassIds classes, IReadOnlyDictionary<KnownResourceClass, Capacity> wanted, CancellationToken cancellationToken)
    {
        var overCapacity = new List<string>();
        await WriteAsync(db, provider, async () =>
        {
            var existing = await db.Inventories.Where(i => i.ResourceProviderId == provider.Id).ToListAsync(cancellationToken);
            var wantedIds = wanted.Keys.Select(rc => rc.Id).ToHashSet();
            var removed = existing.Where(row => !wantedIds.Contains(row.ResourceClassId)).ToList();
            if (removed.Count > 0)
            {
                await RefuseIfInUseAsync(db, provider, classes, [.. removed.Select(row => row.ResourceClassId)], cancellationToken);
                db.Inventories.RemoveRange(removed);
            }
            foreach (var (resourceClass, capacity) in wanted)
            {
                var row = existing.Find(r => r.ResourceClassId == resourceClass.Id);
                if (row is null)
                {
                    db.Inventories.Add(NewRow(provider.Id, resourceClass.Id, capacity));
                }
                else
                {
                    await ApplyAsync(db, row, resourceClass.Name, capacity, overCapacity, cancellationToken);
                }
            }
        }, cancellationToken);
        return overCapacity;
    }

    public static Capacity CapacityOf(Inventory row) =>
        new(row.Total, row.Reserved, row.MinUnit, row.MaxUnit, row.StepSize, row.AllocationRatio);

    private static async Task WriteAsync(PlacementDbContext db, ResourceProvider provider, Func<Task> changes, CancellationToken cancellationToken)
    {
        // SQLite: BEGIN IMMEDIATE, so the checks below see what the writes will change.
        await using var ownTransaction = db.Database.CurrentTransaction is null
            ? await db.Database.BeginTransactionAsync(cancellationToken)
            : null;
        await changes();
        await db.SaveChangesAsync(cancellationToken);
        if (!await ProviderLookup.TryIncrementGenerationAsync(db, provider, cancellationToken))
        {
            throw new ProviderGenerationMovedException();
        }
        if (ownTransaction is not null)
        {
            await ownTransaction.CommitAsync(cancellationToken);
        }
    }

    private static async Task ApplyAsync(
        PlacementDbContext db, Inventory row, string className, Capacity capacity, List<string> overCapacity, CancellationToken cancellationToken)
    {
        var used = await db.Allocations
            .Where(a => a.ResourceProviderId == row.ResourceProviderId && a.ResourceClassId == row.ResourceClassId)
            .SumAsync(a => (long?)a.Used, cancellationToken);
        // Upstream allows shrinking an inventory below its usage and only warns about it.
        if (used > capacity.Whole)
        {
            overCapacity.Add(className);
        }
        row.Total = capacity.Total;
        row.Reserved = capacity.Reserved;
        row.MinUnit = capacity.MinUnit;
        row.MaxUnit = capacity.MaxUnit;
        row.StepSize = capacity.StepSize;
        row.AllocationRatio = capacity.AllocationRatio;
        // Upstream's UPDATE stamps updated_at even when no value changes.
        db.Entry(row).State = EntityState.Modified;
    }

    private static async Task RefuseIfInUseAsync(
        PlacementDbContext db, ResourceProvider provider, ResourceClassIds classes, IReadOnlyCollection<int> classIds, CancellationToken cancellationToken)
    {
        var inUse = await db.Allocations
            .Where(a => a.ResourceProviderId == provider.Id && classIds.Contains(a.ResourceClassId))
            .Select(a => a.ResourceClassId)
            .Distinct()
            .OrderBy(id => id)
            .ToListAsync(cancellationToken);
        if (inUse.Count > 0)
        {
            throw new InventoryInUseException(string.Join(", ", inUse.Select(classes.NameOf)), provider.Uuid);
        }
    }

    private static Inventory NewRow(int providerId, int classId, Capacity capacity) => new()
    {
        ResourceProviderId = providerId,
        ResourceClassId = classId,
        Total = capacity.Total,
        Reserved = capacity.Reserved,
        MinUnit = capacity.MinUnit,
        MaxUnit = capacity.MaxUnit,
        StepSize = capacity.StepSize,
        AllocationRatio = capacity.AllocationRatio,
    };
}

/// <summary>Upstream's InventoryInUse: a write would remove inventory that allocations consume.</summary>
public sealed class InventoryInUseException(string resourceClasses, string providerUuid)
    : Exception($"Inventory for '{resourceClasses}' on resource provider '{providerUuid}' in use.");

/// <summary>Upstream's ResourceProviderConcurrentUpdateDetected: the provider changed since it was read.</summary>
public sealed class ProviderGenerationMovedException()
    : Exception("Another thread concurrently updated the resource provider data. Please retry your update");

/// <summary>The provider has no inventory of the class a write names.</summary>
public sealed class InventoryNotFoundException(string message) : Exception(message);

/// <summary>The provider already has inventory of the class being added.</summary>
public sealed class InventoryExistsException(string resourceClass, string providerUuid)
    : Exception($"Inventory for '{resourceClass}' on resource provider '{providerUuid}' already exists.");
