namespace Placement.Api.AllocationCandidates.Engine;

/// <summary>What one provider gives to one candidate (amounts of several groups summed).</summary>
public sealed record ProviderAllocation(Guid ProviderUuid, IReadOnlyList<ResourceAmount> Resources);

/// <summary>
/// One allocation request: the providers and amounts, and (microversion 1.34) which providers satisfied
/// each group, keyed by suffix ("" for the unsuffixed group), in request group order.
/// </summary>
public sealed record AllocationCandidate(
    IReadOnlyList<ProviderAllocation> Allocations,
    IReadOnlyList<KeyValuePair<string, IReadOnlyList<Guid>>> Mappings);

public sealed record SummaryResource(string ResourceClass, long Capacity, long Used);

/// <summary>A provider of a tree involved in the candidates: all its inventories, traits, parent and root.</summary>
public sealed record ProviderSummary(
    Guid Uuid,
    Guid RootUuid,
    Guid? ParentUuid,
    IReadOnlyList<SummaryResource> Resources,
    IReadOnlyList<string> Traits);

public sealed record CandidateResult(
    IReadOnlyList<AllocationCandidate> AllocationRequests,
    IReadOnlyList<ProviderSummary> ProviderSummaries)
{
    /// <summary>The search stopped at <see cref="CandidateOptions.TimeLimit"/>: these are the candidates found until then.</summary>
    public bool ReachedTimeLimit { get; init; }

    public static CandidateResult Empty { get; } = new([], []);
}
