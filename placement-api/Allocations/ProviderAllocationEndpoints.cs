using Placement.Api.Auth;
using Placement.Api.Database;
using Placement.Api.Http;

namespace Placement.Api.Allocations;

/// <summary>GET /resource_providers/{uuid}/allocations: who uses a provider, by consumer.</summary>
public static class ProviderAllocationEndpoints
{
    public static void Map(IEndpointRouteBuilder app) => app.MapPlacement("GET", "/resource_providers/{uuid}/allocations", List);

    private static async Task<IResult> List(HttpContext http, PlacementDbContext db, string uuid)
    {
        RequestChecks.RequireJsonAccepted(http.Request);
        http.Authorize(PlacementPolicies.ResourceProviderAllocationsList);
        var (generation, rows) = await new AllocationStore(db).ForProviderAsync(uuid, http.RequestAborted)
            ?? throw PlacementException.NotFound(
                $"Resource provider '{uuid}' not found: No resource provider with uuid {uuid} found");
        var showGeneration = http.Microversion().IsAtLeast("1.28");
        var byConsumer = new Dictionary<string, Dictionary<string, object>>();
        foreach (var row in rows)
        {
            if (!byConsumer.TryGetValue(row.ConsumerUuid, out var consumer))
            {
                consumer = new Dictionary<string, object> { ["resources"] = new Dictionary<string, int>() };
                if (showGeneration)
                {
                    consumer["consumer_generation"] = row.ConsumerGeneration;
                }
                byConsumer[row.ConsumerUuid] = consumer;
            }
            ((Dictionary<string, int>)consumer["resources"])[row.ResourceClass] = row.Used;
        }
        JsonResponse.SetCacheHeaders(http, LastModified.Newest(rows.Select(r => r.LastModified)));
        return JsonResponse.Ok(new { allocations = byConsumer, resource_provider_generation = generation });
    }
}
