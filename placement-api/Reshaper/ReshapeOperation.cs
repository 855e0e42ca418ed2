using Placement.Api.Allocations;
using Placement.Api.Database;
using Placement.Api.Database.Entities;
using Placement.Api.Inventories;

namespace Placement.Api.Reshaper;

/// <summary>What one provider's inventories must become, by class name in the request's order (empty: none at all).</summary>
/// <param name="Provider">The provider as read when the request's generation was checked against it.</param>
public sealed record ProviderInventories(ResourceProvider Provider, IReadOnlyDictionary<string, Capacity> Inventories);

/// <summary>
/// Upstream's reshape (placement/objects/reshaper.py): the inventories of some providers and the
/// allocations of some consumers replaced in one transaction, all or nothing.
/// <para>
/// Inventory that allocations use cannot be removed, and allocations cannot be made without inventory,
/// so the inventories change in two steps around the allocations: first to an interim set (the wanted
/// inventories plus those about to go, even if that leaves some below what is allocated from them),
/// then, once the new allocations are written and checked against the interim set, to the wanted set.
/// </para>
/// </summary>
public sealed class ReshapeOperation(PlacementDbContext db, AllocationWriter allocationWriter, ILogger<ReshapeOperation> logger)
{
    /// <exception cref="UnknownResourceClassException">An inventory names a class that does not exist.</exception>
    /// <exception cref="ProviderGenerationMovedException">A provider changed since it was read.</exception>
    /// <exception cref="InventoryInUseException">The wanted inventories leave allocations without inventory.</exception>
    /// <exception cref="AllocationWriteException">The allocations do not fit (see <see cref="AllocationWriter"/>).</exception>
    /// <exception cref="Http.PlacementException">Consumer generation conflicts and unknown providers in the allocations.</exception>
    public async Task RunAsync(
        IReadOnlyList<ProviderInventories> inventories, IReadOnlyList<ConsumerAllocations> allocations, CancellationToken cancellationToken)
    {
        var overCapacity = new List<(string ProviderUuid, string ResourceClass)>();
        // SQLite: BEGIN IMMEDIATE makes this the only writer, so what is read inside stays true until the commit.
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await RequireUnchangedAsync(inventories, cancellationToken);
            var classes = await ResourceClassIds.LoadAsync(db, cancellationToken);
            var unknownClass = await WriteInterimInventoriesAsync(inventories, classes, cancellationToken);

            // Upstream checks the consumers and the allocations' providers before it looks the inventories'
            // classes up, so those refusals (PlacementException) come first; refusals of the allocations
            // themselves come after an unknown class.
            try
            {
                await allocationWriter.ReplaceAsync(allocations, cancellationToken);
            }
            catch (AllocationWriteException) when (unknownClass is not null)
            {
                throw unknownClass;
            }
            if (unknownClass is not null)
            {
                throw unknownClass;
            }

            foreach (var (provider, wanted) in inventories)
            {
                // The allocation write bumped the generation of every provider it touched.
                await db.Entry(provider).ReloadAsync(cancellationToken);
                var exceeded = await InventoryStore.ReplaceAsync(db, provider, classes, Resolve(classes, wanted), cancellationToken);
                overCapacity.AddRange(exceeded.Select(resourceClass => (provider.Uuid, resourceClass)));
            }
            await transaction.CommitAsync(cancellationToken);
        }
        foreach (var (providerUuid, resourceClass) in overCapacity)
        {
            logger.LogWarning("Resource provider {Uuid} is now over-capacity for {ResourceClass}", providerUuid, resourceClass);
        }
    }

    /// <summary>
    /// Sets each provider's interim inventories. Returns the first unknown class instead of throwing it,
    /// for <see cref="RunAsync"/> to report in upstream's order; that provider is left as it is.
    /// </summary>
    private async Task<UnknownResourceClassException?> WriteInterimInventoriesAsync(
        IReadOnlyList<ProviderInventories> inventories, ResourceClassIds classes, CancellationToken cancellationToken)
    {
        UnknownResourceClassException? unknownClass = null;
        // An empty set would only be replaced by the current one: upstream skips it (and its generation bump).
        foreach (var (provider, wanted) in inventories.Where(w => w.Inventories.Count > 0))
        {
            var current = await InventoryStore.ListAsync(db, provider, classes, cancellationToken);
            Dictionary<KnownResourceClass, Capacity> interim;
            try
            {
                interim = Resolve(classes, Interim(current, wanted));
            }
            catch (UnknownResourceClassException e)
            {
                unknownClass ??= e;
                continue;
            }
            await InventoryStore.ReplaceAsync(db, provider, classes, interim, cancellationToken);
        }
        return unknownClass;
    }

    /// <summary>
    /// The first step's inventories: the current ones with the wanted ones laid over them, so that
    /// nothing is removed yet and every wanted class exists.
    /// </summary>
    public static IReadOnlyDictionary<string, Capacity> Interim(IEnumerable<InventoryRecord> current, IReadOnlyDictionary<string, Capacity> wanted)
    {
        var interim = current.ToDictionary(inventory => inventory.ResourceClass, inventory => inventory.Capacity);
        foreach (var (resourceClass, capacity) in wanted)
        {
            interim[resourceClass] = capacity;
        }
        return interim;
    }

    /// <summary>
    /// The providers were read and their generations checked before the transaction began; one that
    /// moved in between is a concurrent update, as the first generation bump would find it upstream.
    /// </summary>
    private async Task RequireUnchangedAsync(IReadOnlyList<ProviderInventories> inventories, CancellationToken cancellationToken)
    {
        foreach (var (provider, _) in inventories)
        {
            var checkedGeneration = provider.Generation;
            var entry = db.Entry(provider);
            await entry.ReloadAsync(cancellationToken);
            // Reloading a row that was deleted detaches the entity.
            if (entry.State == Microsoft.EntityFrameworkCore.EntityState.Detached || provider.Generation != checkedGeneration)
            {
                throw new ProviderGenerationMovedException();
            }
        }
    }

    /// <summary>Class names to classes, in order: the first unknown one is upstream's ResourceClassNotFound.</summary>
    private static Dictionary<KnownResourceClass, Capacity> Resolve(ResourceClassIds classes, IReadOnlyDictionary<string, Capacity> inventories) =>
        inventories.ToDictionary(inventory => classes.Resolve(inventory.Key), inventory => inventory.Value);
}
