using System.Net;
using System.Text.Json;
using Placement.Api.Auth;
using Placement.Api.Database;
using Placement.Api.Http;

namespace Placement.Api.Traits;

/// <summary>
/// <c>/traits</c> and <c>/traits/{name}</c> (microversion 1.6; upstream: placement/handlers/trait.py).
/// Clients create and delete custom traits only; standard traits are read-only.
/// </summary>
public static class TraitEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPlacement("GET", "/traits", List);
        app.MapPlacement("GET", "/traits/{name}", Show);
        app.MapPlacement("PUT", "/traits/{name}", Ensure);
        app.MapPlacement("DELETE", "/traits/{name}", Delete);
        ProviderTraitEndpoints.Map(app);
    }

    private static async Task<IResult> List(HttpContext http, PlacementDbContext db)
    {
        http.RequireMicroversion("1.6");
        RequestChecks.RequireJsonAccepted(http.Request);
        http.Authorize(PlacementPolicies.TraitsList);
        QueryParameters.Validate(http.Request, TraitSchemas.ListQuery);
        var traits = await TraitStore.ListAsync(db, TraitFilter.FromQuery(http.Request.Query), http.RequestAborted);
        JsonResponse.SetCacheHeaders(http, LastModified.Newest(traits.Select(t => t.UpdatedAt ?? t.CreatedAt)));
        return JsonResponse.Ok(new TraitList([.. traits.Select(t => t.Name)]));
    }

    private static async Task<IResult> Show(HttpContext http, PlacementDbContext db, string name)
    {
        http.RequireMicroversion("1.6");
        http.Authorize(PlacementPolicies.TraitsShow);
        var trait = await TraitStore.GetAsync(db, name, http.RequestAborted);
        JsonResponse.SetCacheHeaders(http, trait.CreatedAt);
        return Results.NoContent();
    }

    /// <summary>Creates the custom trait of the path's name (201), or confirms it exists (204).</summary>
    private static async Task<IResult> Ensure(HttpContext http, PlacementDbContext db, string name)
    {
        http.RequireMicroversion("1.6");
        http.Authorize(PlacementPolicies.TraitsUpdate);
        if (TraitSchemas.CustomTraitName.Validate(JsonSerializer.Serialize(name)).Count > 0)
        {
            throw PlacementException.BadRequest(
                "The trait is invalid. A valid trait must be no longer than 255 characters, start with the prefix \"CUSTOM_\" " +
                "and use following characters: \"A\"-\"Z\", \"0\"-\"9\" and \"_\"");
        }
        var status = HttpStatusCode.NoContent;
        var trait = await TraitStore.FindAsync(db, name, http.RequestAborted);
        if (trait is null)
        {
            trait = await TraitStore.TryCreateAsync(db, name, http.RequestAborted);
            status = trait is null ? HttpStatusCode.NoContent : HttpStatusCode.Created;
        }
        http.Response.Headers.Location = $"{http.Request.PathBase}/traits/{name}";
        JsonResponse.SetCacheHeaders(http, trait?.CreatedAt);
        return Results.StatusCode((int)status);
    }

    private static async Task<IResult> Delete(HttpContext http, PlacementDbContext db, string name)
    {
        http.RequireMicroversion("1.6");
        http.Authorize(PlacementPolicies.TraitsDelete);
        var trait = await TraitStore.GetAsync(db, name, http.RequestAborted);
        if (!name.StartsWith(TraitStore.CustomPrefix, StringComparison.Ordinal))
        {
            throw PlacementException.BadRequest($"Cannot delete standard trait {name}.");
        }
        if (!await TraitStore.TryDeleteAsync(db, trait, http.RequestAborted))
        {
            throw PlacementException.Conflict($"The trait {name} is in use by a resource provider.");
        }
        return Results.NoContent();
    }

    private sealed record TraitList(IReadOnlyList<string> Traits);
}
