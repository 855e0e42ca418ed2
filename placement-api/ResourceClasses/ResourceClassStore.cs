using Microsoft.EntityFrameworkCore;
using Placement.Api.Database;
using Placement.Api.Database.Entities;
using Placement.Api.Http;

namespace Placement.Api.ResourceClasses;

/// <summary>
/// Reads and writes resource classes: the standard ones come from code, the custom ones are rows
/// of resource_classes with ids from <see cref="ResourceClass.MinCustomId"/> up.
/// </summary>
public static class ResourceClassStore
{
    /// <summary>Concurrent creations may pick the same next id; like upstream, try again (this many times at most).</summary>
    private const int CreateAttempts = 100;

    private static readonly ResourceClassRecord[] Standard =
        [.. StandardData.ResourceClasses.Select((name, id) => new ResourceClassRecord(id, name, null, null))];

    /// <summary>Every class, standard ones first, each group by id.</summary>
    public static async Task<List<ResourceClassRecord>> ListAsync(PlacementDbContext db, CancellationToken ct)
    {
        var custom = await Custom(db).OrderBy(rc => rc.Id)
            .Select(rc => new ResourceClassRecord(rc.Id, rc.Name, rc.CreatedAt, rc.UpdatedAt))
            .ToListAsync(ct);
        return [.. Standard, .. custom];
    }

    public static async Task<ResourceClassRecord?> FindAsync(PlacementDbContext db, string name, CancellationToken ct) =>
        Standard.FirstOrDefault(rc => rc.Name == name)
        ?? await Custom(db).Where(rc => rc.Name == name)
            .Select(rc => new ResourceClassRecord(rc.Id, rc.Name, rc.CreatedAt, rc.UpdatedAt))
            .FirstOrDefaultAsync(ct);

    /// <summary>The class of that name, or upstream's 404.</summary>
    public static async Task<ResourceClassRecord> GetAsync(PlacementDbContext db, string name, CancellationToken ct) =>
        await FindAsync(db, name, ct) ?? throw NotFound(name);

    /// <summary>Creates a custom class with the next free id; null when a class of that name exists.</summary>
    public static async Task<ResourceClassRecord?> TryCreateAsync(PlacementDbContext db, string name, CancellationToken ct)
    {
        if (await FindAsync(db, name, ct) is not null)
        {
            return null;
        }
        for (var attempt = 0; attempt < CreateAttempts; attempt++)
        {
            var maxId = await db.ResourceClasses.MaxAsync(rc => (int?)rc.Id, ct) ?? 0;
            var row = new ResourceClass { Id = Math.Max(maxId + 1, ResourceClass.MinCustomId), Name = name };
            db.ResourceClasses.Add(row);
            try
            {
                await db.SaveChangesAsync(ct);
                return new ResourceClassRecord(row.Id, row.Name, row.CreatedAt, row.UpdatedAt);
            }
            catch (DbUpdateException)
            {
                db.Entry(row).State = EntityState.Detached;
                if (await FindAsync(db, name, ct) is not null)
                {
                    return null;
                }
                // Only a lost race for the id is worth another attempt.
                if (!await db.ResourceClasses.AnyAsync(rc => rc.Id == row.Id, ct))
                {
                    throw;
                }
            }
        }
        throw PlacementException.Conflict(
            $"Max retries of DB transaction exceeded attempting to create resource class: {name}, please try again.");
    }

    /// <summary>Renames a custom class; null when another class has the new name.</summary>
    public static async Task<ResourceClassRecord?> TryRenameAsync(
        PlacementDbContext db, ResourceClassRecord resourceClass, string newName, CancellationToken ct)
    {
        if (newName != resourceClass.Name && await FindAsync(db, newName, ct) is not null)
        {
            return null;
        }
        var row = await Custom(db).AsTracking().SingleOrDefaultAsync(rc => rc.Id == resourceClass.Id, ct)
            ?? throw NotFound(resourceClass.Name);
        row.Name = newName;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.Entry(row).State = EntityState.Detached;
            if (await FindAsync(db, newName, ct) is not null)
            {
                return null;
            }
            throw;
        }
        return new ResourceClassRecord(row.Id, row.Name, row.CreatedAt, row.UpdatedAt);
    }

    /// <summary>Deletes a custom class; false when inventories or allocations still use it.</summary>
    public static async Task<bool> TryDeleteAsync(PlacementDbContext db, ResourceClassRecord resourceClass, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var id = resourceClass.Id;
        if (await db.Inventories.AnyAsync(i => i.ResourceClassId == id, ct)
            || await db.Allocations.AnyAsync(a => a.ResourceClassId == id, ct))
        {
            return false;
        }
        if (await Custom(db).Where(rc => rc.Id == id).ExecuteDeleteAsync(ct) == 0)
        {
            throw NotFound(resourceClass.Name);
        }
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>Rows of custom classes (a database upgraded from upstream may also hold rows of standard ones).</summary>
    private static IQueryable<ResourceClass> Custom(PlacementDbContext db) =>
        db.ResourceClasses.AsNoTracking().Where(rc => rc.Id >= ResourceClass.MinCustomId);

    private static PlacementException NotFound(string name) => PlacementException.NotFound($"No such resource class {name}.");
}
