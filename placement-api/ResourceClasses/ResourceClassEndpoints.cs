using System.Net;
using System.Text.Json.Nodes;
using Placement.Api.Auth;
using Placement.Api.Database;
using Placement.Api.Database.Entities;
using Placement.Api.Http;

namespace Placement.Api.ResourceClasses;

/// <summary>
/// <c>/resource_classes</c> and <c>/resource_classes/{name}</c> (microversion 1.2; upstream:
/// placement/handlers/resource_class.py). Only custom classes can be created, renamed or deleted.
/// </summary>
public static class ResourceClassEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPlacement("GET", "/resource_classes", List);
        app.MapPlacement("POST", "/resource_classes", Create);
        app.MapPlacement("GET", "/resource_classes/{name}", Show);
        app.MapPlacement("PUT", "/resource_classes/{name}", Update);
        app.MapPlacement("DELETE", "/resource_classes/{name}", Delete);
    }

    private static async Task<IResult> List(HttpContext http, PlacementDbContext db)
    {
        http.RequireMicroversion("1.2");
        RequestChecks.RequireJsonAccepted(http.Request);
        http.Authorize(PlacementPolicies.ResourceClassesList);
        var classes = await ResourceClassStore.ListAsync(db, http.RequestAborted);
        JsonResponse.SetCacheHeaders(http, LastModified.Newest(classes.Select(rc => rc.UpdatedAt ?? rc.CreatedAt)));
        return JsonResponse.Ok(new ResourceClassList([.. classes.Select(rc => Body(http, rc.Name))]));
    }

    private static async Task<IResult> Create(HttpContext http, PlacementDbContext db)
    {
        http.RequireMicroversion("1.2");
        RequestChecks.RequireJsonContent(http.Request);
        http.Authorize(PlacementPolicies.ResourceClassesCreate);
        var name = (string)(await JsonBody.ReadAsync(http.Request, ResourceClassSchemas.CustomName))["name"]!;
        if (await ResourceClassStore.TryCreateAsync(db, name, http.RequestAborted) is null)
        {
            throw PlacementException.Conflict($"Conflicting resource class already exists: {name}");
        }
        return Bodiless(http, HttpStatusCode.Created, name);
    }

    private static async Task<IResult> Show(HttpContext http, PlacementDbContext db, string name)
    {
        http.RequireMicroversion("1.2");
        RequestChecks.RequireJsonAccepted(http.Request);
        http.Authorize(PlacementPolicies.ResourceClassesShow);
        var resourceClass = await ResourceClassStore.GetAsync(db, name, http.RequestAborted);
        JsonResponse.SetCacheHeaders(http, resourceClass.UpdatedAt ?? resourceClass.CreatedAt);
        return JsonResponse.Ok(Body(http, resourceClass.Name));
    }

    /// <summary>Up to 1.6 PUT renames a class; from 1.7 it creates the class of the path's name or confirms it exists.</summary>
    private static Task<IResult> Update(HttpContext http, PlacementDbContext db, string name)
    {
        http.RequireMicroversion("1.2");
        return http.Microversion().IsAtLeast("1.7") ? Ensure(http, db, name) : Rename(http, db, name);
    }

    private static async Task<IResult> Rename(HttpContext http, PlacementDbContext db, string name)
    {
        RequestChecks.RequireJsonContent(http.Request);
        http.Authorize(PlacementPolicies.ResourceClassesUpdate);
        var newName = (string)(await JsonBody.ReadAsync(http.Request, ResourceClassSchemas.CustomName))["name"]!;
        var resourceClass = await ResourceClassStore.GetAsync(db, name, http.RequestAborted);
        if (resourceClass.Id < ResourceClass.MinCustomId)
        {
            throw PlacementException.BadRequest($"Cannot update standard resource class {name}");
        }
        var renamed = await ResourceClassStore.TryRenameAsync(db, resourceClass, newName, http.RequestAborted)
            ?? throw PlacementException.Conflict($"Resource class already exists: {newName}");
        return JsonResponse.Ok(Body(http, renamed.Name));
    }

    private static async Task<IResult> Ensure(HttpContext http, PlacementDbContext db, string name)
    {
        http.Authorize(PlacementPolicies.ResourceClassesUpdate);
        // The name must be one a client may create, so upstream validates it as a body would be.
        JsonBody.Parse(new JsonObject { ["name"] = name }.ToJsonString(), ResourceClassSchemas.CustomName);
        var created = await ResourceClassStore.TryCreateAsync(db, name, http.RequestAborted) is not null;
        return Bodiless(http, created ? HttpStatusCode.Created : HttpStatusCode.NoContent, name);
    }

    private static async Task<IResult> Delete(HttpContext http, PlacementDbContext db, string name)
    {
        http.RequireMicroversion("1.2");
        http.Authorize(PlacementPolicies.ResourceClassesDelete);
        var resourceClass = await ResourceClassStore.GetAsync(db, name, http.RequestAborted);
        if (resourceClass.Id < ResourceClass.MinCustomId)
        {
            throw PlacementException.BadRequest($"Error in delete resource class: Cannot delete standard resource class {name}.");
        }
        if (!await ResourceClassStore.TryDeleteAsync(db, resourceClass, http.RequestAborted))
        {
            throw PlacementException.Conflict(
                $"Error in delete resource class: Cannot delete resource class {name}. Class is in use in inventory.");
        }
        return Results.NoContent();
    }

    /// <summary>201 or 204 with a Location and no body (nor content-type).</summary>
    private static IResult Bodiless(HttpContext http, HttpStatusCode status, string name)
    {
        http.Response.Headers.Location = Href(http, name);
        return Results.StatusCode((int)status);
    }

    private static ResourceClassBody Body(HttpContext http, string name) => new(name, [new Link("self", Href(http, name))]);

    private static string Href(HttpContext http, string name) => $"{http.Request.PathBase}/resource_classes/{name}";

    private sealed record ResourceClassList(IReadOnlyList<ResourceClassBody> ResourceClasses);

    private sealed record ResourceClassBody(string Name, IReadOnlyList<Link> Links);

    private sealed record Link(string Rel, string Href);
}
