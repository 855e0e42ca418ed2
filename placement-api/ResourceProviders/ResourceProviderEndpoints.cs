using Placement.Api.Auth;
using Placement.Api.Database;
using Placement.Api.Http;

namespace Placement.Api.ResourceProviders;

/// <summary>/resource_providers and /resource_providers/{uuid} (upstream: placement/handlers/resource_provider.py).</summary>
public static class ResourceProviderEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPlacement("GET", "/resource_providers", List);
        app.MapPlacement("POST", "/resource_providers", Create);
        app.MapPlacement("GET", "/resource_providers/{uuid}", Show);
        app.MapPlacement("PUT", "/resource_providers/{uuid}", Update);
        app.MapPlacement("DELETE", "/resource_providers/{uuid}", Delete);
    }

    private static async Task<IResult> List(HttpContext http, PlacementDbContext db)
    {
        RequestChecks.RequireJsonAccepted(http.Request);
        http.Authorize(PlacementPolicies.ResourceProvidersList);
        var query = ProviderListQuery.Parse(QueryParameters.InOrder(http.Request), http.Microversion());
        var providers = await new ResourceProviderStore(db).ListAsync(query, http.RequestAborted);
        JsonResponse.SetCacheHeaders(http, providers.Max(p => p.LastModified));
        return JsonResponse.Ok(new { resource_providers = providers.Select(p => Serialize(http, p)) });
    }

    private static async Task<IResult> Create(HttpContext http, PlacementDbContext db)
    {
        RequestChecks.RequireJsonContent(http.Request);
        http.Authorize(PlacementPolicies.ResourceProvidersCreate);
        var version = http.Microversion();
        var body = await JsonBody.ReadAsync(http.Request,
            version.IsAtLeast("1.14") ? ResourceProviderSchemas.PostV1_14 : ResourceProviderSchemas.Post);
        var name = (string)body["name"]!;
        // The schema admits any UUID spelling; providers are stored dashed and lower-case.
        var uuid = UuidText.Normalize((string?)body["uuid"]) ?? Guid.NewGuid().ToString();
        var provider = await new ResourceProviderStore(db).CreateAsync(uuid, name, (string?)body["parent_provider_uuid"], http.RequestAborted);
        // webob turns upstream's relative Location into an absolute URL.
        http.Response.Headers.Location = $"{http.Request.Scheme}://{http.Request.Host}{ProviderUrl(http, provider.Uuid)}";
        if (!version.IsAtLeast("1.20"))
        {
            return Results.StatusCode(StatusCodes.Status201Created);
        }
        JsonResponse.SetCacheHeaders(http, provider.LastModified);
        return JsonResponse.Ok(Serialize(http, provider));
    }

    private static async Task<IResult> Show(HttpContext http, PlacementDbContext db, string uuid)
    {
        RequestChecks.RequireJsonAccepted(http.Request);
        http.Authorize(PlacementPolicies.ResourceProvidersShow);
        var provider = await new ResourceProviderStore(db).FindAsync(uuid, http.RequestAborted)
            ?? throw PlacementException.NotFoundPastHandler($"No resource provider with uuid {uuid} found");
        JsonResponse.SetCacheHeaders(http, provider.LastModified);
        return JsonResponse.Ok(Serialize(http, provider));
    }

    private static async Task<IResult> Update(HttpContext http, PlacementDbContext db, string uuid)
    {
        RequestChecks.RequireJsonContent(http.Request);
        http.Authorize(PlacementPolicies.ResourceProvidersUpdate);
        var version = http.Microversion();
        var existing = await ProviderLookup.GetAsync(db, uuid, http.RequestAborted);
        var body = await JsonBody.ReadAsync(http.Request,
            version.IsAtLeast("1.14") ? ResourceProviderSchemas.PutV1_14 : ResourceProviderSchemas.Put);
        var provider = await new ResourceProviderStore(db).UpdateAsync(
            existing,
            (string)body["name"]!,
            setParent: body.AsObject().ContainsKey("parent_provider_uuid"),
            parentUuid: (string?)body["parent_provider_uuid"],
            allowReparenting: version.IsAtLeast("1.37"),
            http.RequestAborted);
        JsonResponse.SetCacheHeaders(http, provider.LastModified);
        return JsonResponse.Ok(Serialize(http, provider));
    }

    private static async Task<IResult> Delete(HttpContext http, PlacementDbContext db, string uuid)
    {
        http.Authorize(PlacementPolicies.ResourceProvidersDelete);
        await new ResourceProviderStore(db).DeleteAsync(uuid, http.RequestAborted);
        return Results.NoContent();
    }

    /// <summary>Upstream's resource_provider_url: the provider's path under the service's mount point.</summary>
    public static string ProviderUrl(HttpContext http, string uuid) => $"{http.Request.PathBase}/resource_providers/{uuid}";

    private static Dictionary<string, object?> Serialize(HttpContext http, ProviderRecord provider)
    {
        var version = http.Microversion();
        var body = new Dictionary<string, object?>
        {
            ["uuid"] = provider.Uuid,
            ["name"] = provider.Name,
            ["generation"] = provider.Generation,
            ["links"] = Links(ProviderUrl(http, provider.Uuid), version),
        };
        if (version.IsAtLeast("1.14"))
        {
            body["parent_provider_uuid"] = provider.ParentProviderUuid;
            body["root_provider_uuid"] = provider.RootProviderUuid;
        }
        return body;
    }

    /// <summary>The provider itself and the sub-resources the version has.</summary>
    private static List<Dictionary<string, string>> Links(string url, Microversion version)
    {
        var relations = new List<string> { "inventories", "usages" };
        if (version.IsAtLeast("1.1"))
        {
            relations.Add("aggregates");
        }
        if (version.IsAtLeast("1.6"))
        {
            relations.Add("traits");
        }
        if (version.IsAtLeast("1.11"))
        {
            relations.Add("allocations");
        }
        return
        [
            new() { ["rel"] = "self", ["href"] = url },
            .. relations.Select(rel => new Dictionary<string, string> { ["rel"] = rel, ["href"] = $"{url}/{rel}" }),
        ];
    }
}
