namespace Placement.Api.AllocationCandidates.Engine;

/// <summary>One way to satisfy one request group on its own: which inventory serves each requested class.</summary>
internal sealed class GroupOption
{
    public GroupOption(int[] inventoryIndexes, int[] providers, bool allSharing)
    {
        InventoryIndexes = inventoryIndexes;
        Providers = providers;
        AllSharing = allSharing;
    }

    /// <summary>One inventory per class of the group, in the group's class order; empty for a resourceless group.</summary>
    public int[] InventoryIndexes { get; }

    /// <summary>The distinct providers used, sorted: the group's entry in the candidate's mappings.</summary>
    public int[] Providers { get; }

    /// <summary>Only sharing providers: the same option may then be offered under several anchors.</summary>
    public bool AllSharing { get; }
}

/// <summary>
/// Finds, for one request group, the options per anchor (root of the tree a candidate is built around),
/// following upstream master's research_context: a suffixed group (or any group when there are neither trees nor
/// sharing providers anywhere) is satisfied by one provider with every filter applied to that provider; the
/// unsuffixed group otherwise takes each class from any provider of the anchor tree or a sharing provider, with
/// member_of/forbidden aggregates checked on the provider or the anchor root, and required traits held collectively
/// by the providers used.
/// </summary>
internal sealed class GroupMatcher
{
    private readonly ProviderSnapshot snapshot;
    private readonly ResolvedGroup group;
    private readonly bool[]? allowedAnchors;
    private readonly Dictionary<int, List<GroupOption>> optionsByAnchor = [];

    private GroupMatcher(ProviderSnapshot snapshot, ResolvedGroup group, bool[]? allowedAnchors)
    {
        this.snapshot = snapshot;
        this.group = group;
        this.allowedAnchors = allowedAnchors;
    }

    /// <param name="allowedAnchors">Roots allowed by root_required, or null for all.</param>
    public static Dictionary<int, List<GroupOption>> OptionsByAnchor(
        ProviderSnapshot snapshot, ResolvedGroup group, bool[]? allowedAnchors)
    {
        var matcher = new GroupMatcher(snapshot, group, allowedAnchors);
        if (group.Granular || !(snapshot.HasTrees || snapshot.HasSharingProviders))
        {
            matcher.MatchSingleProviders();
        }
        else
        {
            matcher.MatchAcrossTree();
        }
        return matcher.optionsByAnchor;
    }

    private void MatchSingleProviders()
    {
        if (group.Classes.Length == 0)
        {
            // Upstream quirk, kept: a resourceless group matches only through a positive filter (required traits
            // or member_of), and its in_tree is not applied.
            if (group.Required.Length == 0 && group.MemberOf.Length == 0)
            {
                return;
            }
            for (var p = 0; p < snapshot.ProviderCount; p++)
            {
                if (PassesOwnFilters(p))
                {
                    AddSingleProviderOption(p, []);
                }
            }
            return;
        }

        foreach (var first in snapshot.InventoriesByClass[group.Classes[0]])
        {
            var inventory = snapshot.Inventories[first];
            var p = inventory.Provider;
            if (!inventory.Fits(group.Amounts[0])
                || (group.InTreeRoot >= 0 && snapshot.Roots[p] != group.InTreeRoot)
                || !PassesOwnFilters(p))
            {
                continue;
            }
            var indexes = new int[group.Classes.Length];
            indexes[0] = first;
            var fits = true;
            for (var i = 1; i < indexes.Length && fits; i++)
            {
                indexes[i] = FittingInventory(p, i);
                fits = indexes[i] >= 0;
            }
            if (fits)
            {
                AddSingleProviderOption(p, indexes);
            }
        }
    }

    private void AddSingleProviderOption(int provider, int[] inventoryIndexes)
    {
        var sharing = snapshot.IsSharing[provider];
        var option = new GroupOption(inventoryIndexes, [provider], sharing);
        var root = snapshot.Roots[provider];
        AddOption(root, option);
        if (sharing)
        {
            foreach (var anchor in snapshot.SharingAnchors[provider])
            {
                if (anchor != root)
                {
                    AddOption(anchor, option);
                }
            }
        }
    }

    private void AddOption(int anchor, GroupOption option)
    {
        if (allowedAnchors is not null && !allowedAnchors[anchor])
        {
            return;
        }
        if (!optionsByAnchor.TryGetValue(anchor, out var options))
        {
            optionsByAnchor[anchor] = options = [];
        }
        options.Add(option);
    }

