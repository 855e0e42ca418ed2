namespace Placement.Api.AllocationCandidates.Engine;

/// <summary>
/// The request-wide state of the backtracking search: amounts added so far per inventory and providers taken by
/// suffixed groups. Choosing an option for a group is refused at once when it would exceed a capacity or max_unit,
/// reuse a provider under group_policy=isolate, break a same_subtree constraint completed by that group, or leave
/// less in the anchor's reach than the later groups still need (free capacity per class; distinct providers under
/// isolate), so no invalid combination is extended and hopeless prefixes are abandoned early.
/// </summary>
internal sealed class CandidateSearch
{
    private readonly ProviderSnapshot snapshot;
    private readonly ResolvedGroup[] groups;
    private readonly bool isolate;
    private readonly bool rejectSameTreeProviders;
    private readonly EngineScratch scratch;
    private readonly long[] added;
    private readonly int[] takenByGranular;
    private readonly int[] inventoryStamp;

    // Group indexes of each same_subtree constraint, listed under the group (level) that completes it.
    private readonly int[][][] subtreeChecksAt;
    private readonly List<int> subtreeProviders = [];

    // Requested classes are numbered 0..ClassCount-1 ("class slots"); per group, the slot of each of its resources.
    private readonly int[][] slotsOf;

    // demandFrom[level][slot]: what the groups from this level on still ask of each class.
    private readonly long[][] demandFrom;

    // Under isolate, how many suffixed groups there are from each level on.
    private readonly int[] granularFrom;

    public CandidateSearch(
        ProviderSnapshot snapshot, ResolvedGroup[] groups, GroupPolicy policy,
        IReadOnlyList<IReadOnlyList<string>> sameSubtrees, bool nestedAware, EngineScratch scratch, SearchBudget budget)
    {
        this.snapshot = snapshot;
        this.groups = groups;
        this.scratch = scratch;
        Budget = budget;
        isolate = policy == GroupPolicy.Isolate;
        rejectSameTreeProviders = !nestedAware && snapshot.HasTrees;
        added = scratch.Added;
        inventoryStamp = scratch.InventoryStamp;
        takenByGranular = scratch.TakenByGranular;

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

        var slotOfClass = new Dictionary<int, int>();
        slotsOf = [.. groups.Select(g => g.Classes.Select(c => slotOfClass.TryGetValue(c, out var slot) ? slot : slotOfClass[c] = slotOfClass.Count).ToArray())];
        ClassCount = slotOfClass.Count;
        demandFrom = new long[groups.Length + 1][];
        demandFrom[groups.Length] = new long[ClassCount];
        for (var level = groups.Length - 1; level >= 0; level--)
        {
            demandFrom[level] = (long[])demandFrom[level + 1].Clone();
            for (var j = 0; j < slotsOf[level].Length; j++)
            {
                demandFrom[level][slotsOf[level][j]] += groups[level].Amounts[j];
            }
        }
        granularFrom = new int[groups.Length + 1];
        for (var level = groups.Length - 1; level >= 0; level--)
        {
            granularFrom[level] = granularFrom[level + 1] + (isolate && groups[level].Granular ? 1 : 0);
        }
    }

    public int ClassCount { get; }

    public SearchBudget Budget { get; }

    /// <summary>
    /// What one anchor's options can still give: per requested class, the free capacity of every inventory in
    /// reach capped by its max_unit; under isolate, the distinct providers of suffixed groups not taken yet.
    /// Null when that cannot even cover the whole request.
    /// </summary>
    public AnchorReach? Reach(GroupOption[][] optionsByLevel)
    {
        var free = new long[ClassCount];
        var providers = new HashSet<int>();
        var stamp = scratch.NextInventoryStamp();
        for (var level = 0; level < optionsByLevel.Length; level++)
        {
            var countProviders = isolate && groups[level].Granular;
            foreach (var option in optionsByLevel[level])
            {
                if (countProviders)
                {
                    providers.Add(option.Providers[0]);
                }
                for (var j = 0; j < option.InventoryIndexes.Length; j++)
                {
                    var index = option.InventoryIndexes[j];
                    if (inventoryStamp[index] != stamp)
                    {
                        inventoryStamp[index] = stamp;
                        var inventory = snapshot.Inventories[index];
                        free[slotsOf[level][j]] += Math.Max(0, Math.Min(inventory.Capacity - snapshot.Used(index), inventory.MaxUnit));
                    }
                }
            }
        }
        var reach = new AnchorReach(free, providers.Count);
        return reach.Covers(demandFrom[0], granularFrom[0]) ? reach : null;
    }

