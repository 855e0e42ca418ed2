using Placement.Api.Inventories;

namespace Placement.Api.Allocations;

/// <summary>One allocation row a write wants. <see cref="Used"/> 0 marks a row being removed, as upstream marks it.</summary>
public readonly record struct WantedAllocation(string ConsumerUuid, int ProviderId, string ProviderUuid, int ClassId, string ClassName, long Used);

/// <summary>
/// An inventory and what is already allocated from it: <see cref="Used"/> without the consumers being rewritten,
/// <see cref="PreviousUsed"/> with them, before this write (null when nothing was allocated from it).
/// </summary>
public readonly record struct InventoryStock(Capacity Capacity, long Used, long? PreviousUsed = null);

/// <summary>
/// Upstream's _check_capacity_exceeded: whether a set of wanted allocations fits the inventories, with
/// its checks in its order and its messages. Pure, so that every writer of allocations shares it.
/// As upstream master since bug 2104040 (commit 5ac4c70b, "Fix placement allocate while over-capacity"), a write
/// that leaves a provider over capacity is allowed when it does not make its usage worse than before the write: an
/// operator who raised reserved or lowered allocation_ratio can still move or shrink what is allocated.
/// </summary>
public static class CapacityCheck
{
    /// <summary>Throws <see cref="AllocationWriteException"/> (InvalidInventory) at the first allocation that does not fit.</summary>
    /// <param name="stock">The inventories of the wanted providers in the wanted classes, by (provider id, class id).</param>
    public static void Verify(IReadOnlyList<WantedAllocation> wanted, IReadOnlyDictionary<(int ProviderId, int ClassId), InventoryStock> stock)
    {
        var providersWithStock = stock.Keys.Select(k => k.ProviderId).ToHashSet();
        var providersWithout = wanted.Where(w => !providersWithStock.Contains(w.ProviderId)).Select(w => w.ProviderUuid).Distinct().ToList();
        if (providersWithout.Count > 0)
        {
            var classes = wanted.DistinctBy(w => w.ClassId).OrderBy(w => w.ClassId).Select(w => w.ClassName);
            throw InvalidInventory(string.Join(", ", classes), string.Join(", ", providersWithout));
        }

        // Each allocation is compared alone and with all of this write's allocations of its provider and class.
        var requested = wanted.GroupBy(w => (w.ProviderId, w.ClassId)).ToDictionary(g => g.Key, g => g.Sum(w => w.Used));
        foreach (var allocation in wanted)
        {
            var key = (allocation.ProviderId, allocation.ClassId);
            if (allocation.Used == 0)
            {
                continue;
            }
            if (!stock.TryGetValue(key, out var inventory))
            {
                throw InvalidInventory(allocation.ClassName, allocation.ProviderUuid);
            }
            if (!inventory.Capacity.AllowsUnits(allocation.Used))
            {
                throw new AllocationWriteException(AllocationWriteFailure.InvalidInventory,
                    $"Unable to create allocation for '{allocation.ClassName}' on resource provider '{allocation.ProviderUuid}'. " +
                    "The requested amount would violate inventory constraints.");
            }
            var fits = inventory.Capacity.HasRoomFor(inventory.Used, allocation.Used) && inventory.Capacity.HasRoomFor(inventory.Used, requested[key]);
            var noWorse = inventory.PreviousUsed is { } before && inventory.Used + requested[key] <= before;
            if (!fits && !noWorse)
            {
                throw new AllocationWriteException(AllocationWriteFailure.InvalidInventory,
                    $"Unable to create allocation for '{allocation.ClassName}' on resource provider '{allocation.ProviderUuid}'. " +
                    "The requested amount would exceed the capacity.");
            }
        }
    }

    private static AllocationWriteException InvalidInventory(string classes, string providers) =>
        new(AllocationWriteFailure.InvalidInventory, $"Inventory for '{classes}' on resource provider '{providers}' invalid.");
}