    private void MatchAcrossTree()
    {
        // Per class: anchor -> inventories that can serve it for that anchor.
        var perClass = new Dictionary<int, List<int>>[group.Classes.Length];
        for (var i = 0; i < perClass.Length; i++)
        {
            perClass[i] = InventoriesByAnchor(i);
            if (perClass[i].Count == 0)
            {
                return;
            }
        }

        var anchors = perClass[0].Keys.Where(a => perClass.All(c => c.ContainsKey(a))).Order();
        var lists = new List<int>[perClass.Length];
        foreach (var anchor in anchors)
        {
            for (var i = 0; i < lists.Length; i++)
            {
                lists[i] = perClass[i][anchor];
            }
            AddCombinations(anchor, lists);
        }
    }

    private Dictionary<int, List<int>> InventoriesByAnchor(int classIndex)
    {
        var byAnchor = new Dictionary<int, List<int>>();
        foreach (var index in snapshot.InventoriesByClass[group.Classes[classIndex]])
        {
            var inventory = snapshot.Inventories[index];
            var p = inventory.Provider;
            // A provider with a forbidden trait would fail every combination; leave it out at once.
            if (!inventory.Fits(group.Amounts[classIndex])
                || (group.InTreeRoot >= 0 && snapshot.Roots[p] != group.InTreeRoot)
                || HasForbiddenTrait(p))
            {
                continue;
            }
            var root = snapshot.Roots[p];
            AddAnchoredInventory(byAnchor, p, root, index);
            // in_tree keeps every resource inside the named tree, so sharing is not considered.
            if (group.InTreeRoot < 0 && snapshot.IsSharing[p] && (group.MemberOf.Length == 0 || InAllMemberOf(p)))
            {
                foreach (var anchor in snapshot.SharingAnchors[p])
                {
                    if (anchor != root)
                    {
                        AddAnchoredInventory(byAnchor, p, anchor, index);
                    }
                }
            }
        }
        return byAnchor;
    }

    private void AddAnchoredInventory(Dictionary<int, List<int>> byAnchor, int provider, int anchor, int index)
    {
        if ((allowedAnchors is not null && !allowedAnchors[anchor])
            || (group.MemberOf.Length != 0 && !InAllMemberOf(provider) && !InAllMemberOf(anchor))
            || InForbiddenAggregate(provider) || InForbiddenAggregate(anchor))
        {
            return;
        }
        if (!byAnchor.TryGetValue(anchor, out var list))
        {
            byAnchor[anchor] = list = [];
        }
        list.Add(index);
    }

    /// <summary>Every choice of one inventory per class whose providers collectively have the required traits.</summary>
    private void AddCombinations(int anchor, List<int>[] lists)
    {
        var pick = new int[lists.Length];
        while (true)
        {
            var indexes = new int[lists.Length];
            for (var i = 0; i < lists.Length; i++)
            {
                indexes[i] = lists[i][pick[i]];
            }
            var providers = indexes.Select(i => snapshot.Inventories[i].Provider).Distinct().Order().ToArray();
            if (CollectivelyHasRequired(providers))
            {
                AddOption(anchor, new GroupOption(indexes, providers, providers.All(p => snapshot.IsSharing[p])));
            }

            var level = lists.Length - 1;
            while (level >= 0 && ++pick[level] == lists[level].Count)
            {
                pick[level--] = 0;
            }
            if (level < 0)
            {
                return;
            }
        }
    }

    private int FittingInventory(int provider, int classIndex)
    {
        foreach (var index in snapshot.InventoriesOf[provider])
        {
            var inventory = snapshot.Inventories[index];
            if (inventory.ResourceClass == group.Classes[classIndex])
            {
                return inventory.Fits(group.Amounts[classIndex]) ? index : -1;
            }
        }
        return -1;
    }

    private bool PassesOwnFilters(int p) =>
        CollectivelyHasRequired([p])
        && (group.MemberOf.Length == 0 || InAllMemberOf(p))
        && !InForbiddenAggregate(p)
        && !HasForbiddenTrait(p);

    private bool CollectivelyHasRequired(int[] providers)
    {
        foreach (var anyOf in group.Required)
        {
            if (!providers.Any(p => anyOf.Any(t => snapshot.HasTrait(p, t))))
            {
                return false;
            }
        }
        return true;
    }

    private bool HasForbiddenTrait(int p) => group.Forbidden.Any(t => snapshot.HasTrait(p, t));

    private bool InAllMemberOf(int p) => group.MemberOf.All(anyOf => anyOf.Any(a => snapshot.InAggregate(p, a)));

    private bool InForbiddenAggregate(int p) => group.ForbiddenAggregates.Any(a => snapshot.InAggregate(p, a));
}
