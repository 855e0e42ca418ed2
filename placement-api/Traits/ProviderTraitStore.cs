using Microsoft.EntityFrameworkCore;
using Placement.Api.Database;
using Placement.Api.Database.Entities;
using Placement.Api.ResourceProviders;

namespace Placement.Api.Traits;

/// <summary>Reads and replaces the traits of one resource provider (resource_provider_traits).</summary>
public static class ProviderTraitStore
{
    /// <summary>The provider's traits, by id.</summary>
    public static Task<List<Trait>> ListAsync(PlacementDbContext db, ResourceProvider provider, CancellationToken ct) =>
        db.Traits.AsNoTracking()
            .Where(t => db.ResourceProviderTraits.Any(rpt => rpt.ResourceProviderId == provider.Id && rpt.TraitId == t.Id))
            .OrderBy(t => t.Id)
            .ToListAsync(ct);

    /// <summary>
    /// Makes <paramref name="traits"/> the provider's traits. A change bumps the provider's generation
    /// (from the one in <paramref name="provider"/>); false, with nothing changed, when that generation
    /// has moved meanwhile.
    /// </summary>
    public static Task<bool> TrySetAsync(
        PlacementDbContext db, ResourceProvider provider, IReadOnlyCollection<Trait> traits, CancellationToken ct) =>
        DeadlockRetry.InTransactionAsync(db, async () =>
    {
        var existing = await db.ResourceProviderTraits
            .Where(rpt => rpt.ResourceProviderId == provider.Id)
            .Select(rpt => rpt.TraitId)
            .ToListAsync(ct);
        var wanted = traits.Select(t => t.Id).ToHashSet();
        var toDelete = existing.Where(id => !wanted.Contains(id)).ToArray();
        var toAdd = wanted.Where(id => !existing.Contains(id)).ToList();
        if (toDelete.Length == 0 && toAdd.Count == 0)
        {
            return true;
        }
        if (toDelete.Length > 0)
        {
            await db.ResourceProviderTraits
                .Where(rpt => rpt.ResourceProviderId == provider.Id && toDelete.Contains(rpt.TraitId))
                .ExecuteDeleteAsync(ct);
        }
        db.ResourceProviderTraits.AddRange(toAdd.Select(id => new ResourceProviderTrait { ResourceProviderId = provider.Id, TraitId = id }));
        await db.SaveChangesAsync(ct);
        return await ProviderLookup.TryIncrementGenerationAsync(db, provider, ct);
    }, ct);
}
