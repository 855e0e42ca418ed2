using Microsoft.EntityFrameworkCore;
using Placement.Api.Configuration;
using Placement.Api.Database;
using Placement.Api.Database.Entities;
using Placement.Api.Http;

namespace Placement.Api.Allocations;

/// <summary>A consumers row as an allocation write saw it: the generation is what its conditional update expects.</summary>
public readonly record struct SeenConsumer(int Id, string Uuid, int Generation);

/// <summary>
/// The rows behind a consumer: consumers, projects, users and consumer_types, created on first use
/// as upstream's ensure_consumer does. Callers run these inside their write transaction.
/// </summary>
public sealed class ConsumerStore(PlacementDbContext db, PlacementSettings settings)
{
    /// <summary>The type name of consumers without one (upstream: NULL_CONSUMER_TYPE_ALIAS; never a row).</summary>
    public const string UnknownConsumerType = "unknown";

    private static DateTime Clock => DateTime.UtcNow;

    /// <summary>
    /// Upstream's ensure_consumer and update_consumers: checks the generation the caller expects
    /// (409 otherwise), creates the consumer if new, and records the owner and type asked for.
    /// </summary>
    public async Task<SeenConsumer> EnsureAsync(ConsumerAllocations request, CancellationToken cancellationToken)
    {
        var owner = request.Owner ?? new ConsumerOwner(settings.IncompleteConsumerProjectId, settings.IncompleteConsumerUserId);
        var projectId = await EnsureProjectAsync(owner.ProjectId, cancellationToken);
        var userId = await EnsureUserAsync(owner.UserId, cancellationToken);
        var existing = await db.Consumers.AsNoTracking()
            .Where(c => c.Uuid == request.ConsumerUuid)
            .Select(c => new { c.Id, c.Generation, c.ProjectId, c.UserId, c.ConsumerTypeId })
            .FirstOrDefaultAsync(cancellationToken);

        if (existing is null)
        {
            if (request.Generation is { Value: { } expected })
            {
                throw GenerationConflict("null", expected);
            }
            var consumer = new Consumer
            {
                Uuid = request.ConsumerUuid,
                ProjectId = projectId,
                UserId = userId,
                ConsumerTypeId = await ConsumerTypeIdAsync(request.ConsumerType, cancellationToken),
            };
            db.Consumers.Add(consumer);
            await db.SaveChangesAsync(cancellationToken);
            db.Entry(consumer).State = EntityState.Detached;
            return new SeenConsumer(consumer.Id, consumer.Uuid, consumer.Generation);
        }

        if (request.Generation is { } generation && generation.Value != existing.Generation)
        {
            throw GenerationConflict(existing.Generation.ToString(System.Globalization.CultureInfo.InvariantCulture), generation.Value);
        }
        var typeId = await ConsumerTypeIdAsync(request.ConsumerType, cancellationToken) ?? existing.ConsumerTypeId;
        if (projectId != existing.ProjectId || userId != existing.UserId || typeId != existing.ConsumerTypeId)
        {
            // Like upstream, the owner changes without a generation bump: the allocation write bumps it.
            await db.Consumers
                .Where(c => c.Id == existing.Id && c.Generation == existing.Generation)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(c => c.ProjectId, projectId)
                    .SetProperty(c => c.UserId, userId)
                    .SetProperty(c => c.ConsumerTypeId, typeId)
                    .SetProperty(c => c.UpdatedAt, Clock), cancellationToken);
        }
        return new SeenConsumer(existing.Id, request.ConsumerUuid, existing.Generation);
    }

    /// <summary>Bumps a consumer's generation if nobody else did since it was seen; false if somebody did.</summary>
    public async Task<bool> TryIncrementGenerationAsync(SeenConsumer consumer, CancellationToken cancellationToken) =>
        await db.Consumers
            .Where(c => c.Id == consumer.Id && c.Generation == consumer.Generation)
            .ExecuteUpdateAsync(set => set
                .SetProperty(c => c.Generation, consumer.Generation + 1)
                .SetProperty(c => c.UpdatedAt, Clock), cancellationToken) == 1;

    /// <summary>Upstream's delete_consumers_if_no_allocations: a consumer exists only while it has allocations.</summary>
    public static Task DeleteIfNoAllocationsAsync(PlacementDbContext db, IReadOnlyCollection<string> consumerUuids, CancellationToken cancellationToken) =>
        db.Consumers
            .Where(c => consumerUuids.Contains(c.Uuid) && !db.Allocations.Any(a => a.ConsumerId == c.Uuid))
            .ExecuteDeleteAsync(cancellationToken);

    /// <summary>The id of a consumer type, created if new; null for <see cref="UnknownConsumerType"/> or no type at all.</summary>
    private async Task<int?> ConsumerTypeIdAsync(string? name, CancellationToken cancellationToken) =>
        name is null or UnknownConsumerType
            ? null
            : await DuplicateEntry.FindOrInsertIdAsync(db, db.ConsumerTypes, t => t.Name == name, () => new ConsumerType { Name = name }, cancellationToken);

    private Task<int> EnsureProjectAsync(string externalId, CancellationToken cancellationToken) =>
        DuplicateEntry.FindOrInsertIdAsync(db, db.Projects, p => p.ExternalId == externalId, () => new Project { ExternalId = externalId }, cancellationToken);

    private Task<int> EnsureUserAsync(string externalId, CancellationToken cancellationToken) =>
        DuplicateEntry.FindOrInsertIdAsync(db, db.Users, u => u.ExternalId == externalId, () => new User { ExternalId = externalId }, cancellationToken);

    private static PlacementException GenerationConflict(string expected, long? got) =>
        PlacementException.Conflict(
            $"consumer generation conflict - expected {expected} but got {got?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "None"}",
            ErrorCodes.ConcurrentUpdate);
}
