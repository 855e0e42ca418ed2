namespace Placement.Api.AllocationCandidates.Engine;

/// <summary>One resource provider as loaded from the store.</summary>
public sealed record ProviderInput(
    Guid Uuid,
    string Name,
    int Generation,
    Guid? ParentUuid,
    IReadOnlyList<string> Traits,
    IReadOnlyList<Guid> Aggregates);

/// <summary>One inventory record, with the amount currently allocated against it.</summary>
public sealed record InventoryInput(
    Guid ProviderUuid,
    string ResourceClass,
    int Total,
    int Reserved,
    int MinUnit,
    int MaxUnit,
    int StepSize,
    double AllocationRatio,
    long Used);

/// <summary>The amount allocated against one inventory (a usage refresh, see <see cref="ProviderSnapshot.WithUsages"/>).</summary>
public sealed record UsageInput(Guid ProviderUuid, string ResourceClass, long Used);

/// <summary>
/// An immutable, in-memory picture of every provider, its tree, inventories, usage, traits and aggregates,
/// indexed by small integer ids so that candidate generation runs on arrays.
/// Provider ids follow the order of the input, which the loader must keep stable for deterministic answers.
/// </summary>
public sealed class ProviderSnapshot
{
    internal const string SharesViaAggregateTrait = "MISC_SHARES_VIA_AGGREGATE";

    internal readonly Guid[] Uuids;
    internal readonly string[] Names;
    internal readonly int[] Generations;
    internal readonly int[] Parents;
    internal readonly int[] Roots;
    internal readonly int[] Depths;

    // Members of each tree in id order, indexed by the root's id (empty for non-roots).
    internal readonly int[][] TreeMembers;

    // Sorted trait ids and aggregate ids per provider.
    internal readonly int[][] TraitsOf;
    internal readonly int[][] AggregatesOf;
    internal readonly int[][] ProvidersByAggregate;

    internal readonly bool[] IsSharing;

    // For a sharing provider: the sorted roots of every tree with a provider in one of its aggregates
    // (its own tree included when it is in an aggregate). Upstream's anchors_for_sharing_providers.
    internal readonly int[][] SharingAnchors;

    internal readonly Inventory[] Inventories;
    internal readonly int[][] InventoriesOf;
    internal readonly int[][] InventoriesByClass;

    internal readonly string[] TraitNames;
    internal readonly string[] ClassNames;
    private readonly Dictionary<string, int> traitIds;
    private readonly Dictionary<string, int> classIds;
    private readonly Dictionary<Guid, int> aggregateIds;
    private readonly Dictionary<Guid, int> providerIds;

