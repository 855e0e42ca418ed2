using Placement.Api.AllocationCandidates.Engine;

namespace Placement.Api.AllocationCandidates.Snapshots;

/// <summary>A provider as the candidates see it, by database ids: its parent, traits, aggregates and inventories.</summary>
internal sealed record ProviderState(Guid Uuid, int? ParentId, int[] TraitIds, int[] AggregateIds, InventoryState[] Inventories);

/// <summary>One inventory of a provider, by resource class id.</summary>
internal sealed record InventoryState(int ClassId, int Total, int Reserved, int MinUnit, int MaxUnit, int StepSize, double AllocationRatio)
{
    /// <summary>This inventory as the engine's snapshot takes it, of the provider at <paramref name="providerIndex"/>.</summary>
    public InventoryRow Row(int providerIndex) => new(providerIndex, ClassId, Total, Reserved, MinUnit, MaxUnit, StepSize, AllocationRatio);
}

/// <summary>An engine snapshot of a <see cref="CloudModel"/>, and where each provider and inventory went in it.</summary>
internal sealed record BuiltSnapshot(
    ProviderSnapshot Snapshot, Dictionary<int, int> ProviderIndexes, Dictionary<(int Provider, int Class), int> InventoryIndexes);

/// <summary>
/// Everything the candidates engine reads from the database, keyed by database ids, as of one change-log
/// position: the refresher loads it once, then applies each change to it, and builds engine snapshots from it.
/// Only the refresher touches it; the snapshots it builds are immutable.
/// </summary>
internal sealed class CloudModel
{
    public Dictionary<int, string> Traits { get; } = [];

    public Dictionary<int, string> Classes { get; } = [];

    /// <summary>Aggregates that have a uuid (one without cannot be asked for).</summary>
    public Dictionary<int, Guid> Aggregates { get; } = [];

    public Dictionary<int, ProviderState> Providers { get; } = [];

    /// <summary>The sum of allocations per provider and class, inventory or not (upstream allows allocations to outlive it).</summary>
    public Dictionary<(int Provider, int Class), long> Usage { get; } = [];

    public void AddUsage(int provider, int resourceClass, long delta)
    {
        var key = (provider, resourceClass);
        var used = Usage.GetValueOrDefault(key) + delta;
        if (used == 0)
        {
            Usage.Remove(key);
        }
        else
        {
            Usage[key] = used;
        }
    }

    /// <summary>
    /// An engine snapshot of this model, providers in database id order. Throws <see cref="ArgumentException"/> when the
    /// model is inconsistent (a parent that is not a provider).
    /// </summary>
    public BuiltSnapshot Build()
    {
        var ids = Providers.Keys.Order().ToArray();
        var indexOf = new Dictionary<int, int>(ids.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            indexOf.Add(ids[i], i);
        }
        var rows = new ProviderRow[ids.Length];
        var inventories = new List<InventoryRow>(ids.Length * 3);
        var used = new List<long>(ids.Length * 3);
        var inventoryIndexes = new Dictionary<(int, int), int>(ids.Length * 3);
        for (var i = 0; i < ids.Length; i++)
        {
            var provider = Providers[ids[i]];
            var parent = provider.ParentId is { } parentId
                ? indexOf.TryGetValue(parentId, out var parentIndex)
                    ? parentIndex
                    : throw new ArgumentException($"Provider {provider.Uuid} has parent id {parentId}, which is no provider.")
                : -1;
            rows[i] = new ProviderRow(provider.Uuid, parent, provider.TraitIds, provider.AggregateIds);
            foreach (var inventory in provider.Inventories)
            {
                inventoryIndexes.Add((ids[i], inventory.ClassId), inventories.Count);
                inventories.Add(inventory.Row(i));
                used.Add(Usage.GetValueOrDefault((ids[i], inventory.ClassId)));
            }
        }
        var snapshot = new ProviderSnapshot(rows, [.. inventories], [.. Traits], [.. Classes], [.. Aggregates], [.. used]);
        return new BuiltSnapshot(snapshot, indexOf, inventoryIndexes);
    }
}
