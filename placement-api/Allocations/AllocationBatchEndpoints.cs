using Placement.Api.Auth;
using Placement.Api.Configuration;
using Placement.Api.Database;
using Placement.Api.Http;

namespace Placement.Api.Allocations;

/// <summary>POST /allocations (1.13): several consumers' allocations replaced at once, all or nothing.</summary>
public static class AllocationBatchEndpoints
{
    public static void Map(IEndpointRouteBuilder app) => app.MapPlacement("POST", "/allocations", Replace);

    private static async Task<IResult> Replace(
        HttpContext http, PlacementDbContext db, PlacementSettings settings, ILogger<AllocationWriter> logger)
    {
        http.RequireMicroversion("1.13");
        RequestChecks.RequireJsonContent(http.Request);
        http.Authorize(PlacementPolicies.AllocationsManage);
        var version = http.Microversion();
        var body = await JsonBody.ReadAsync(http.Request, AllocationSchemas.ForPost(version));
        var consumers = AllocationBodies.ForConsumers(body.AsObject(), version);
        try
        {
            await new AllocationWriter(db, settings, logger).ReplaceAsync(consumers, http.RequestAborted);
        }
        catch (AllocationWriteException error)
        {
            throw AllocationEndpoints.Describe(error, "Unable to allocate inventory ");
        }
        return Results.NoContent();
    }
}