    private ProviderSnapshot(IReadOnlyList<ProviderInput> providers, IEnumerable<InventoryInput> inventories)
    {
        var n = providers.Count;
        Uuids = new Guid[n];
        Names = new string[n];
        Generations = new int[n];
        providerIds = new Dictionary<Guid, int>(n);
        for (var i = 0; i < n; i++)
        {
            var p = providers[i];
            if (!providerIds.TryAdd(p.Uuid, i))
            {
                throw new ArgumentException($"Duplicate resource provider {p.Uuid}.", nameof(providers));
            }
            Uuids[i] = p.Uuid;
            Names[i] = p.Name;
            Generations[i] = p.Generation;
        }

        Parents = new int[n];
        for (var i = 0; i < n; i++)
        {
            var parent = providers[i].ParentUuid;
            if (parent is null)
            {
                Parents[i] = -1;
            }
            else if (!providerIds.TryGetValue(parent.Value, out Parents[i]))
            {
                throw new ArgumentException($"Parent {parent} of provider {Uuids[i]} is unknown.", nameof(providers));
            }
        }

        Roots = new int[n];
        Depths = new int[n];
        var treeMembers = new List<int>?[n];
        for (var i = 0; i < n; i++)
        {
            var (root, depth) = (i, 0);
            while (Parents[root] >= 0)
            {
                root = Parents[root];
                if (++depth > n)
                {
                    throw new ArgumentException($"Provider {Uuids[i]} is in a parent cycle.", nameof(providers));
                }
            }
            Roots[i] = root;
            Depths[i] = depth;
            (treeMembers[root] ??= []).Add(i);
        }
        TreeMembers = Array.ConvertAll(treeMembers, m => m?.ToArray() ?? []);

        traitIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var traitNames = new List<string>();
        aggregateIds = [];
        var byAggregate = new List<List<int>>();
        TraitsOf = new int[n][];
        AggregatesOf = new int[n][];
        IsSharing = new bool[n];
        for (var i = 0; i < n; i++)
        {
            TraitsOf[i] = [.. providers[i].Traits.Select(t => Intern(traitIds, traitNames, t)).Distinct().Order()];
            IsSharing[i] = providers[i].Traits.Contains(SharesViaAggregateTrait);
            var aggs = new SortedSet<int>();
            foreach (var agg in providers[i].Aggregates)
            {
                if (!aggregateIds.TryGetValue(agg, out var id))
                {
                    id = aggregateIds.Count;
                    aggregateIds.Add(agg, id);
                    byAggregate.Add([]);
                }
                if (aggs.Add(id))
                {
                    byAggregate[id].Add(i);
                }
            }
            AggregatesOf[i] = [.. aggs];
        }
        TraitNames = [.. traitNames];
        ProvidersByAggregate = [.. byAggregate.Select(l => l.ToArray())];

        SharingAnchors = new int[n][];
        for (var i = 0; i < n; i++)
        {
            SharingAnchors[i] = IsSharing[i]
                ? [.. AggregatesOf[i].SelectMany(a => ProvidersByAggregate[a]).Select(p => Roots[p]).Distinct().Order()]
                : [];
        }

        classIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var classNames = new List<string>();
        var inventoryList = new List<Inventory>();
        var seen = new HashSet<(int, int)>();
        foreach (var inv in inventories)
        {
            if (!providerIds.TryGetValue(inv.ProviderUuid, out var provider))
            {
                throw new ArgumentException($"Inventory for unknown provider {inv.ProviderUuid}.", nameof(inventories));
            }
            var rc = Intern(classIds, classNames, inv.ResourceClass);
            if (!seen.Add((provider, rc)))
            {
                throw new ArgumentException(
                    $"Duplicate {inv.ResourceClass} inventory for provider {inv.ProviderUuid}.", nameof(inventories));
            }
            inventoryList.Add(new Inventory(provider, rc, inv));
        }
        ClassNames = [.. classNames];
        Inventories = [.. inventoryList];
        var of = Enumerable.Range(0, n).Select(_ => new List<int>()).ToArray();
        var byClass = Enumerable.Range(0, ClassNames.Length).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < Inventories.Length; i++)
        {
            of[Inventories[i].Provider].Add(i);
            byClass[Inventories[i].ResourceClass].Add(i);
        }
        InventoriesOf = [.. of.Select(l => l.ToArray())];
        InventoriesByClass = [.. byClass.Select(l => l.ToArray())];

