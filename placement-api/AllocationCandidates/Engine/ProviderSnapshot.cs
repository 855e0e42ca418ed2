using System.Collections.Concurrent;

namespace Placement.Api.AllocationCandidates.Engine;

/// <summary>One resource provider, by names and uuids (tests and tools; the cache builds from database rows).</summary>
public sealed record ProviderInput(
    Guid Uuid,
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

/// <summary>The amount allocated against one inventory (see <see cref="ProviderSnapshot.WithUsage(IEnumerable{UsageInput})"/>).</summary>
public sealed record UsageInput(Guid ProviderUuid, string ResourceClass, long Used);

/// <summary>A provider as the snapshot's constructor takes it: its parent by index, traits and aggregates by key.</summary>
internal readonly record struct ProviderRow(Guid Uuid, int Parent, int[] TraitKeys, int[] AggregateKeys);

/// <summary>An inventory as the snapshot's constructor takes it: its provider by index, its class by key.</summary>
internal readonly record struct InventoryRow(
    int Provider, int ClassKey, int Total, int Reserved, int MinUnit, int MaxUnit, int StepSize, double AllocationRatio);

/// <summary>
/// An immutable, in-memory picture of every provider, its tree, inventories, usage, traits and aggregates,
/// indexed by small integer ids so that candidate generation runs on arrays. The topology (everything but
/// usage) is shared between snapshots that differ only in usage, which changes with every claim.
/// Provider ids follow the order of the input, which the loader keeps stable (database id order) for
/// deterministic answers; inventories come in provider order.
/// </summary>
public sealed class ProviderSnapshot
{
    internal const string SharesViaAggregateTrait = "MISC_SHARES_VIA_AGGREGATE";

    internal readonly Guid[] Uuids;
    internal readonly int[] Parents;
    internal readonly int[] Roots;
    internal readonly int[] Depths;

    /// <summary>Every root, ascending: the anchors a request may consider.</summary>
    internal readonly int[] RootList;

    // Members of each tree in id order, indexed by the root's id (empty for non-roots).
    internal readonly int[][] TreeMembers;

    /// <summary>
    /// Per root: the providers an anchor there can draw from, ascending: its tree's members and the sharing
    /// providers of other trees that share with it (empty for non-roots).
    /// </summary>
    internal readonly int[][] Reachable;

    // Sorted trait ids and aggregate ids per provider. Trait ids follow the database's trait ids.
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
    private readonly Dictionary<int, int> traitIdOfKey;
    private readonly Dictionary<int, int> classIdOfKey;

    private readonly UsageTable usage;

    // Computed on first use and shared by every snapshot of this topology.
    private readonly ConcurrentDictionary<long, int[]> anchorLists;
    private readonly ConcurrentBag<EngineScratch> scratchPool;
    private readonly Guid[]?[] singleUuids;

    internal ProviderSnapshot(
        ProviderRow[] providers,
        InventoryRow[] inventories,
        IReadOnlyList<KeyValuePair<int, string>> traits,
        IReadOnlyList<KeyValuePair<int, string>> classes,
        IReadOnlyList<KeyValuePair<int, Guid>> aggregates,
        long[] used)
    {
        var n = providers.Length;
        Uuids = new Guid[n];
        Parents = new int[n];
        providerIds = new Dictionary<Guid, int>(n);
        for (var i = 0; i < n; i++)
        {
            if (!providerIds.TryAdd(providers[i].Uuid, i))
            {
                throw new ArgumentException($"Duplicate resource provider {providers[i].Uuid}.", nameof(providers));
            }
            Uuids[i] = providers[i].Uuid;
            Parents[i] = providers[i].Parent;
        }

        Roots = new int[n];
        Depths = new int[n];
        var treeMembers = new List<int>?[n];
        var rootList = new List<int>();
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
            if (root == i)
            {
                rootList.Add(i);
            }
        }
        TreeMembers = Array.ConvertAll(treeMembers, m => m?.ToArray() ?? []);
        RootList = [.. rootList];

        // Dense ids in ascending key order, so that sorting by id sorts by database id.
        TraitNames = [.. traits.OrderBy(t => t.Key).Select(t => t.Value)];
        traitIdOfKey = traits.OrderBy(t => t.Key).Select((t, i) => (t.Key, i)).ToDictionary(t => t.Key, t => t.i);
        traitIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < TraitNames.Length; i++)
        {
            traitIds.Add(TraitNames[i], i);
        }
        ClassNames = [.. classes.OrderBy(c => c.Key).Select(c => c.Value)];
        classIdOfKey = classes.OrderBy(c => c.Key).Select((c, i) => (c.Key, i)).ToDictionary(c => c.Key, c => c.i);
        classIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ClassNames.Length; i++)
        {
            classIds.Add(ClassNames[i], i);
        }
        var aggregateIdOfKey = new Dictionary<int, int>(aggregates.Count);
        aggregateIds = new Dictionary<Guid, int>(aggregates.Count);
        foreach (var (key, uuid) in aggregates.OrderBy(a => a.Key))
        {
            aggregateIdOfKey.Add(key, aggregateIds.Count);
            aggregateIds.Add(uuid, aggregateIds.Count);
        }

        var sharingTrait = traitIds.GetValueOrDefault(SharesViaAggregateTrait, -1);
        TraitsOf = new int[n][];
        AggregatesOf = new int[n][];
        IsSharing = new bool[n];
        var byAggregate = new List<int>[aggregateIds.Count];
        for (var i = 0; i < n; i++)
        {
            TraitsOf[i] = DenseIds(providers[i].TraitKeys, traitIdOfKey, "trait", Uuids[i]);
            IsSharing[i] = sharingTrait >= 0 && Array.BinarySearch(TraitsOf[i], sharingTrait) >= 0;
            // An aggregate without a uuid cannot be asked for, so it filters nothing: it is left out.
            AggregatesOf[i] = DenseIds(providers[i].AggregateKeys, aggregateIdOfKey, null, Uuids[i]);
            foreach (var aggregate in AggregatesOf[i])
            {
                (byAggregate[aggregate] ??= []).Add(i);
            }
        }
        ProvidersByAggregate = Array.ConvertAll(byAggregate, l => l?.ToArray() ?? []);

        SharingAnchors = new int[n][];
        var sharingOf = new List<int>?[n];
        for (var i = 0; i < n; i++)
        {
            SharingAnchors[i] = IsSharing[i]
                ? [.. AggregatesOf[i].SelectMany(a => ProvidersByAggregate[a]).Select(p => Roots[p]).Distinct().Order()]
                : [];
            foreach (var anchor in SharingAnchors[i])
            {
                if (anchor != Roots[i])
                {
                    (sharingOf[anchor] ??= []).Add(i);
                }
            }
        }
        Reachable = new int[n][];
        for (var i = 0; i < n; i++)
        {
            Reachable[i] = sharingOf[i] is { } shared ? Merge(TreeMembers[i], shared) : TreeMembers[i];
        }

        Inventories = new Inventory[inventories.Length];
        var of = new List<int>?[n];
        var byClass = new List<int>?[ClassNames.Length];
        for (var i = 0; i < inventories.Length; i++)
        {
            var row = inventories[i];
            if (row.Provider < 0 || row.Provider >= n || (i > 0 && row.Provider < inventories[i - 1].Provider))
            {
                throw new ArgumentException($"Inventory {i} is of an unknown provider or out of provider order.", nameof(inventories));
            }
            if (!classIdOfKey.TryGetValue(row.ClassKey, out var rc))
            {
                throw new ArgumentException($"Inventory of unknown resource class {row.ClassKey}.", nameof(inventories));
            }
            var list = of[row.Provider] ??= [];
            if (InventoryOfClass(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list), rc) >= 0)
            {
                throw new ArgumentException($"Duplicate {ClassNames[rc]} inventory for provider {Uuids[row.Provider]}.", nameof(inventories));
            }
            Inventories[i] = new Inventory(row.Provider, rc, row);
            list.Add(i);
            (byClass[rc] ??= []).Add(i);
        }
        InventoriesOf = Array.ConvertAll(of, l => l?.ToArray() ?? []);
        InventoriesByClass = Array.ConvertAll(byClass, l => l?.ToArray() ?? []);
        if (used.Length != inventories.Length)
        {
            throw new ArgumentException("One usage per inventory.", nameof(used));
        }
        usage = UsageTable.Create(used);

        HasTrees = Parents.Any(p => p >= 0);
        HasSharingProviders = IsSharing.Any(s => s);
        anchorLists = new ConcurrentDictionary<long, int[]>();
        scratchPool = [];
        singleUuids = new Guid[]?[n];
    }

    // Same topology, other usage; or, given them, other traits, inventory values and the anchor lists they leave valid.
    private ProviderSnapshot(
        ProviderSnapshot topology, UsageTable usage,
        int[][]? traitsOf = null, Inventory[]? inventories = null, ConcurrentDictionary<long, int[]>? anchorLists = null)
    {
        Uuids = topology.Uuids;
        Parents = topology.Parents;
        Roots = topology.Roots;
        Depths = topology.Depths;
        RootList = topology.RootList;
        TreeMembers = topology.TreeMembers;
        Reachable = topology.Reachable;
        TraitsOf = traitsOf ?? topology.TraitsOf;
        AggregatesOf = topology.AggregatesOf;
        ProvidersByAggregate = topology.ProvidersByAggregate;
        IsSharing = topology.IsSharing;
        SharingAnchors = topology.SharingAnchors;
        Inventories = inventories ?? topology.Inventories;
        InventoriesOf = topology.InventoriesOf;
        InventoriesByClass = topology.InventoriesByClass;
        TraitNames = topology.TraitNames;
        ClassNames = topology.ClassNames;
        traitIds = topology.traitIds;
        classIds = topology.classIds;
        aggregateIds = topology.aggregateIds;
        providerIds = topology.providerIds;
        traitIdOfKey = topology.traitIdOfKey;
        classIdOfKey = topology.classIdOfKey;
        HasTrees = topology.HasTrees;
        HasSharingProviders = topology.HasSharingProviders;
        this.anchorLists = anchorLists ?? topology.anchorLists;
        scratchPool = topology.scratchPool;
        singleUuids = topology.singleUuids;
        this.usage = usage;
    }

    /// <summary>Builds a snapshot from names and uuids; throws <see cref="ArgumentException"/> on inconsistent input.</summary>
    public static ProviderSnapshot Build(IEnumerable<ProviderInput> providers, IEnumerable<InventoryInput> inventories)
    {
        var providerList = providers.ToList();
        var inventoryList = inventories.ToList();
        var index = new Dictionary<Guid, int>();
        foreach (var p in providerList)
        {
            if (!index.TryAdd(p.Uuid, index.Count))
            {
                throw new ArgumentException($"Duplicate resource provider {p.Uuid}.", nameof(providers));
            }
        }
        // Keys in order of first appearance.
        var traits = new Dictionary<string, int>(StringComparer.Ordinal);
        var classes = new Dictionary<string, int>(StringComparer.Ordinal);
        var aggregates = new Dictionary<Guid, int>();
        static int Key<T>(Dictionary<T, int> keys, T value) where T : notnull =>
            keys.TryGetValue(value, out var key) ? key : keys[value] = keys.Count;

        var rows = providerList.ConvertAll(p => new ProviderRow(
            p.Uuid,
            p.ParentUuid is { } parent
                ? index.TryGetValue(parent, out var parentIndex)
                    ? parentIndex
                    : throw new ArgumentException($"Parent {parent} of provider {p.Uuid} is unknown.", nameof(providers))
                : -1,
            [.. p.Traits.Select(t => Key(traits, t))],
            [.. p.Aggregates.Select(a => Key(aggregates, a))]));
        var inventoryRows = inventoryList.ConvertAll(i => new InventoryRow(
            index.TryGetValue(i.ProviderUuid, out var provider)
                ? provider
                : throw new ArgumentException($"Inventory for unknown provider {i.ProviderUuid}.", nameof(inventories)),
            Key(classes, i.ResourceClass), i.Total, i.Reserved, i.MinUnit, i.MaxUnit, i.StepSize, i.AllocationRatio));
        // The snapshot takes inventories in provider order; within a provider, as given.
        var order = Enumerable.Range(0, inventoryRows.Count).OrderBy(i => inventoryRows[i].Provider).ToArray();
        return new ProviderSnapshot(
            [.. rows], [.. order.Select(i => inventoryRows[i])],
            [.. traits.Select(t => KeyValuePair.Create(t.Value, t.Key))],
            [.. classes.Select(c => KeyValuePair.Create(c.Value, c.Key))],
            [.. aggregates.Select(a => KeyValuePair.Create(a.Value, a.Key))],
            [.. order.Select(i => inventoryList[i].Used)]);
    }

    /// <summary>
    /// A snapshot of the same topology in which the given inventories have the given usage (the others keep
    /// theirs). Throws <see cref="ArgumentException"/> for a usage of an unknown provider or inventory.
    /// </summary>
    public ProviderSnapshot WithUsage(IEnumerable<UsageInput> usages)
    {
        var changes = new List<KeyValuePair<int, long>>();
        foreach (var u in usages)
        {
            var index = providerIds.TryGetValue(u.ProviderUuid, out var provider) && classIds.TryGetValue(u.ResourceClass, out var rc)
                ? InventoryOf(provider, rc)
                : -1;
            if (index < 0)
            {
                throw new ArgumentException($"Usage of {u.ResourceClass} on provider {u.ProviderUuid} without inventory.", nameof(usages));
            }
            changes.Add(KeyValuePair.Create(index, u.Used));
        }
        return WithUsage(changes);
    }

    /// <summary>
    /// The same cloud, but for the traits and inventory values of some providers, at the cost of those providers (and
    /// of two arrays of references), not of a rebuild. Only what moves no index qualifies: each provider keeps its
    /// parent, aggregates, sharing or not, and its inventories' classes in their order (and the traits named exist).
    /// Throws <see cref="ArgumentException"/> otherwise: the caller then builds a new snapshot.
    /// </summary>
    internal ProviderSnapshot WithProviders(IReadOnlyCollection<(int Provider, int[] TraitKeys, InventoryRow[] Inventories)> changes)
    {
        var traitsOf = (int[][])TraitsOf.Clone();
        var inventories = (Inventory[])Inventories.Clone();
        var staleTraits = new HashSet<int>();
        var sharingTrait = traitIds.GetValueOrDefault(SharesViaAggregateTrait, -1);
        foreach (var (provider, traitKeys, rows) in changes)
        {
            var traits = DenseIds(traitKeys, traitIdOfKey, "trait", Uuids[provider]);
            if ((sharingTrait >= 0 && Array.BinarySearch(traits, sharingTrait) >= 0) != IsSharing[provider])
            {
                throw new ArgumentException($"Provider {Uuids[provider]} starts or stops sharing.", nameof(changes));
            }
            var changedHands = new HashSet<int>(traits);
            changedHands.SymmetricExceptWith(TraitsOf[provider]);
            staleTraits.UnionWith(changedHands);
            traitsOf[provider] = traits;
            var indexes = InventoriesOf[provider];
            if (rows.Length != indexes.Length)
            {
                throw new ArgumentException($"Provider {Uuids[provider]} gains or loses inventory.", nameof(changes));
            }
            for (var i = 0; i < rows.Length; i++)
            {
                var resourceClass = Inventories[indexes[i]].ResourceClass;
                if (!classIdOfKey.TryGetValue(rows[i].ClassKey, out var rc) || rc != resourceClass)
                {
                    throw new ArgumentException($"Provider {Uuids[provider]} changes the classes of its inventory.", nameof(changes));
                }
                inventories[indexes[i]] = new Inventory(provider, resourceClass, rows[i]);
            }
        }
        // Lists of anchors built from traits that changed hands no longer hold.
        var lists = new ConcurrentDictionary<long, int[]>(anchorLists.Where(entry =>
            !((AnchorList)(entry.Key >> 32) is AnchorList.WithTrait or AnchorList.RootsWithTrait && staleTraits.Contains((int)entry.Key))));
        return new ProviderSnapshot(this, usage, traitsOf, inventories, lists);
    }

    /// <summary>The same topology with new usage for the given inventory indexes.</summary>
    internal ProviderSnapshot WithUsage(IReadOnlyCollection<KeyValuePair<int, long>> changes) =>
        changes.Count == 0 ? this : new ProviderSnapshot(this, usage.With(changes));

    public int ProviderCount => Uuids.Length;

    /// <summary>Whether any provider has a parent (upstream switches code paths on this).</summary>
    public bool HasTrees { get; }

    /// <summary>Whether any provider has the MISC_SHARES_VIA_AGGREGATE trait.</summary>
    public bool HasSharingProviders { get; }

    /// <summary>Whether the database knows this trait (whether or not a provider has it).</summary>
    public bool TraitExists(string name) => traitIds.ContainsKey(name);

    /// <summary>Whether the database knows this resource class (whether or not a provider has inventory of it).</summary>
    public bool ResourceClassExists(string name) => classIds.ContainsKey(name);

    internal long Used(int inventory) => usage[inventory];

    /// <summary>Whether one request for <paramref name="amount"/> fits this inventory on its own.</summary>
    internal bool Fits(int inventory, int amount) => Inventories[inventory].Fits(usage[inventory], amount);

    internal bool TryGetTrait(string name, out int id) => traitIds.TryGetValue(name, out id);

    internal bool TryGetClass(string name, out int id) => classIds.TryGetValue(name, out id);

    internal bool TryGetAggregate(Guid uuid, out int id) => aggregateIds.TryGetValue(uuid, out id);

    internal bool TryGetProvider(Guid uuid, out int id) => providerIds.TryGetValue(uuid, out id);

    internal bool HasTrait(int provider, int trait) => Array.BinarySearch(TraitsOf[provider], trait) >= 0;

    internal bool InAggregate(int provider, int aggregate) => Array.BinarySearch(AggregatesOf[provider], aggregate) >= 0;

    /// <summary>The provider's inventory of a class, or -1.</summary>
    internal int InventoryOf(int provider, int resourceClass) => InventoryOfClass(InventoriesOf[provider], resourceClass);

    /// <summary>Which of these inventories is of the class, or -1.</summary>
    private int InventoryOfClass(ReadOnlySpan<int> inventories, int resourceClass)
    {
        foreach (var index in inventories)
        {
            if (Inventories[index].ResourceClass == resourceClass)
            {
                return index;
            }
        }
        return -1;
    }

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

    /// <summary>A one-element uuid list per provider, shared by the candidates that map a group to it alone.</summary>
    internal Guid[] SingleUuid(int provider) => singleUuids[provider] ??= [Uuids[provider]];

    /// <summary>Anchors that can reach an inventory of the class (in their tree or shared with them), ascending.</summary>
    internal int[] AnchorsWithClass(int resourceClass) =>
        anchorLists.GetOrAdd(ListKey(AnchorList.WithClass, resourceClass), _ => AnchorsOf(InventoriesByClass[resourceClass].Select(i => Inventories[i].Provider)));

    /// <summary>Anchors that can reach a provider with the trait, ascending.</summary>
    internal int[] AnchorsWithTrait(int trait) =>
        anchorLists.GetOrAdd(ListKey(AnchorList.WithTrait, trait), _ => AnchorsOf(Enumerable.Range(0, ProviderCount).Where(p => HasTrait(p, trait))));

    /// <summary>Anchors that can reach a provider of the aggregate (their root included), ascending.</summary>
    internal int[] AnchorsInAggregate(int aggregate) =>
        anchorLists.GetOrAdd(ListKey(AnchorList.InAggregate, aggregate), _ => AnchorsOf(ProvidersByAggregate[aggregate]));

    /// <summary>Roots with the trait, ascending.</summary>
    internal int[] RootsWithTrait(int trait) =>
        anchorLists.GetOrAdd(ListKey(AnchorList.RootsWithTrait, trait), _ => [.. RootList.Where(r => HasTrait(r, trait))]);

    private enum AnchorList
    {
        WithClass,
        WithTrait,
        InAggregate,
        RootsWithTrait,
    }

    private static long ListKey(AnchorList list, int id) => ((long)list << 32) | (uint)id;

    /// <summary>The anchors of these providers: their roots, and for sharing ones the anchors they share with.</summary>
    internal int[] AnchorsOf(IEnumerable<int> providers)
    {
        var anchors = new HashSet<int>();
        foreach (var p in providers)
        {
            anchors.Add(Roots[p]);
            if (IsSharing[p])
            {
                anchors.UnionWith(SharingAnchors[p]);
            }
        }
        return [.. anchors.Order()];
    }

    /// <summary>Per-request work arrays sized to this topology, reused across requests.</summary>
    internal EngineScratch RentScratch() =>
        scratchPool.TryTake(out var scratch) ? scratch : new EngineScratch(ProviderCount, Inventories.Length);

    /// <summary>
    /// Returns arrays that a request left clean (a request that failed half-way does not return its own). The pool keeps
    /// a few per core: more requests at once than that are rare, and each scratch is the size of the cloud.
    /// </summary>
    internal void ReturnScratch(EngineScratch scratch)
    {
        if (scratchPool.Count < 2 * Environment.ProcessorCount)
        {
            scratchPool.Add(scratch);
        }
    }

    /// <summary>Two ascending lists of distinct providers (tree members, providers of other trees), merged.</summary>
    private static int[] Merge(int[] members, List<int> shared)
    {
        var merged = new int[members.Length + shared.Count];
        int m = 0, s = 0;
        for (var i = 0; i < merged.Length; i++)
        {
            merged[i] = s == shared.Count || (m < members.Length && members[m] < shared[s]) ? members[m++] : shared[s++];
        }
        return merged;
    }

    /// <summary>The dense ids of these keys, sorted and distinct; an unknown key is an error, or left out when <paramref name="what"/> is null.</summary>
    private static int[] DenseIds(int[] keys, Dictionary<int, int> idOfKey, string? what, Guid provider)
    {
        if (keys.Length == 0)
        {
            return [];
        }
        var ids = new int[keys.Length];
        var count = 0;
        var sorted = true;
        foreach (var key in keys)
        {
            if (idOfKey.TryGetValue(key, out var id))
            {
                sorted &= count == 0 || ids[count - 1] < id;
                ids[count++] = id;
            }
            else if (what is not null)
            {
                throw new ArgumentException($"Provider {provider} has an unknown {what} {key}.", nameof(keys));
            }
        }
        if (sorted)
        {
            // The cache's keys come sorted and distinct, and dense ids keep their order.
            return count == ids.Length ? ids : ids[..count];
        }
        Array.Sort(ids, 0, count);
        var distinct = 0;
        for (var i = 0; i < count; i++)
        {
            if (distinct == 0 || ids[distinct - 1] != ids[i])
            {
                ids[distinct++] = ids[i];
            }
        }
        return ids[..distinct];
    }
}

/// <summary>An inventory row's fixed part, with its capacity precomputed the way upstream computes it.</summary>
internal readonly struct Inventory
{
    public Inventory(int provider, int resourceClass, InventoryRow row)
    {
        Provider = provider;
        ResourceClass = resourceClass;
        MinUnit = row.MinUnit;
        MaxUnit = row.MaxUnit;
        StepSize = row.StepSize;
        Capacity = (long)((row.Total - row.Reserved) * row.AllocationRatio);
    }

    public int Provider { get; }
    public int ResourceClass { get; }
    public int MinUnit { get; }
    public int MaxUnit { get; }
    public int StepSize { get; }
    public long Capacity { get; }

    /// <summary>Whether one request for <paramref name="amount"/> fits on its own, with <paramref name="used"/> already taken.</summary>
    public bool Fits(long used, int amount) =>
        used + amount <= Capacity && MinUnit <= amount && amount <= MaxUnit && StepSize > 0 && amount % StepSize == 0;
}
