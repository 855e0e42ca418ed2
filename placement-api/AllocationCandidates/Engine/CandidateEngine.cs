namespace Placement.Api.AllocationCandidates.Engine;

/// <summary>
/// Computes allocation candidates from a <see cref="ProviderSnapshot"/> with upstream Placement master's semantics.
/// Anchors (tree roots) are visited in ascending order, from the shortest list known to hold every viable one;
/// at each, every group's options are found, then one option per group is combined by a backtracking search that
/// prunes invalid partial combinations. Generation stops once the cap is reached (max_allocation_candidates, and
/// the limit unless candidates are randomized), so the work follows the size of the answer, not of the cloud.
/// <para>
/// Order: without randomization, candidates come anchor by anchor in ascending provider id (the order providers
/// were created in), and within an anchor in the order of its providers. Upstream promises "a deterministic but
/// undefined order" and cuts at the limit after building everything; any deterministic order is as valid, and
/// this one lets the limit cut the work too.
/// </para>
/// </summary>
public static class CandidateEngine
{
    public static CandidateResult Find(
        ProviderSnapshot snapshot, CandidateRequest request, CandidateOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        if (request.Groups.Count == 0 || RootFilter.Resolve(snapshot, request) is not { } rootFilter)
        {
            return CandidateResult.Empty;
        }

        var groups = new ResolvedGroup[request.Groups.Count];
        var matchers = new GroupMatcher[groups.Length];
        for (var g = 0; g < groups.Length; g++)
        {
            if (ResolvedGroup.Resolve(snapshot, request.Groups[g]) is not { } resolved)
            {
                return CandidateResult.Empty;
            }
            groups[g] = resolved;
            matchers[g] = new GroupMatcher(snapshot, resolved);
        }

        var limit = request.Limit is > 0 ? request.Limit.Value : int.MaxValue;
        var cap = options.MaxAllocationCandidates >= 0 ? Math.Max(options.MaxAllocationCandidates, 1) : int.MaxValue;
        // Below 1.29 with trees, the summaries depend on every generated candidate, not only the returned ones.
        var summariesNeedAll = !request.NestedAware && snapshot.HasTrees;
        if (!options.Randomize && !summariesNeedAll)
        {
            cap = Math.Min(cap, limit);
        }

        var budget = new SearchBudget(options.TimeLimit, options.Clock, cancellation);
        var scratch = snapshot.RentScratch();
        var search = new CandidateSearch(snapshot, groups, request.GroupPolicy, request.SameSubtrees, request.NestedAware, scratch, budget);
        var renderer = new CandidateRenderer(snapshot, groups, scratch);
        var found = new List<GroupOption[]>();
        try
        {
            Generate(found, renderer, search, Cursors(snapshot, rootFilter, matchers, search), options.Strategy, cap);
        }
        catch (SearchBudgetExhaustedException)
        {
            // Cut short: what was found so far is the answer. The scratch arrays were left mid-search: not pooled.
            return Finish(snapshot, renderer, found, limit, request, options) with { ReachedTimeLimit = true };
        }
        var result = Finish(snapshot, renderer, found, limit, request, options);
        snapshot.ReturnScratch(scratch);
        return result;
    }

    private static CandidateResult Finish(
        ProviderSnapshot snapshot, CandidateRenderer renderer, List<GroupOption[]> found, int limit, CandidateRequest request, CandidateOptions options)
    {
        if (options.Randomize)
        {
            Shuffle(found, Math.Min(limit, found.Count), options.Random ?? Random.Shared);
        }
        return renderer.Render(found, Math.Min(limit, found.Count), request.NestedAware || !snapshot.HasTrees);
    }

    /// <summary>One cursor per anchor that every group has options at, lazily, in ascending anchor order.</summary>
    private static IEnumerable<AnchorCursor> Cursors(ProviderSnapshot snapshot, RootFilter rootFilter, GroupMatcher[] matchers, CandidateSearch search)
    {
        var anchors = matchers.SelectMany(m => m.AnchorSupersets())
            .Concat(rootFilter.AnchorSupersets(snapshot))
            .Append(snapshot.RootList)
            .MinBy(list => list.Length)!;
        var optionsByLevel = new GroupOption[matchers.Length][];
        foreach (var anchor in anchors)
        {
            search.Budget.Tick();
            if (!rootFilter.Allows(snapshot, anchor))
            {
                continue;
            }
            var viable = true;
            for (var g = 0; g < matchers.Length && viable; g++)
            {
                var options = matchers[g].OptionsAt(anchor, search.Budget);
                optionsByLevel[g] = [.. options];
                viable = options.Count != 0;
            }
            if (viable)
            {
                yield return new AnchorCursor(search, [.. optionsByLevel]);
            }
        }
    }

    private static void Generate(
        List<GroupOption[]> found, CandidateRenderer renderer, CandidateSearch search, IEnumerable<AnchorCursor> cursors,
        GenerationStrategy strategy, int cap)
    {
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
                        return;
                    }
                }
            }
            return;
        }

        // Breadth-first: one candidate per anchor per round. The first round takes anchors as they come, so a cap
        // reached within it leaves the rest of the cloud unvisited.
        var active = new List<AnchorCursor>();
        foreach (var cursor in cursors)
        {
            if (cursor.Next(search) is not { } candidate)
            {
                continue;
            }
            if (Accept(candidate))
            {
                return;
            }
            active.Add(cursor);
        }
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
                    return;
                }
                active[kept++] = cursor;
            }
            active.RemoveRange(kept, active.Count - kept);
        }
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

    /// <summary>root_required: traits the anchor (a root) must have, and must not have.</summary>
    private sealed class RootFilter(int[] required, int[] forbidden)
    {
        /// <summary>The filter, or null when a required trait is unknown (nothing can match).</summary>
        public static RootFilter? Resolve(ProviderSnapshot snapshot, CandidateRequest request)
        {
            var required = new int[request.RootRequiredTraits.Count];
            for (var i = 0; i < required.Length; i++)
            {
                if (!snapshot.TryGetTrait(request.RootRequiredTraits[i], out required[i]))
                {
                    return null;
                }
            }
            return new RootFilter(required, ResolvedGroup.KnownIds(request.RootForbiddenTraits, (string t, out int id) => snapshot.TryGetTrait(t, out id)));
        }

        public IEnumerable<int[]> AnchorSupersets(ProviderSnapshot snapshot) => required.Select(snapshot.RootsWithTrait);

        public bool Allows(ProviderSnapshot snapshot, int root) =>
            Array.TrueForAll(required, t => snapshot.HasTrait(root, t)) && !Array.Exists(forbidden, t => snapshot.HasTrait(root, t));
    }
}