        HasTrees = Parents.Any(p => p >= 0);
        HasSharingProviders = IsSharing.Any(s => s);
    }

    // Same providers, traits and aggregates; other inventory usage.
    private ProviderSnapshot(ProviderSnapshot topology, Inventory[] inventories)
    {
        Uuids = topology.Uuids;
        Names = topology.Names;
        Generations = topology.Generations;
        Parents = topology.Parents;
        Roots = topology.Roots;
        Depths = topology.Depths;
        TreeMembers = topology.TreeMembers;
        TraitsOf = topology.TraitsOf;
        AggregatesOf = topology.AggregatesOf;
        ProvidersByAggregate = topology.ProvidersByAggregate;
        IsSharing = topology.IsSharing;
        SharingAnchors = topology.SharingAnchors;
        Inventories = inventories;
        InventoriesOf = topology.InventoriesOf;
        InventoriesByClass = topology.InventoriesByClass;
        TraitNames = topology.TraitNames;
        ClassNames = topology.ClassNames;
        traitIds = topology.traitIds;
        classIds = topology.classIds;
        aggregateIds = topology.aggregateIds;
        providerIds = topology.providerIds;
        HasTrees = topology.HasTrees;
        HasSharingProviders = topology.HasSharingProviders;
    }

    /// <summary>Builds a snapshot; throws <see cref="ArgumentException"/> on inconsistent input.</summary>
    public static ProviderSnapshot Build(IEnumerable<ProviderInput> providers, IEnumerable<InventoryInput> inventories) =>
        new([.. providers], inventories);

    /// <summary>
    /// A snapshot of the same providers and inventories with the given usage (absent inventories: nothing used),
    /// without rebuilding the rest: allocations change far more often than providers and inventories do.
    /// Throws <see cref="ArgumentException"/> for a usage of an unknown provider or inventory.
    /// </summary>
    public ProviderSnapshot WithUsages(IEnumerable<UsageInput> usages)
    {
        var inventories = Array.ConvertAll(Inventories, inv => inv.WithUsed(0));
        foreach (var usage in usages)
        {
            var index = providerIds.TryGetValue(usage.ProviderUuid, out var provider) && classIds.TryGetValue(usage.ResourceClass, out var rc)
                ? Array.FindIndex(InventoriesOf[provider], i => Inventories[i].ResourceClass == rc)
                : -1;
            if (index < 0)
            {
                throw new ArgumentException(
                    $"Usage of {usage.ResourceClass} on provider {usage.ProviderUuid} without inventory.", nameof(usages));
            }
            index = InventoriesOf[provider][index];
            inventories[index] = inventories[index].WithUsed(usage.Used);
        }
        return new ProviderSnapshot(this, inventories);
    }

    public int ProviderCount => Uuids.Length;

    /// <summary>Whether any provider has a parent (upstream switches code paths on this).</summary>
    public bool HasTrees { get; }

    /// <summary>Whether any provider has the MISC_SHARES_VIA_AGGREGATE trait.</summary>
    public bool HasSharingProviders { get; }

    internal bool TryGetTrait(string name, out int id) => traitIds.TryGetValue(name, out id);

    internal bool TryGetClass(string name, out int id) => classIds.TryGetValue(name, out id);

    internal bool TryGetAggregate(Guid uuid, out int id) => aggregateIds.TryGetValue(uuid, out id);

    internal bool TryGetProvider(Guid uuid, out int id) => providerIds.TryGetValue(uuid, out id);

    internal bool HasTrait(int provider, int trait) => Array.BinarySearch(TraitsOf[provider], trait) >= 0;

    internal bool InAggregate(int provider, int aggregate) => Array.BinarySearch(AggregatesOf[provider], aggregate) >= 0;

    /// <summary>Whether <paramref name="ancestor"/> is <paramref name="provider"/> or one of its ancestors.</summary>
    internal bool IsAncestorOrSelf(int ancestor, int provider)
    {
        var depthGap = Depths[provider] - Depths[ancestor];
        if (depthGap < 0)
        {
            return false;
        }
        for (; depthGap > 0; depthGap--)
        {
            provider = Parents[provider];
        }
        return provider == ancestor;
    }

    private static int Intern(Dictionary<string, int> ids, List<string> names, string name)
    {
        if (!ids.TryGetValue(name, out var id))
        {
            id = names.Count;
            ids.Add(name, id);
            names.Add(name);
        }
        return id;
    }
}

/// <summary>An inventory row with its capacity precomputed the way upstream computes it.</summary>
internal readonly struct Inventory
{
    public Inventory(int provider, int resourceClass, InventoryInput input)
        : this(provider, resourceClass, input.MinUnit, input.MaxUnit, input.StepSize, input.Used,
            (long)((input.Total - input.Reserved) * input.AllocationRatio))
    {
    }

    private Inventory(int provider, int resourceClass, int minUnit, int maxUnit, int stepSize, long used, long capacity)
    {
        Provider = provider;
        ResourceClass = resourceClass;
        MinUnit = minUnit;
        MaxUnit = maxUnit;
        StepSize = stepSize;
        Used = used;
        Capacity = capacity;
    }

    public Inventory WithUsed(long used) => new(Provider, ResourceClass, MinUnit, MaxUnit, StepSize, used, Capacity);

    public int Provider { get; }
    public int ResourceClass { get; }
    public int MinUnit { get; }
    public int MaxUnit { get; }
    public int StepSize { get; }
    public long Used { get; }
    public long Capacity { get; }

    /// <summary>Whether one request for <paramref name="amount"/> fits this inventory on its own.</summary>
    public bool Fits(int amount) =>
        Used + amount <= Capacity && MinUnit <= amount && amount <= MaxUnit && StepSize > 0 && amount % StepSize == 0;
}
