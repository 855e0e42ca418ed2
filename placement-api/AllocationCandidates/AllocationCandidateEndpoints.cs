using Placement.Api.AllocationCandidates.Engine;
using Placement.Api.Auth;
using Placement.Api.Configuration;
using Placement.Api.Database;
using Placement.Api.Http;

namespace Placement.Api.AllocationCandidates;

/// <summary>/allocation_candidates (upstream: placement/handlers/allocation_candidate.py).</summary>
public static class AllocationCandidateEndpoints
{
    public static void Map(IEndpointRouteBuilder app) => app.MapPlacement("GET", "/allocation_candidates", List);

    private static async Task<IResult> List(HttpContext http, PlacementDbContext db, PlacementSettings settings, SnapshotCache snapshots)
    {
        http.RequireMicroversion("1.10");
        RequestChecks.RequireJsonAccepted(http.Request);
        http.Authorize(PlacementPolicies.AllocationCandidatesList);
        var version = http.Microversion();
        var request = CandidateQuery.Parse(QueryParameters.InOrder(http.Request), version);
        await CandidateNameCheck.CheckAsync(db, request, http.RequestAborted);
        var snapshot = await snapshots.GetAsync(db, http.RequestAborted);
        var result = CandidateEngine.Find(snapshot, request, Options(settings));
        // Candidates are computed now, so they were last modified now.
        JsonResponse.SetCacheHeaders(http, null);
        return new CandidateResponse(result, request, version);
    }

    private static CandidateOptions Options(PlacementSettings settings) => new()
    {
        MaxAllocationCandidates = settings.MaxAllocationCandidates,
        Strategy = settings.AllocationCandidatesGenerationStrategy == CandidateGenerationStrategy.BreadthFirst
            ? GenerationStrategy.BreadthFirst
            : GenerationStrategy.DepthFirst,
        Randomize = settings.RandomizeAllocationCandidates,
    };
}
