using System.Net;
using Placement.Api.Auth;
using Placement.Api.Database;
using Placement.Api.Http;
using Placement.Api.ResourceProviders;

namespace Placement.Api.Usages;

/// <summary>
/// /resource_providers/{uuid}/usages and /usages (upstream: placement/handlers/usage.py).
/// Usages are "now": from 1.15 last-modified is the time of the answer.
/// </summary>
public static class UsageEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPlacement("GET", "/resource_providers/{uuid}/usages", ProviderUsagesAsync);
        app.MapPlacement("GET", "/usages", TotalUsagesAsync);
    }

    private static async Task<IResult> ProviderUsagesAsync(HttpContext http, string uuid, PlacementDbContext db)
    {
        RequestChecks.RequireJsonAccepted(http.Request);
        http.Authorize(PlacementPolicies.ResourceProviderUsages);
        Database.Entities.ResourceProvider provider;
        try
        {
            provider = await ProviderLookup.GetAsync(db, uuid, http.RequestAborted);
        }
        catch (PlacementException e) when (e.Status == HttpStatusCode.NotFound)
        {
            throw PlacementException.NotFound($"No resource provider with uuid {uuid} found: {e.Message}");
        }
        var usages = await UsageStore.OfProviderAsync(db, provider, http.RequestAborted);
        JsonResponse.SetCacheHeaders(http, DateTime.UtcNow);
        return JsonResponse.Ok(new ProviderUsages(provider.Generation ?? 0, usages));
    }

    private static async Task<IResult> TotalUsagesAsync(HttpContext http, PlacementDbContext db)
    {
        http.RequireMicroversion("1.9");
        RequestChecks.RequireJsonAccepted(http.Request);
        var projectId = Last(http, "project_id");
        var userId = Last(http, "user_id");
        // The target is the project asked about, so that project readers see their own project only.
        http.Authorize(PlacementPolicies.TotalUsages, PolicyTarget.OfProject(projectId));
        var byConsumerType = http.Microversion().IsAtLeast("1.38");
        QueryParameters.Validate(http.Request, byConsumerType ? UsageSchemas.TotalUsagesByConsumerType : UsageSchemas.TotalUsages);

        object usages = byConsumerType
            ? await ByConsumerTypeAsync(db, projectId!, userId, Last(http, "consumer_type"), http.RequestAborted)
            : await UsageStore.OfProjectAsync(db, projectId!, userId, http.RequestAborted);
        JsonResponse.SetCacheHeaders(http, DateTime.UtcNow);
        return JsonResponse.Ok(new TotalUsages(usages));
    }

    /// <summary>From 1.38 each consumer type maps its classes' amounts and a "consumer_count".</summary>
    private static async Task<Dictionary<string, Dictionary<string, long>>> ByConsumerTypeAsync(
        PlacementDbContext db, string projectId, string? userId, string? consumerType, CancellationToken cancellationToken)
    {
        var byType = await UsageStore.ByConsumerTypeAsync(db, projectId, userId, consumerType, cancellationToken);
        return byType.ToDictionary(
            pair => pair.Key,
            pair => new Dictionary<string, long>(pair.Value.Amounts) { ["consumer_count"] = pair.Value.ConsumerCount });
    }

    /// <summary>A query parameter as upstream reads it (webob's req.GET.get: the last value).</summary>
    private static string? Last(HttpContext http, string name) =>
        http.Request.Query.TryGetValue(name, out var values) ? values[^1] : null;

    private sealed record ProviderUsages(int ResourceProviderGeneration, Dictionary<string, long> Usages);

    private sealed record TotalUsages(object Usages);
}
