using Microsoft.EntityFrameworkCore;
using Placement.Api.Database;
using Placement.Api.Http;

namespace Placement.Api.Allocations;

/// <summary>One allocation row with the names the API shows, as upstream's allocation queries join them.</summary>
public sealed record AllocationRow(
    string ProviderUuid,
    int? ProviderGeneration,
    string ConsumerUuid,
    int ConsumerGeneration,
    string ProjectId,
    string UserId,
    string ConsumerType,
    string ResourceClass,
    int Used,
    DateTime? LastModified);

/// <summary>Reads allocations, and deletes a consumer's (writes go through <see cref="AllocationWriter"/>).</summary>
public sealed class AllocationStore(PlacementDbContext db)
{
    /// <summary>A consumer's allocations; none when the consumer has no row (upstream joins consumers).</summary>
    public Task<List<AllocationRow>> ForConsumerAsync(string consumerUuid, CancellationToken cancellationToken) =>
        Rows(consumerUuid: consumerUuid).ToListAsync(cancellationToken);

    /// <summary>A provider's allocations, or null when there is no such provider.</summary>
    public async Task<(int? Generation, List<AllocationRow> Allocations)?> ForProviderAsync(string providerUuid, CancellationToken cancellationToken)
    {
        var provider = await db.ResourceProviders.AsNoTracking()
            .Where(p => p.Uuid == providerUuid)
            .Select(p => new { p.Id, p.Generation })
            .FirstOrDefaultAsync(cancellationToken);
        return provider is null ? null : (provider.Generation, await Rows(providerId: provider.Id).ToListAsync(cancellationToken));
    }

    /// <summary>
    /// Deletes a consumer's allocations, then the consumer (404 when it has none). Like upstream,
    /// this bumps no generation.
    /// </summary>
    public async Task DeleteForConsumerAsync(string consumerUuid, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await Rows(consumerUuid: consumerUuid).AnyAsync(cancellationToken))
        {
            throw PlacementException.NotFound($"No allocations for consumer '{consumerUuid}'");
        }
        await db.Allocations.Where(a => a.ConsumerId == consumerUuid).ExecuteDeleteAsync(cancellationToken);
        await ConsumerStore.DeleteIfNoAllocationsAsync(db, [consumerUuid], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private IQueryable<AllocationRow> Rows(string? consumerUuid = null, int? providerId = null) =>
        from a in db.Allocations
        join p in db.ResourceProviders on a.ResourceProviderId equals p.Id
        join c in db.Consumers on a.ConsumerId equals c.Uuid
        join project in db.Projects on c.ProjectId equals project.Id
        join user in db.Users on c.UserId equals user.Id
        join rc in db.ResourceClasses on a.ResourceClassId equals rc.Id
        from type in db.ConsumerTypes.Where(t => t.Id == c.ConsumerTypeId).DefaultIfEmpty()
        where (consumerUuid == null || a.ConsumerId == consumerUuid) && (providerId == null || a.ResourceProviderId == providerId)
        orderby a.Id
        select new AllocationRow(
            p.Uuid,
            p.Generation,
            c.Uuid,
            c.Generation,
            project.ExternalId,
            user.ExternalId,
            type == null ? ConsumerStore.UnknownConsumerType : type.Name,
            rc.Name,
            a.Used,
            a.UpdatedAt ?? a.CreatedAt);
}