    /// <summary>Applies <paramref name="option"/> for group <paramref name="level"/> if the partial candidate stays valid.</summary>
    /// <param name="reach">The anchor's <see cref="Reach"/>, kept up to date.</param>
    public bool TryApply(int level, GroupOption option, GroupOption[] chosen, AnchorReach reach)
    {
        var amounts = groups[level].Amounts;
        var indexes = option.InventoryIndexes;
        Budget.Tick();
        for (var j = 0; j < indexes.Length; j++)
        {
            var inventory = snapshot.Inventories[indexes[j]];
            var total = added[indexes[j]] + amounts[j];
            if (snapshot.Used(indexes[j]) + total > inventory.Capacity || total > inventory.MaxUnit)
            {
                return false;
            }
        }
        var granular = isolate && groups[level].Granular;
        if (granular && takenByGranular[option.Providers[0]] != 0)
        {
            return false;
        }

        var slots = slotsOf[level];
        for (var j = 0; j < indexes.Length; j++)
        {
            added[indexes[j]] += amounts[j];
            reach.Free[slots[j]] -= amounts[j];
        }
        if (granular)
        {
            takenByGranular[option.Providers[0]]++;
            reach.UntakenProviders--;
        }
        chosen[level] = option;

        if (granularFrom[level + 1] > reach.UntakenProviders)
        {
            Undo(level, option, reach);
            return false;
        }
        var remaining = demandFrom[level + 1];
        for (var j = 0; j < slots.Length; j++)
        {
            if (remaining[slots[j]] > reach.Free[slots[j]])
            {
                Undo(level, option, reach);
                return false;
            }
        }
        foreach (var members in subtreeChecksAt[level])
        {
            if (!InSameSubtree(members, chosen))
            {
                Undo(level, option, reach);
                return false;
            }
        }
        return true;
    }

    /// <summary>Reverts a successful <see cref="TryApply"/>.</summary>
    public void Undo(int level, GroupOption option, AnchorReach reach)
    {
        var amounts = groups[level].Amounts;
        var indexes = option.InventoryIndexes;
        var slots = slotsOf[level];
        for (var j = 0; j < indexes.Length; j++)
        {
            added[indexes[j]] -= amounts[j];
            reach.Free[slots[j]] += amounts[j];
        }
        if (isolate && groups[level].Granular)
        {
            takenByGranular[option.Providers[0]]--;
            reach.UntakenProviders++;
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
    private readonly AnchorReach reach;
    private bool started;
    private bool exhausted;

    public AnchorCursor(CandidateSearch search, GroupOption[][] options)
    {
        this.options = options;
        choice = new int[options.Length];
        chosen = new GroupOption[options.Length];
        var inReach = search.Reach(options);
        reach = inReach ?? new AnchorReach([], 0);
        exhausted = inReach is null;
    }

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
                search.TryApply(l, options[l][choice[l]], chosen, reach);
            }
            level = last;
        }

        while (true)
        {
            var levelOptions = options[level];
            var i = choice[level] + 1;
            while (i < levelOptions.Length && !search.TryApply(level, levelOptions[i], chosen, reach))
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
                search.Undo(level, chosen[level], reach);
                continue;
            }
            if (level < last)
            {
                choice[++level] = -1;
                continue;
            }
            if (!search.Accepts(chosen))
            {
                search.Undo(level, chosen[level], reach);
                continue;
            }
            var candidate = (GroupOption[])chosen.Clone();
            for (var l = last; l >= 0; l--)
            {
                search.Undo(l, chosen[l], reach);
            }
            return candidate;
        }
    }
}

/// <summary>The mutable bound of one anchor's search (see <see cref="CandidateSearch.Reach"/>).</summary>
internal sealed class AnchorReach
{
    public AnchorReach(long[] free, int untakenProviders)
    {
        Free = free;
        UntakenProviders = untakenProviders;
    }

    /// <summary>Per class slot.</summary>
    public long[] Free { get; }

    public int UntakenProviders { get; set; }

    public bool Covers(long[] demand, int granularGroups)
    {
        if (granularGroups > UntakenProviders)
        {
            return false;
        }
        for (var slot = 0; slot < Free.Length; slot++)
        {
            if (Free[slot] < demand[slot])
            {
                return false;
            }
        }
        return true;
    }
}
