namespace Placement.Api.AllocationCandidates.Engine;

/// <summary>
/// The request-wide state of the backtracking search: amounts added so far per inventory and providers taken by
/// suffixed groups. Choosing an option for a group is refused at once when it would exceed a capacity or max_unit,
/// reuse a provider under group_policy=isolate, or break a same_subtree constraint completed by that group, so
/// no invalid combination is ever extended.
/// </summary>
internal sealed class CandidateSearch
{
    private readonly ProviderSnapshot snapshot;
    private readonly ResolvedGroup[] groups;
    private readonly bool isolate;
    private readonly bool rejectSameTreeProviders;
    private readonly long[] added;
    private readonly int[] takenByGranular;

    // Group indexes of each same_subtree constraint, listed under the group (level) that completes it.
    private readonly int[][][] subtreeChecksAt;
    private readonly List<int> subtreeProviders = [];

    public CandidateSearch(
        ProviderSnapshot snapshot, ResolvedGroup[] groups, GroupPolicy policy,
        IReadOnlyList<IReadOnlyList<string>> sameSubtrees, bool nestedAware)
    {
        this.snapshot = snapshot;
        this.groups = groups;
        isolate = policy == GroupPolicy.Isolate;
        rejectSameTreeProviders = !nestedAware && snapshot.HasTrees;
        added = new long[snapshot.Inventories.Length];
        takenByGranular = isolate ? new int[snapshot.ProviderCount] : [];

        var checks = Enumerable.Range(0, groups.Length).Select(_ => new List<int[]>()).ToArray();
        foreach (var suffixes in sameSubtrees)
        {
            // Suffixes not in the request are ignored, as upstream does.
            var members = groups.Select((g, i) => (g, i)).Where(x => suffixes.Contains(x.g.Suffix)).Select(x => x.i).ToArray();
            if (members.Length != 0)
            {
                checks[members[^1]].Add(members);
            }
        }
        subtreeChecksAt = [.. checks.Select(c => c.ToArray())];
    }

    public int GroupCount => groups.Length;

    /// <summary>Applies <paramref name="option"/> for group <paramref name="level"/> if the partial candidate stays valid.</summary>
    public bool TryApply(int level, GroupOption option, GroupOption[] chosen)
    {
        var amounts = groups[level].Amounts;
        var indexes = option.InventoryIndexes;
        for (var j = 0; j < indexes.Length; j++)
        {
            var inventory = snapshot.Inventories[indexes[j]];
            var total = added[indexes[j]] + amounts[j];
            if (inventory.Used + total > inventory.Capacity || total > inventory.MaxUnit)
            {
                return false;
            }
        }
        var granular = isolate && groups[level].Granular;
        if (granular && takenByGranular[option.Providers[0]] != 0)
        {
            return false;
        }

        for (var j = 0; j < indexes.Length; j++)
        {
            added[indexes[j]] += amounts[j];
        }
        if (granular)
        {
            takenByGranular[option.Providers[0]]++;
        }
        chosen[level] = option;

        foreach (var members in subtreeChecksAt[level])
        {
            if (!InSameSubtree(members, chosen))
            {
                Undo(level, option);
                return false;
            }
        }
        return true;
    }

    /// <summary>Reverts a successful <see cref="TryApply"/>.</summary>
    public void Undo(int level, GroupOption option)
    {
        var amounts = groups[level].Amounts;
        var indexes = option.InventoryIndexes;
        for (var j = 0; j < indexes.Length; j++)
        {
            added[indexes[j]] -= amounts[j];
        }
        if (isolate && groups[level].Granular)
        {
            takenByGranular[option.Providers[0]]--;
        }
    }

    /// <summary>Final check of a complete candidate: below 1.29, no two allocated providers of one tree.</summary>
    public bool Accepts(GroupOption[] chosen)
    {
        if (!rejectSameTreeProviders)
        {
            return true;
        }
        var providerOfRoot = new Dictionary<int, int>();
        foreach (var option in chosen)
        {
            foreach (var index in option.InventoryIndexes)
            {
                var p = snapshot.Inventories[index].Provider;
                if (providerOfRoot.TryGetValue(snapshot.Roots[p], out var other) && other != p)
                {
                    return false;
                }
                providerOfRoot[snapshot.Roots[p]] = p;
            }
        }
        return true;
    }

    /// <summary>One of the providers of these groups is an ancestor (or itself) of all the others.</summary>
    private bool InSameSubtree(int[] members, GroupOption[] chosen)
    {
        subtreeProviders.Clear();
        foreach (var member in members)
        {
            foreach (var p in chosen[member].Providers)
            {
                if (!subtreeProviders.Contains(p))
                {
                    subtreeProviders.Add(p);
                }
            }
        }
        foreach (var top in subtreeProviders)
        {
            var isTop = true;
            foreach (var p in subtreeProviders)
            {
                if (!snapshot.IsAncestorOrSelf(top, p))
                {
                    isTop = false;
                    break;
                }
            }
            if (isTop)
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>
/// A resumable depth-first walk over the option lists of one anchor: each call returns the next valid complete
/// candidate. It leaves the shared search state clean between calls, so cursors of several anchors can be
/// interleaved (breadth-first strategy).
/// </summary>
internal sealed class AnchorCursor
{
    private readonly GroupOption[][] options;
    private readonly int[] choice;
    private readonly GroupOption[] chosen;
    private bool started;
    private bool exhausted;

    public AnchorCursor(int anchor, GroupOption[][] options)
    {
        Anchor = anchor;
        this.options = options;
        choice = new int[options.Length];
        chosen = new GroupOption[options.Length];
    }

    public int Anchor { get; }

    public GroupOption[]? Next(CandidateSearch search)
    {
        if (exhausted)
        {
            return null;
        }
        var last = options.Length - 1;
        int level;
        if (!started)
        {
            started = true;
            level = 0;
            choice[0] = -1;
        }
        else
        {
            // Re-apply the prefix that led to the previous candidate; the last level moves on below.
            for (var l = 0; l < last; l++)
            {
                search.TryApply(l, options[l][choice[l]], chosen);
            }
            level = last;
        }

        while (true)
        {
            var levelOptions = options[level];
            var i = choice[level] + 1;
            while (i < levelOptions.Length && !search.TryApply(level, levelOptions[i], chosen))
            {
                i++;
            }
            choice[level] = i;
            if (i == levelOptions.Length)
            {
                if (level == 0)
                {
                    exhausted = true;
                    return null;
                }
                level--;
                search.Undo(level, chosen[level]);
                continue;
            }
            if (level < last)
            {
                choice[++level] = -1;
                continue;
            }
            if (!search.Accepts(chosen))
            {
                search.Undo(level, chosen[level]);
                continue;
            }
            var candidate = (GroupOption[])chosen.Clone();
            for (var l = last; l >= 0; l--)
            {
                search.Undo(l, chosen[l]);
            }
            return candidate;
        }
    }
}
