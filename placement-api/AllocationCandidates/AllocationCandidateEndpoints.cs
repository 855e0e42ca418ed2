using Placement.Api.AllocationCandidates.Engine;
using Placement.Api.AllocationCandidates.Snapshots;
using Placement.Api.Auth;
using Placement.Api.Configuration;
using Placement.Api.Http;

namespace Placement.Api.AllocationCandidates;

/// <summary>/allocation_candidates (upstream: placement/handlers/allocation_candidate.py).</summary>
public static class AllocationCandidateEndpoints
{
    public static void Map(IEndpointRouteBuilder app) => app.MapPlacement("GET", "/allocation_candidates", List);

    private static async Task<IResult> List(
        HttpContext http, PlacementSettings settings, CandidateCache cache, ILoggerFactory loggers)
    {
        http.RequireMicroversion("1.10");
        RequestChecks.RequireJsonAccepted(http.Request);
        http.Authorize(PlacementPolicies.AllocationCandidatesList);
        var version = http.Microversion();
        var request = CandidateQuery.Parse(QueryParameters.InOrder(http.Request), version);
        var snapshot = await cache.FreshSnapshotAsync(http.RequestAborted);
        CandidateNameCheck.Check(snapshot, request);
        var result = CandidateEngine.Find(snapshot, request, Options(settings), http.RequestAborted);
        if (result.ReachedTimeLimit)
        {
            if (result.AllocationRequests.Count == 0)
            {
                // An empty answer would say that nothing fits, which the search did not get to know.
                throw PlacementException.BadRequest(
                    $"The search for allocation candidates reached its time limit ([placement] allocation_candidates_time_limit = "
                    + $"{settings.AllocationCandidatesTimeLimit} s) before it found any: ask for fewer or smaller request groups, "
                    + "or raise the limit.");
            }
            loggers.CreateLogger(typeof(AllocationCandidateEndpoints)).LogWarning(
                "GET /allocation_candidates?{Query} reached [placement] allocation_candidates_time_limit ({Seconds} s): answering the {Count} candidates found",
                http.Request.QueryString.Value?.TrimStart('?'), settings.AllocationCandidatesTimeLimit, result.AllocationRequests.Count);
        }
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
        TimeLimit = settings.AllocationCandidatesTimeLimit == 0
            ? Timeout.InfiniteTimeSpan
            : TimeSpan.FromSeconds(settings.AllocationCandidatesTimeLimit),
    };
}
