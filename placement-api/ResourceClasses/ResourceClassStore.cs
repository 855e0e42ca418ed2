using Microsoft.EntityFrameworkCore;
using Placement.Api.Database;
using Placement.Api.Database.Entities;
using Placement.Api.Http;

namespace Placement.Api.ResourceClasses;

/// <summary>
/// Reads and writes resource_classes: the standard classes (rows the schema sync keeps, with their
/// fixed ids) and the custom ones (ids from <see cref="ResourceClass.MinCustomId"/> up).
/// </summary>
public static class ResourceClassStore
{
    /// <summary>Every class, by id: the standard ones first.</summary>
    public static Task<List<ResourceClass>> ListAsync(PlacementDbContext db, CancellationToken ct) =>
        db.ResourceClasses.AsNoTracking().OrderBy(rc => rc.Id).ToListAsync(ct);

    public static Task<ResourceClass?> FindAsync(PlacementDbContext db, string name, CancellationToken ct) =>
        db.ResourceClasses.AsNoTracking().FirstOrDefaultAsync(rc => rc.Name == name, ct);

    /// <summary>The class of that name, or upstream's 404.</summary>
    public static async Task<ResourceClass> GetAsync(PlacementDbContext db, string name, CancellationToken ct) =>
        await FindAsync(db, name, ct) ?? throw NotFound(name);

    /// <summary>
    /// Creates a custom class with the next free id; null when a class of that name exists. On SQLite the
    /// write transaction keeps other writers out between the checks and the insert; elsewhere a concurrent
    /// insert shows as a duplicate key: of the name (null) or of the id (try the next one).
    /// </summary>
    public static async Task<ResourceClass?> TryCreateAsync(PlacementDbContext db, string name, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        for (var attempt = 1; ; attempt++)
        {
            if (await FindAsync(db, name, ct) is not null)
            {
                return null;
            }
            var maxId = await db.ResourceClasses.MaxAsync(rc => (int?)rc.Id, ct) ?? 0;
            var row = new ResourceClass { Id = Math.Max(maxId + 1, ResourceClass.MinCustomId), Name = name };
            if (await DuplicateEntry.TryInsertAsync(db, row, ct))
            {
                await transaction.CommitAsync(ct);
                return Untracked(db, row);
            }
            if (attempt == 10)
            {
                throw new InvalidOperationException("resource class ids keep being taken by concurrent writers");
            }
        }
    }

    /// <summary>Renames a custom class; null when another class has the new name.</summary>
    public static async Task<ResourceClass?> TryRenameAsync(
        PlacementDbContext db, ResourceClass resourceClass, string newName, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (newName != resourceClass.Name && await FindAsync(db, newName, ct) is not null)
        {
            return null;
        }
        var row = await db.ResourceClasses.SingleOrDefaultAsync(rc => rc.Id == resourceClass.Id, ct)
            ?? throw NotFound(resourceClass.Name);
        row.Name = newName;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DuplicateEntry.IsDuplicateEntry(e))
        {
            // Another writer took the name since the check.
            return null;
        }
        await transaction.CommitAsync(ct);
        return Untracked(db, row);
    }

    /// <summary>Deletes a custom class; false when inventories or allocations still use it.</summary>
    public static async Task<bool> TryDeleteAsync(PlacementDbContext db, ResourceClass resourceClass, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The delete locks the class row, which an inventory or allocation written meanwhile checks its foreign key on.
        await ChangeLogLock.TakeFirstAsync(db, ct);
        var id = resourceClass.Id;
        if (await db.Inventories.AnyAsync(i => i.ResourceClassId == id, ct)
            || await db.Allocations.AnyAsync(a => a.ResourceClassId == id, ct))
        {
            return false;
        }
        if (await db.ResourceClasses.Where(rc => rc.Id == id).ExecuteDeleteAsync(ct) == 0)
        {
            throw NotFound(resourceClass.Name);
        }
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>A written row, handed out untracked like every other read here.</summary>
    private static ResourceClass Untracked(PlacementDbContext db, ResourceClass row)
    {
        db.Entry(row).State = EntityState.Detached;
        return row;
    }

    private static PlacementException NotFound(string name) => PlacementException.NotFoundPastHandler($"No such resource class {name}.");
}
