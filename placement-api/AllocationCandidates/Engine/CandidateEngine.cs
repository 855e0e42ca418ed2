using System.Text;

namespace Placement.Api.AllocationCandidates.Engine;

/// <summary>
/// Computes allocation candidates from a <see cref="ProviderSnapshot"/> with upstream Placement master's semantics.
/// Each group's options are found per anchor tree, then one option per group is combined by a backtracking
/// search that prunes invalid partial combinations and stops once the cap (max_allocation_candidates, and the
/// limit unless candidates are randomized) is reached.
/// </summary>
public static class CandidateEngine
{
    public static CandidateResult Find(ProviderSnapshot snapshot, CandidateRequest request, CandidateOptions options)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        if (request.Groups.Count == 0)
        {
            return CandidateResult.Empty;
        }

        var allowedAnchors = default(bool[]);
        if (request.RootRequiredTraits.Count != 0 || request.RootForbiddenTraits.Count != 0)
        {
            allowedAnchors = AllowedAnchors(snapshot, request);
            if (allowedAnchors is null)
            {
                return CandidateResult.Empty;
            }
        }

        var groups = new ResolvedGroup[request.Groups.Count];
        var optionsByGroup = new Dictionary<int, List<GroupOption>>[groups.Length];
        for (var g = 0; g < groups.Length; g++)
        {
            var resolved = ResolvedGroup.Resolve(snapshot, request.Groups[g]);
            if (resolved is null)
            {
                return CandidateResult.Empty;
            }
            groups[g] = resolved;
            optionsByGroup[g] = GroupMatcher.OptionsByAnchor(snapshot, resolved, allowedAnchors);
            if (optionsByGroup[g].Count == 0)
            {
                return CandidateResult.Empty;
            }
        }

        var cursors = optionsByGroup[0].Keys
            .Where(anchor => optionsByGroup.All(o => o.ContainsKey(anchor)))
            .Order()
            .Select(anchor => new AnchorCursor(anchor, [.. optionsByGroup.Select(o => o[anchor].ToArray())]))
            .ToList();

        var search = new CandidateSearch(snapshot, groups, request.GroupPolicy, request.SameSubtrees, request.NestedAware);
        var limit = request.Limit is > 0 ? request.Limit.Value : int.MaxValue;
        var cap = options.MaxAllocationCandidates >= 0 ? Math.Max(options.MaxAllocationCandidates, 1) : int.MaxValue;
        if (!options.Randomize)
        {
            cap = Math.Min(cap, limit);
        }

