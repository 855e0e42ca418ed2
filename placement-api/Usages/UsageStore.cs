using Microsoft.EntityFrameworkCore;
using Placement.Api.Database;
using Placement.Api.Database.Entities;
using Placement.Api.Inventories;

namespace Placement.Api.Usages;

/// <summary>Sums of allocations (upstream: placement/objects/usage.py).</summary>
public static class UsageStore
{
    /// <summary>Consumer counts and amounts of one consumer type, as GET /usages shows them from 1.38.</summary>
    public sealed record ConsumerTypeUsage(int ConsumerCount, IReadOnlyDictionary<string, long> Amounts);

    /// <summary>What a consumer type of <c>null</c> is called (upstream: NULL_CONSUMER_TYPE_ALIAS).</summary>
    public const string UnknownConsumerType = "unknown";

    /// <summary>The filter value that puts every consumer type under one key.</summary>
    public const string AllConsumerTypes = "all";

    /// <summary>Usage of every class the provider has inventory of, 0 when nothing is allocated.</summary>
    public static async Task<Dictionary<string, long>> OfProviderAsync(PlacementDbContext db, ResourceProvider provider, CancellationToken cancellationToken)
    {
        var rows = await db.Inventories
            .Where(i => i.ResourceProviderId == provider.Id)
            .Select(i => new
            {
                i.ResourceClassId,
                Used = db.Allocations
                    .Where(a => a.ResourceProviderId == i.ResourceProviderId && a.ResourceClassId == i.ResourceClassId)
                    .Sum(a => (long?)a.Used) ?? 0,
            })
            .ToListAsync(cancellationToken);
        var classes = await ResourceClassIds.LoadAsync(db, cancellationToken);
        return rows.ToDictionary(r => classes.NameOf(r.ResourceClassId), r => r.Used);
    }

    /// <summary>Usage by class of a project's (or one of its users') consumers, whatever their type.</summary>
    public static async Task<Dictionary<string, long>> OfProjectAsync(
        PlacementDbContext db, string projectId, string? userId, CancellationToken cancellationToken)
    {
        var rows = await AmountsByClass(Allocations(db, projectId, userId)).ToListAsync(cancellationToken);
        var classes = await ResourceClassIds.LoadAsync(db, cancellationToken);
        return rows.ToDictionary(r => classes.NameOf(r.ResourceClassId), r => r.Used);
    }

    /// <summary>
    /// Usage by consumer type then class (1.38). <paramref name="consumerType"/> narrows to one type;
    /// "all" sums every type under "all", "unknown" only the consumers without a type.
    /// </summary>
    public static async Task<Dictionary<string, ConsumerTypeUsage>> ByConsumerTypeAsync(
        PlacementDbContext db, string projectId, string? userId, string? consumerType, CancellationToken cancellationToken)
    {
        var allocations = Allocations(db, projectId, userId);
        var classes = await ResourceClassIds.LoadAsync(db, cancellationToken);
        if (consumerType is AllConsumerTypes or UnknownConsumerType)
        {
            if (consumerType == UnknownConsumerType)
            {
                allocations = allocations.Where(x => x.Consumer.ConsumerTypeId == null);
            }
            var amounts = await AmountsByClass(allocations).ToListAsync(cancellationToken);
            if (amounts.Count == 0)
            {
                return [];
            }
            var consumers = await allocations.Select(x => x.Allocation.ConsumerId).Distinct().CountAsync(cancellationToken);
            return new()
            {
                [consumerType] = new ConsumerTypeUsage(consumers, amounts.ToDictionary(r => classes.NameOf(r.ResourceClassId), r => r.Used)),
            };
        }

        var typed =
            from x in allocations
            join t in db.ConsumerTypes on x.Consumer.ConsumerTypeId equals t.Id into types
            from t in types.DefaultIfEmpty()
            select new { x.Allocation, TypeName = t == null ? null : t.Name };
        if (consumerType is not null)
        {
            typed = typed.Where(x => x.TypeName == consumerType);
        }
        var byTypeAndClass = await typed
            .GroupBy(x => new { x.TypeName, x.Allocation.ResourceClassId })
            .Select(g => new { g.Key.TypeName, g.Key.ResourceClassId, Used = g.Sum(x => (long)x.Allocation.Used) })
            .ToListAsync(cancellationToken);
        var consumersByType = await typed
            .GroupBy(x => x.TypeName)
            .Select(g => new { TypeName = g.Key, Consumers = g.Select(x => x.Allocation.ConsumerId).Distinct().Count() })
            .ToListAsync(cancellationToken);
        return byTypeAndClass
            .GroupBy(r => r.TypeName ?? UnknownConsumerType)
            .ToDictionary(
                g => g.Key,
                g => new ConsumerTypeUsage(
                    consumersByType.Single(c => (c.TypeName ?? UnknownConsumerType) == g.Key).Consumers,
                    g.ToDictionary(r => classes.NameOf(r.ResourceClassId), r => r.Used)));
    }

    // Init properties, not a constructor: EF Core can only translate queries composed on member initializers.
    private sealed class ConsumerAllocation
    {
        public required Allocation Allocation { get; init; }

        public required Consumer Consumer { get; init; }
    }

    /// <summary>The allocations of a project's consumers, or of one user's in it.</summary>
    private static IQueryable<ConsumerAllocation> Allocations(PlacementDbContext db, string projectId, string? userId)
    {
        var allocations =
            from a in db.Allocations
            join c in db.Consumers on a.ConsumerId equals c.Uuid
            join p in db.Projects on c.ProjectId equals p.Id
            where p.ExternalId == projectId
            select new ConsumerAllocation { Allocation = a, Consumer = c };
        if (userId is not null)
        {
            allocations =
                from x in allocations
                join u in db.Users on x.Consumer.UserId equals u.Id
                where u.ExternalId == userId
                select x;
        }
        return allocations;
    }

    private sealed record ClassAmount(int ResourceClassId, long Used);

    private static IQueryable<ClassAmount> AmountsByClass(IQueryable<ConsumerAllocation> allocations) =>
        allocations
            .GroupBy(x => x.Allocation.ResourceClassId)
            .Select(g => new ClassAmount(g.Key, g.Sum(x => (long)x.Allocation.Used)));
}
