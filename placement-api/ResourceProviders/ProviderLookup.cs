using Microsoft.EntityFrameworkCore;
using Placement.Api.Database;
using Placement.Api.Database.Entities;
using Placement.Api.Http;

namespace Placement.Api.ResourceProviders;

/// <summary>Finding a provider named in a URL, and the generation check every provider write makes.</summary>
public static class ProviderLookup
{
    /// <summary>The provider with this uuid, or upstream's 404.</summary>
    public static async Task<ResourceProvider> GetAsync(PlacementDbContext db, string uuid, CancellationToken cancellationToken)
    {
        return await db.ResourceProviders.SingleOrDefaultAsync(p => p.Uuid == uuid, cancellationToken)
            ?? throw PlacementException.NotFoundPastHandler($"No resource provider with uuid {uuid} found");
    }

    /// <summary>
    /// Increments the provider's generation if it is still the one read (a conditional UPDATE, so two
    /// writers cannot both win). False when another writer moved it: the caller answers 409.
    /// </summary>
    public static async Task<bool> TryIncrementGenerationAsync(PlacementDbContext db, ResourceProvider provider, CancellationToken cancellationToken)
    {
        var seen = provider.Generation;
        var now = DateTime.UtcNow;
        var updated = await db.ResourceProviders
            .Where(p => p.Id == provider.Id && p.Generation == seen)
            .ExecuteUpdateAsync(set => set
                .SetProperty(p => p.Generation, p => p.Generation + 1)
                .SetProperty(p => p.UpdatedAt, now), cancellationToken);
        if (updated == 0)
        {
            return false;
        }
        // The row is already written: keep the tracked copy in step without marking it modified,
        // so a later SaveChanges cannot write an older generation back.
        var entry = db.Entry(provider);
        foreach (var (property, value) in new (string, object?)[] { (nameof(provider.Generation), seen + 1), (nameof(provider.UpdatedAt), now) })
        {
            entry.Property(property).CurrentValue = value;
            if (entry.State != EntityState.Detached)
            {
                entry.Property(property).OriginalValue = value;
                entry.Property(property).IsModified = false;
            }
        }
        return true;
    }
}
