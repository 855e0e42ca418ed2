namespace Placement.Api.AllocationCandidates.Engine;

/// <summary>An amount of one resource class.</summary>
public readonly record struct ResourceAmount(string ResourceClass, int Amount);

/// <summary>
/// One request group: the unsuffixed group (<see cref="Suffix"/> empty, resources may come from several
/// providers of one tree plus sharing providers) or a suffixed group (satisfied by a single provider).
/// Names and uuids are resolved against the snapshot: unknown classes, required traits and aggregates match nothing.
/// </summary>
public sealed class RequestGroup
{
    public string Suffix { get; init; } = "";

    public IReadOnlyList<ResourceAmount> Resources { get; init; } = [];

    /// <summary>All of these must hold; each inner list is an any-of set (<c>in:A,B</c>).</summary>
    public IReadOnlyList<IReadOnlyList<string>> RequiredTraits { get; init; } = [];

    public IReadOnlyList<string> ForbiddenTraits { get; init; } = [];

    /// <summary>All of these must hold; each inner list is an any-of set of aggregate uuids.</summary>
    public IReadOnlyList<IReadOnlyList<Guid>> MemberOf { get; init; } = [];

    public IReadOnlyList<Guid> ForbiddenAggregates { get; init; } = [];

    /// <summary>Uuid of any provider of the tree the group must be satisfied from.</summary>
    public Guid? InTree { get; init; }

    public bool UseSameProvider => Suffix.Length != 0;
}

public enum GroupPolicy
{
    None,
    Isolate,
}

/// <summary>A whole GET /allocation_candidates request, already parsed and validated by the HTTP layer.</summary>
public sealed class CandidateRequest
{
    public IReadOnlyList<RequestGroup> Groups { get; init; } = [];

    public GroupPolicy GroupPolicy { get; init; } = GroupPolicy.None;

    /// <summary>The <c>limit</c> query parameter; null (or not positive) means no limit.</summary>
    public int? Limit { get; init; }

    /// <summary><c>root_required</c>: traits the root of every candidate's anchor tree must have.</summary>
    public IReadOnlyList<string> RootRequiredTraits { get; init; } = [];

    /// <summary><c>root_required</c>: traits the root of every candidate's anchor tree must not have.</summary>
    public IReadOnlyList<string> RootForbiddenTraits { get; init; } = [];

    /// <summary><c>same_subtree</c>: each entry lists suffixes whose providers must share one of them as common ancestor.</summary>
    public IReadOnlyList<IReadOnlyList<string>> SameSubtrees { get; init; } = [];

    /// <summary>False below microversion 1.29: candidates using two providers of one tree are dropped.</summary>
    public bool NestedAware { get; init; } = true;
}

public enum GenerationStrategy
{
    /// <summary>All candidates of the first viable anchor tree before the next one.</summary>
    DepthFirst,

    /// <summary>Round-robin over viable anchor trees, so a cap spreads candidates across them.</summary>
    BreadthFirst,
}

/// <summary>The service options that shape generation (<c>[placement]</c> section).</summary>
public sealed class CandidateOptions
{
    /// <summary><c>max_allocation_candidates</c>: global cap on generated candidates; -1 is unlimited.</summary>
    public int MaxAllocationCandidates { get; init; } = -1;

    /// <summary><c>allocation_candidates_generation_strategy</c>.</summary>
    public GenerationStrategy Strategy { get; init; } = GenerationStrategy.DepthFirst;

    /// <summary><c>randomize_allocation_candidates</c>.</summary>
    public bool Randomize { get; init; }

    /// <summary>The random source used when <see cref="Randomize"/> is on; <see cref="System.Random.Shared"/> if null.</summary>
    public Random? Random { get; init; }

    /// <summary>
    /// How long one request may search (our <c>[placement] allocation_candidates_time_limit</c>); past it, the candidates
    /// found so far are the answer. <see cref="Timeout.InfiniteTimeSpan"/> (or zero) is no limit.
    /// </summary>
    public TimeSpan TimeLimit { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>The clock <see cref="TimeLimit"/> is measured on.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
