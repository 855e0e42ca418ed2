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

        var search = new CandidateSearch(snapshot, groups, request.GroupPolicy, request.SameSubtrees, request.NestedAware);
        var cursors = optionsByGroup[0].Keys
            .Where(anchor => optionsByGroup.All(o => o.ContainsKey(anchor)))
            .Order()
            // Lazy: depth-first builds a cursor only when the previous anchors did not reach the cap.
            .Select(anchor => new AnchorCursor(search, [.. optionsByGroup.Select(o => o[anchor].ToArray())]));

        var limit = request.Limit is > 0 ? request.Limit.Value : int.MaxValue;
        var cap = options.MaxAllocationCandidates >= 0 ? Math.Max(options.MaxAllocationCandidates, 1) : int.MaxValue;
        // Below 1.29 with trees, the summaries depend on every generated candidate, not only the returned ones.
        var summariesNeedAll = !request.NestedAware && snapshot.HasTrees;
        if (!options.Randomize && !summariesNeedAll)
        {
            cap = Math.Min(cap, limit);
        }

        var renderer = new CandidateRenderer(snapshot, groups);
        var found = Generate(renderer, search, cursors, options.Strategy, cap);
        if (options.Randomize)
        {
            Shuffle(found, Math.Min(limit, found.Count), options.Random ?? Random.Shared);
        }
        return renderer.Render(found, Math.Min(limit, found.Count), request.NestedAware);
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
        CandidateRenderer renderer, CandidateSearch search, IEnumerable<AnchorCursor> cursors, GenerationStrategy strategy, int cap)
    {
        var found = new List<GroupOption[]>();
        // Only a candidate made of sharing providers alone can come up under several anchors.
        var seenShared = new HashSet<string>(StringComparer.Ordinal);

        bool Accept(GroupOption[] candidate)
        {
            if (candidate.All(o => o.AllSharing) && !seenShared.Add(renderer.Key(candidate)))
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

        var active = cursors.ToList();
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

    /// <summary>Upstream's random.sample (first <paramref name="count"/> items) or random.shuffle (all of them).</summary>
    private static void Shuffle(List<GroupOption[]> items, int count, Random random)
    {
        for (var i = 0; i < count; i++)
        {
            var j = random.Next(i, items.Count);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
