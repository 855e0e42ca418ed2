using System.Net;
using Placement.Api.Auth;
using Placement.Api.Database;
using Placement.Api.Database.Entities;
using Placement.Api.Http;
using Placement.Api.ResourceProviders;

namespace Placement.Api.Traits;

/// <summary>
/// <c>/resource_providers/{uuid}/traits</c> (microversion 1.6; upstream: placement/handlers/trait.py):
/// the traits of one provider. Each change bumps the provider's generation.
/// </summary>
public static class ProviderTraitEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPlacement("GET", "/resource_providers/{uuid}/traits", List);
        app.MapPlacement("PUT", "/resource_providers/{uuid}/traits", Replace);
        app.MapPlacement("DELETE", "/resource_providers/{uuid}/traits", Clear);
    }

    private static async Task<IResult> List(HttpContext http, PlacementDbContext db, string uuid)
    {
        http.RequireMicroversion("1.6");
        RequestChecks.RequireJsonAccepted(http.Request);
        http.Authorize(PlacementPolicies.ResourceProviderTraitsList);
        ResourceProvider provider;
        try
        {
            provider = await ProviderLookup.GetAsync(db, uuid, http.RequestAborted);
        }
        catch (PlacementException e) when (e.Status == HttpStatusCode.NotFound)
        {
            // Upstream's handler wraps the lookup's message in its own.
            throw PlacementException.NotFound($"No resource provider with uuid {uuid} found: {e.Message}");
        }
        var traits = await ProviderTraitStore.ListAsync(db, provider, http.RequestAborted);
        return Respond(http, provider, traits);
    }

    private static async Task<IResult> Replace(HttpContext http, PlacementDbContext db, string uuid)
    {
        http.RequireMicroversion("1.6");
        RequestChecks.RequireJsonContent(http.Request);
        http.Authorize(PlacementPolicies.ResourceProviderTraitsUpdate);
        var body = await JsonBody.ReadAsync(http.Request, TraitSchemas.SetProviderTraits);
        var names = body["traits"]!.AsArray().Select(n => (string)n!).ToList();
        var generation = body["resource_provider_generation"]!.GetValue<double>();
        var provider = await ProviderLookup.GetAsync(db, uuid, http.RequestAborted);
        if (provider.Generation != generation)
        {
            throw PlacementException.Conflict(
                "Resource provider's generation already changed. Please update the generation and try again.",
                ErrorCodes.ConcurrentUpdate);
        }
        var traits = await TraitStore.ListAsync(db, new TraitFilter(names, null, null), http.RequestAborted);
        var unknown = names.Except(traits.Select(t => t.Name)).ToList();
        if (unknown.Count > 0)
        {
            throw PlacementException.BadRequest($"No such trait {string.Join(", ", unknown)}");
        }
        await SetAsync(db, provider, traits, http.RequestAborted);
        return Respond(http, provider, traits);
    }

    private static async Task<IResult> Clear(HttpContext http, PlacementDbContext db, string uuid)
    {
        http.RequireMicroversion("1.6");
        http.Authorize(PlacementPolicies.ResourceProviderTraitsDelete);
        var provider = await ProviderLookup.GetAsync(db, uuid, http.RequestAborted);
        await SetAsync(db, provider, [], http.RequestAborted);
        return Results.NoContent();
    }

    private static async Task SetAsync(PlacementDbContext db, ResourceProvider provider, IReadOnlyCollection<Trait> traits, CancellationToken ct)
    {
        if (!await ProviderTraitStore.TrySetAsync(db, provider, traits, ct))
        {
            throw PlacementException.Conflict(
                "Another thread concurrently updated the resource provider data. Please retry your update",
                ErrorCodes.ConcurrentUpdate);
        }
    }

    private static IResult Respond(HttpContext http, ResourceProvider provider, List<Trait> traits)
    {
        JsonResponse.SetCacheHeaders(http, LastModified.Newest(traits.Select(t => t.UpdatedAt ?? t.CreatedAt)));
        return JsonResponse.Ok(new ProviderTraits([.. traits.Select(t => t.Name)], provider.Generation));
    }

    private sealed record ProviderTraits(IReadOnlyList<string> Traits, int? ResourceProviderGeneration);
}
