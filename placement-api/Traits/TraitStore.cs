using Microsoft.EntityFrameworkCore;
using Placement.Api.Database;
using Placement.Api.Database.Entities;
using Placement.Api.Http;

namespace Placement.Api.Traits;

/// <summary>Reads and writes the traits table (standard traits are rows too, synced at startup).</summary>
public static class TraitStore
{
    /// <summary>Custom traits carry this prefix; every other trait is standard and read-only.</summary>
    public const string CustomPrefix = "CUSTOM_";

    /// <summary>
    /// The traits passing <paramref name="filter"/>, by id; by name when the filter lists names,
    /// as upstream's query then reads the name index.
    /// </summary>
    public static Task<List<Trait>> ListAsync(PlacementDbContext db, TraitFilter filter, CancellationToken ct)
    {
        var traits = db.Traits.AsNoTracking();
        if (filter.NamesIn is { } names)
        {
            var wanted = names.ToArray();
            traits = traits.Where(t => wanted.Contains(t.Name));
        }
        if (filter.Prefix is { } prefix)
        {
            traits = traits.Where(t => t.Name.StartsWith(prefix));
        }
        if (filter.Associated is { } associated)
        {
            traits = traits.Where(t => db.ResourceProviderTraits.Any(rpt => rpt.TraitId == t.Id) == associated);
        }
        return (filter.NamesIn is null ? traits.OrderBy(t => t.Id) : traits.OrderBy(t => t.Name)).ToListAsync(ct);
    }

    public static Task<Trait?> FindAsync(PlacementDbContext db, string name, CancellationToken ct) =>
        db.Traits.AsNoTracking().FirstOrDefaultAsync(t => t.Name == name, ct);

    /// <summary>The trait of that name, or upstream's 404.</summary>
    public static async Task<Trait> GetAsync(PlacementDbContext db, string name, CancellationToken ct) =>
        await FindAsync(db, name, ct) ?? throw NotFound(name);

    /// <summary>
    /// Creates a trait; null when it exists already (someone else just created it). On SQLite the write
    /// transaction keeps other writers out between the check and the insert; elsewhere a concurrent insert
    /// of the same name shows as a duplicate key.
    /// </summary>
    public static async Task<Trait?> TryCreateAsync(PlacementDbContext db, string name, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await FindAsync(db, name, ct) is not null)
        {
            return null;
        }
        var trait = new Trait { Name = name };
        if (!await DuplicateEntry.TryInsertAsync(db, trait, ct))
        {
            return null;
        }
        await transaction.CommitAsync(ct);
        // Handed out untracked, like every other read here.
        db.Entry(trait).State = EntityState.Detached;
        return trait;
    }

    /// <summary>Deletes a trait; false when a resource provider has it.</summary>
    public static async Task<bool> TryDeleteAsync(PlacementDbContext db, Trait trait, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The delete locks the trait row, which a provider's traits being set meanwhile checks its foreign key on.
        await ChangeLogLock.TakeFirstAsync(db, ct);
        if (await db.ResourceProviderTraits.AnyAsync(rpt => rpt.TraitId == trait.Id, ct))
        {
            return false;
        }
        if (await db.Traits.Where(t => t.Id == trait.Id).ExecuteDeleteAsync(ct) == 0)
        {
            throw NotFound(trait.Name);
        }
        await transaction.CommitAsync(ct);
        return true;
    }

    private static PlacementException NotFound(string name) => PlacementException.NotFound($"No such trait(s): {name}.");
}
