using Placement.Api.Auth;
using Placement.Api.Database;
using Placement.Api.Http;
using Placement.Api.ResourceProviders;

namespace Placement.Api.Aggregates;

/// <summary>/resource_providers/{uuid}/aggregates, from microversion 1.1 (upstream: placement/handlers/aggregate.py).</summary>
public static class AggregateEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPlacement("GET", "/resource_providers/{uuid}/aggregates", List);
        app.MapPlacement("PUT", "/resource_providers/{uuid}/aggregates", Replace);
    }

    private static async Task<IResult> List(HttpContext http, PlacementDbContext db, string uuid)
    {
        RequestChecks.RequireJsonAccepted(http.Request);
        http.RequireMicroversion("1.1");
        http.Authorize(PlacementPolicies.ResourceProviderAggregatesList);
        var provider = await ProviderLookup.GetAsync(db, uuid, http.RequestAborted);
        var aggregates = await new AggregateStore(db).ListAsync(provider, http.RequestAborted);
        return Respond(http, provider.Generation, aggregates);
    }

    private static async Task<IResult> Replace(HttpContext http, PlacementDbContext db, string uuid)
    {
        RequestChecks.RequireJsonContent(http.Request);
        http.RequireMicroversion("1.1");
        http.Authorize(PlacementPolicies.ResourceProviderAggregatesUpdate);
        // From 1.19 the body carries the generation the client saw, and the change bumps it.
        var withGeneration = http.Microversion().IsAtLeast("1.19");
        var provider = await ProviderLookup.GetAsync(db, uuid, http.RequestAborted);
        var body = await JsonBody.ReadAsync(http.Request, withGeneration ? AggregateSchemas.PutV1_19 : AggregateSchemas.PutV1_1);
        var list = withGeneration ? body["aggregates"]!.AsArray() : body.AsArray();
        var aggregates = list.Select(a => (string)a!).ToList();
        if (withGeneration && !(body["resource_provider_generation"]!.AsValue().TryGetValue<long>(out var seen) && seen == provider.Generation))
        {
            throw PlacementException.Conflict(
                "Resource provider's generation already changed. Please update the generation and try again.",
                ErrorCodes.ConcurrentUpdate);
        }
        await new AggregateStore(db).SetAsync(provider, aggregates, withGeneration, http.RequestAborted);
        return Respond(http, provider.Generation, aggregates);
    }

    private static IResult Respond(HttpContext http, int? generation, List<string> aggregates)
    {
        // Upstream records no time for memberships, so the last change is "now".
        JsonResponse.SetCacheHeaders(http, null);
        var body = new Dictionary<string, object?> { ["aggregates"] = aggregates };
        if (http.Microversion().IsAtLeast("1.19"))
        {
            body["resource_provider_generation"] = generation;
        }
        return JsonResponse.Ok(body);
    }
}