        var found = Generate(snapshot, groups, search, cursors, options.Strategy, cap);
        if (options.Randomize)
        {
            Shuffle(found, Math.Min(limit, found.Count), options.Random ?? Random.Shared);
        }
        if (found.Count > limit)
        {
            found.RemoveRange(limit, found.Count - limit);
        }
        return Render(snapshot, groups, found, request.NestedAware);
    }

    /// <summary>Roots satisfying root_required, or null when none does.</summary>
    private static bool[]? AllowedAnchors(ProviderSnapshot snapshot, CandidateRequest request)
    {
        var required = new int[request.RootRequiredTraits.Count];
        for (var i = 0; i < required.Length; i++)
        {
            if (!snapshot.TryGetTrait(request.RootRequiredTraits[i], out required[i]))
            {
                return null;
            }
        }
        var forbidden = ResolvedGroup.KnownIds(request.RootForbiddenTraits, (string t, out int id) => snapshot.TryGetTrait(t, out id));
        var allowed = new bool[snapshot.ProviderCount];
        var any = false;
        for (var p = 0; p < allowed.Length; p++)
        {
            allowed[p] = snapshot.Parents[p] < 0
                && required.All(t => snapshot.HasTrait(p, t))
                && !forbidden.Any(t => snapshot.HasTrait(p, t));
            any |= allowed[p];
        }
        return any ? allowed : null;
    }

    private static List<GroupOption[]> Generate(
        ProviderSnapshot snapshot, ResolvedGroup[] groups, CandidateSearch search,
        List<AnchorCursor> cursors, GenerationStrategy strategy, int cap)
    {
        var found = new List<GroupOption[]>();
        // Only a candidate made of sharing providers alone can come up under several anchors.
        var seenShared = new HashSet<string>(StringComparer.Ordinal);

        bool Accept(GroupOption[] candidate)
        {
            if (candidate.All(o => o.AllSharing) && !seenShared.Add(SharedKey(snapshot, groups, candidate)))
            {
                return false;
            }
            found.Add(candidate);
            return found.Count >= cap;
        }

        if (strategy == GenerationStrategy.DepthFirst)
        {
            foreach (var cursor in cursors)
            {
                while (cursor.Next(search) is { } candidate)
                {
                    if (Accept(candidate))
                    {
                        return found;
                    }
                }
            }
            return found;
        }

        var active = new List<AnchorCursor>(cursors);
        while (active.Count != 0)
        {
            var kept = 0;
            for (var i = 0; i < active.Count; i++)
            {
                var cursor = active[i];
                if (cursor.Next(search) is not { } candidate)
                {
                    continue;
                }
                if (Accept(candidate))
                {
                    return found;
                }
                active[kept++] = cursor;
            }
            active.RemoveRange(kept, active.Count - kept);
        }
        return found;
    }

    /// <summary>Identity of a candidate as upstream compares them: summed amounts per inventory plus the mappings.</summary>
    private static string SharedKey(ProviderSnapshot snapshot, ResolvedGroup[] groups, GroupOption[] candidate)
    {
        var key = new StringBuilder();
        foreach (var (index, amount) in Consolidate(groups, candidate).OrderBy(x => x.Key))
        {
            key.Append(index).Append(':').Append(amount).Append(',');
        }
        for (var g = 0; g < candidate.Length; g++)
        {
            key.Append('|').AppendJoin(',', candidate[g].Providers.Select(p => snapshot.Uuids[p]));
        }
        return key.ToString();
    }

    /// <summary>Amounts summed per inventory, in order of first use.</summary>
    private static List<KeyValuePair<int, int>> Consolidate(ResolvedGroup[] groups, GroupOption[] candidate)
    {
        var sums = new List<KeyValuePair<int, int>>();
        for (var g = 0; g < candidate.Length; g++)
        {
            var indexes = candidate[g].InventoryIndexes;
            for (var j = 0; j < indexes.Length; j++)
            {
                var at = sums.FindIndex(s => s.Key == indexes[j]);
                var amount = groups[g].Amounts[j];
                if (at < 0)
                {
                    sums.Add(new(indexes[j], amount));
                }
                else
                {
                    sums[at] = new(indexes[j], sums[at].Value + amount);
                }
            }
        }
        return sums;
    }

    /// <summary>Upstream's random.sample (first <paramref name="count"/> items) or random.shuffle (all of them).</summary>
    private static void Shuffle(List<GroupOption[]> items, int count, Random random)
    {
        for (var i = 0; i < count; i++)
        {
            var j = random.Next(i, items.Count);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static CandidateResult Render(
        ProviderSnapshot snapshot, ResolvedGroup[] groups, List<GroupOption[]> found, bool nestedAware)
    {
        var requests = new List<AllocationCandidate>(found.Count);
        var allocated = new SortedSet<int>();
        foreach (var candidate in found)
        {
            var allocations = new List<ProviderAllocation>();
            var byProvider = new Dictionary<int, List<ResourceAmount>>();
            foreach (var (index, amount) in Consolidate(groups, candidate))
            {
                var inventory = snapshot.Inventories[index];
                if (!byProvider.TryGetValue(inventory.Provider, out var resources))
                {
                    byProvider[inventory.Provider] = resources = [];
                    allocations.Add(new ProviderAllocation(snapshot.Uuids[inventory.Provider], resources));
                    allocated.Add(inventory.Provider);
                }
                resources.Add(new ResourceAmount(snapshot.ClassNames[inventory.ResourceClass], amount));
            }
            var mappings = new List<KeyValuePair<string, IReadOnlyList<Guid>>>(candidate.Length);
            for (var g = 0; g < candidate.Length; g++)
            {
                mappings.Add(new(groups[g].Suffix, [.. candidate[g].Providers.Select(p => snapshot.Uuids[p])]));
            }
            requests.Add(new AllocationCandidate(allocations, mappings));
        }

        // Whole trees of the allocated providers; below 1.29 (with trees) only the allocated providers themselves.
        IEnumerable<int> summarized = nestedAware || !snapshot.HasTrees
            ? allocated.Select(p => snapshot.Roots[p]).Distinct().Order().SelectMany(root => snapshot.TreeMembers[root])
            : allocated;
        var summaries = summarized.Select(p => Summary(snapshot, p)).ToList();
        return new CandidateResult(requests, summaries);
    }

    private static ProviderSummary Summary(ProviderSnapshot snapshot, int p)
    {
        var resources = snapshot.InventoriesOf[p]
            .Select(i => snapshot.Inventories[i])
            .Select(inv => new SummaryResource(snapshot.ClassNames[inv.ResourceClass], inv.Capacity, inv.Used))
            .ToList();
        var traits = snapshot.TraitsOf[p].Select(t => snapshot.TraitNames[t]).Order(StringComparer.Ordinal).ToList();
        var parent = snapshot.Parents[p];
        return new ProviderSummary(
            snapshot.Uuids[p], snapshot.Uuids[snapshot.Roots[p]], parent < 0 ? null : snapshot.Uuids[parent], resources, traits);
    }
}
