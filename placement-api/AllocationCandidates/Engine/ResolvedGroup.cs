namespace Placement.Api.AllocationCandidates.Engine;

/// <summary>A request group translated to the snapshot's integer ids.</summary>
internal sealed class ResolvedGroup
{
    private ResolvedGroup(
        string suffix, int[] classes, int[] amounts, int[][] required, int[] forbidden,
        int[][] memberOf, int[] forbiddenAggregates, int inTreeRoot)
    {
        Suffix = suffix;
        Classes = classes;
        Amounts = amounts;
        Required = required;
        Forbidden = forbidden;
        MemberOf = memberOf;
        ForbiddenAggregates = forbiddenAggregates;
        InTreeRoot = inTreeRoot;
    }

    public string Suffix { get; }
    public bool Granular => Suffix.Length != 0;
    public int[] Classes { get; }
    public int[] Amounts { get; }
    public int[][] Required { get; }
    public int[] Forbidden { get; }
    public int[][] MemberOf { get; }
    public int[] ForbiddenAggregates { get; }

    /// <summary>Root of the <c>in_tree</c> provider, or -1.</summary>
    public int InTreeRoot { get; }

    /// <summary>
    /// Resolves names and uuids; null when the group cannot match anything (an unknown resource class,
    /// a required any-of set or member_of set of unknown names only, an unknown in_tree provider).
    /// Unknown forbidden traits and aggregates simply forbid nothing.
    /// </summary>
    /// <exception cref="ArgumentException">A class is requested twice in the group, or an amount is not positive
    /// (the HTTP layer rejects both before asking).</exception>
    public static ResolvedGroup? Resolve(ProviderSnapshot snapshot, RequestGroup group)
    {
        var classes = new int[group.Resources.Count];
        var amounts = new int[classes.Length];
        for (var i = 0; i < classes.Length; i++)
        {
            if (!snapshot.TryGetClass(group.Resources[i].ResourceClass, out classes[i]))
            {
                return null;
            }
            amounts[i] = group.Resources[i].Amount;
            if (amounts[i] <= 0 || Array.IndexOf(classes, classes[i], 0, i) >= 0)
            {
                throw new ArgumentException(
                    $"Bad resources in group '{group.Suffix}': {group.Resources[i].ResourceClass}:{amounts[i]}.", nameof(group));
            }
        }

        var required = new int[group.RequiredTraits.Count][];
        for (var i = 0; i < required.Length; i++)
        {
            required[i] = KnownIds(group.RequiredTraits[i], (string t, out int id) => snapshot.TryGetTrait(t, out id));
            if (required[i].Length == 0)
            {
                return null;
            }
        }

        var memberOf = new int[group.MemberOf.Count][];
        for (var i = 0; i < memberOf.Length; i++)
        {
            memberOf[i] = KnownIds(group.MemberOf[i], (Guid a, out int id) => snapshot.TryGetAggregate(a, out id));
            if (memberOf[i].Length == 0)
            {
                return null;
            }
        }

        var inTreeRoot = -1;
        if (group.InTree is { } inTree)
        {
            if (!snapshot.TryGetProvider(inTree, out var provider))
            {
                return null;
            }
            inTreeRoot = snapshot.Roots[provider];
        }

        return new ResolvedGroup(
            group.Suffix, classes, amounts, required,
            KnownIds(group.ForbiddenTraits, (string t, out int id) => snapshot.TryGetTrait(t, out id)),
            memberOf,
            KnownIds(group.ForbiddenAggregates, (Guid a, out int id) => snapshot.TryGetAggregate(a, out id)),
            inTreeRoot);
    }

    internal delegate bool TryLookup<T>(T key, out int id);

    internal static int[] KnownIds<T>(IEnumerable<T> keys, TryLookup<T> lookup)
    {
        var ids = new SortedSet<int>();
        foreach (var key in keys)
        {
            if (lookup(key, out var id))
            {
                ids.Add(id);
            }
        }
        return [.. ids];
    }
}
