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
/// Finds one request group's options at one anchor (root of the tree a candidate is built around), among the
/// providers that anchor reaches, in provider order, following upstream master's research_context: a suffixed
/// group (or any group when there are neither trees nor sharing providers anywhere) is satisfied by one provider
/// with every filter applied to that provider; the unsuffixed group otherwise takes each class from any provider
/// of the anchor tree or a sharing provider, with member_of/forbidden aggregates checked on the provider or the
/// anchor root, and required traits held collectively by the providers used.
/// </summary>
internal sealed class GroupMatcher
{
    private readonly ProviderSnapshot snapshot;
    private readonly ResolvedGroup group;
    private readonly bool singleProvider;

    public GroupMatcher(ProviderSnapshot snapshot, ResolvedGroup group)
    {
        this.snapshot = snapshot;
        this.group = group;
        singleProvider = group.Granular || !(snapshot.HasTrees || snapshot.HasSharingProviders);
    }

    /// <summary>
    /// Lists of anchors, each holding every anchor this group has options at, known without looking at usage: per
    /// class, per single required trait, per single member_of aggregate, and the tree named by in_tree.
    /// </summary>
    public IEnumerable<int[]> AnchorSupersets()
    {
        foreach (var resourceClass in group.Classes)
        {
            yield return snapshot.AnchorsWithClass(resourceClass);
        }
        foreach (var anyOf in group.Required)
        {
            if (anyOf.Length == 1)
            {
                yield return snapshot.AnchorsWithTrait(anyOf[0]);
            }
        }
        foreach (var anyOf in group.MemberOf)
        {
            if (anyOf.Length == 1)
            {
                yield return snapshot.AnchorsInAggregate(anyOf[0]);
            }
        }
        // A resourceless group ignores in_tree (see OptionsAt).
        if (group.InTreeRoot >= 0 && group.Classes.Length != 0)
        {
            yield return singleProvider
                ? snapshot.AnchorsOf(snapshot.TreeMembers[group.InTreeRoot])
                : [group.InTreeRoot];
        }
    }

    /// <summary>This group's options at <paramref name="anchor"/>; empty when there are none.</summary>
    public List<GroupOption> OptionsAt(int anchor, SearchBudget budget) =>
        singleProvider ? SingleProviderOptions(anchor, budget) : AcrossTreeOptions(anchor, budget);

    private List<GroupOption> SingleProviderOptions(int anchor, SearchBudget budget)
    {
        var options = new List<GroupOption>();
        // Upstream quirk, kept: a resourceless group matches only through a positive filter (required traits
        // or member_of), and its in_tree is not applied.
        if (group.Classes.Length == 0 && group.Required.Length == 0 && group.MemberOf.Length == 0)
        {
            return options;
        }
        foreach (var p in snapshot.Reachable[anchor])
        {
            budget.Tick();
            if (group.Classes.Length != 0 && group.InTreeRoot >= 0 && snapshot.Roots[p] != group.InTreeRoot)
            {
                continue;
            }
            var indexes = new int[group.Classes.Length];
            var fits = true;
            for (var i = 0; i < indexes.Length && fits; i++)
            {
                indexes[i] = snapshot.InventoryOf(p, group.Classes[i]);
                fits = indexes[i] >= 0 && snapshot.Fits(indexes[i], group.Amounts[i]);
            }
            if (fits && PassesOwnFilters(p))
            {
                options.Add(new GroupOption(indexes, [p], snapshot.IsSharing[p]));
            }
        }
        return options;
    }

    private List<GroupOption> AcrossTreeOptions(int anchor, SearchBudget budget)
    {
        var options = new List<GroupOption>();
        if ((group.InTreeRoot >= 0 && anchor != group.InTreeRoot) || InForbiddenAggregate(anchor))
        {
            return options;
        }
        // Per class: the inventories that can serve it here.
        var lists = new List<int>[group.Classes.Length];
        for (var i = 0; i < lists.Length; i++)
        {
            lists[i] = [];
        }
        var anchorInMemberOf = group.MemberOf.Length == 0 || InAllMemberOf(anchor);
        foreach (var p in snapshot.Reachable[anchor])
        {
            budget.Tick();
            var shared = snapshot.Roots[p] != anchor;
            // in_tree keeps every resource inside the named tree, so sharing is not considered; a shared provider
            // must itself be in the member_of aggregates. A provider with a forbidden trait would fail every
            // combination: leave it out at once.
            if ((shared && (group.InTreeRoot >= 0 || (group.MemberOf.Length != 0 && !InAllMemberOf(p))))
                || (!anchorInMemberOf && !InAllMemberOf(p))
                || InForbiddenAggregate(p)
                || HasForbiddenTrait(p))
            {
                continue;
            }
            for (var i = 0; i < lists.Length; i++)
            {
                var index = snapshot.InventoryOf(p, group.Classes[i]);
                if (index >= 0 && snapshot.Fits(index, group.Amounts[i]))
                {
                    lists[i].Add(index);
                }
            }
        }
        if (lists.Length == 0 || Array.Exists(lists, l => l.Count == 0))
        {
            return options;
        }
        AddCombinations(lists, options, budget);
        return options;
    }

    /// <summary>Every choice of one inventory per class whose providers collectively have the required traits.</summary>
    private void AddCombinations(List<int>[] lists, List<GroupOption> options, SearchBudget budget)
    {
        var pick = new int[lists.Length];
        while (true)
        {
            budget.Tick();
            var indexes = new int[lists.Length];
            for (var i = 0; i < lists.Length; i++)
            {
                indexes[i] = lists[i][pick[i]];
            }
            var providers = indexes.Select(i => snapshot.Inventories[i].Provider).Distinct().Order().ToArray();
            if (CollectivelyHasRequired(providers))
            {
                options.Add(new GroupOption(indexes, providers, providers.All(p => snapshot.IsSharing[p])));
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
