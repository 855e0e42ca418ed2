using System.Net;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Placement.Api.Auth;
using Placement.Api.Database;
using Placement.Api.Database.Entities;
using Placement.Api.Http;
using Placement.Api.ResourceProviders;

namespace Placement.Api.Inventories;

/// <summary>
/// /resource_providers/{uuid}/inventories and /resource_providers/{uuid}/inventories/{resource_class}
/// (upstream: placement/handlers/inventory.py). Messages and status codes are upstream's, quirks included.
/// </summary>
public static class InventoryEndpoints
{
    private const string Collection = "/resource_providers/{uuid}/inventories";
    private const string Item = "/resource_providers/{uuid}/inventories/{resource_class}";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPlacement("GET", Collection, ListAsync);
        app.MapPlacement("POST", Collection, CreateAsync);
        app.MapPlacement("PUT", Collection, ReplaceAllAsync);
        app.MapPlacement("DELETE", Collection, DeleteAllAsync);
        app.MapPlacement("GET", Item, ShowAsync);
        app.MapPlacement("PUT", Item, UpdateAsync);
        app.MapPlacement("DELETE", Item, DeleteAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext http, string uuid, PlacementDbContext db)
    {
        RequestChecks.RequireJsonAccepted(http.Request);
        http.Authorize(PlacementPolicies.ResourceProviderInventoriesList);
        var provider = await GetProviderForReadAsync(db, uuid, http.RequestAborted);
        var classes = await ResourceClassIds.LoadAsync(db, http.RequestAborted);
        var inventories = await InventoryStore.ListAsync(db, provider, classes, http.RequestAborted);
        return SendInventories(http, provider, inventories);
    }

    private static async Task<IResult> ShowAsync(HttpContext http, string uuid, string resource_class, PlacementDbContext db)
    {
        RequestChecks.RequireJsonAccepted(http.Request);
        http.Authorize(PlacementPolicies.ResourceProviderInventoriesShow);
        var provider = await GetProviderForReadAsync(db, uuid, http.RequestAborted);
        var classes = await ResourceClassIds.LoadAsync(db, http.RequestAborted);
        var inventory = (await InventoryStore.ListAsync(db, provider, classes, http.RequestAborted))
            .FirstOrDefault(i => i.ResourceClass == resource_class)
            ?? throw PlacementException.NotFound($"No inventory of class {resource_class} for {uuid}");
        return SendInventory(http, provider, inventory.Capacity, inventory.LastModified, HttpStatusCode.OK);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, string uuid, PlacementDbContext db)
    {
        RequestChecks.RequireJsonContent(http.Request);
        http.Authorize(PlacementPolicies.ResourceProviderInventoriesCreate);
        var provider = await ProviderLookup.GetAsync(db, uuid, http.RequestAborted);
        var body = await ReadInventoryAsync(http.Request, InventorySchemas.Create);
        var className = body["resource_class"]!.GetValue<string>();
        var capacity = InventorySchemas.ReadCapacity(body);
        try
        {
            RequireCapacity(http, className, provider, capacity);
            var classes = await ResourceClassIds.LoadAsync(db, http.RequestAborted);
            await InventoryStore.AddAsync(db, provider, classes.Resolve(className), capacity, http.RequestAborted);
        }
        catch (Exception e) when (e is InvalidCapacityException or UnknownResourceClassException)
        {
            throw PlacementException.BadRequest($"Unable to create inventory for resource provider {provider.Uuid}: {e.Message}");
        }
        catch (Exception e) when (e is ProviderGenerationMovedException or InventoryExistsException)
        {
            throw PlacementException.Conflict($"Update conflict: {e.Message}", ErrorCodes.ConcurrentUpdate);
        }
        http.Response.Headers.Location = InventoryUrl(http, provider.Uuid, className);
        return SendInventory(http, provider, capacity, lastModified: null, HttpStatusCode.Created);
    }

    private static async Task<IResult> UpdateAsync(
        HttpContext http, string uuid, string resource_class, PlacementDbContext db, ILoggerFactory loggers)
    {
        RequestChecks.RequireJsonContent(http.Request);
        http.Authorize(PlacementPolicies.ResourceProviderInventoriesUpdate);
        var provider = await ProviderLookup.GetAsync(db, uuid, http.RequestAborted);
        var body = await ReadInventoryAsync(http.Request, InventorySchemas.UpdateOne);
        RequireGeneration(body, provider);
        var capacity = InventorySchemas.ReadCapacity(body);
        try
        {
            RequireCapacity(http, resource_class, provider, capacity);
            var classes = await ResourceClassIds.LoadAsync(db, http.RequestAborted);
            var overCapacity = await InventoryStore.UpdateAsync(db, provider, classes.Resolve(resource_class), capacity, http.RequestAborted);
            WarnOverCapacity(loggers, provider, overCapacity);
        }
        catch (InvalidCapacityException e)
        {
            throw PlacementException.BadRequest($"Unable to update inventory for resource provider {provider.Uuid}: {e.Message}");
        }
        catch (InventoryNotFoundException e)
        {
            throw PlacementException.BadRequest($"No inventory record with resource class for resource provider {provider.Uuid}: {e.Message}");
        }
        catch (ProviderGenerationMovedException e)
        {
            throw PlacementException.Conflict($"update conflict: {e.Message}", ErrorCodes.ConcurrentUpdate);
        }
        return SendInventory(http, provider, capacity, lastModified: null, HttpStatusCode.OK);
    }

    private static async Task<IResult> ReplaceAllAsync(HttpContext http, string uuid, PlacementDbContext db, ILoggerFactory loggers)
    {
        RequestChecks.RequireJsonContent(http.Request);
        http.Authorize(PlacementPolicies.ResourceProviderInventoriesUpdate);
        var provider = await ProviderLookup.GetAsync(db, uuid, http.RequestAborted);
        var body = await JsonBody.ReadAsync(http.Request, InventorySchemas.ReplaceAll);
        InventorySchemas.RequireRatiosInRange(InventorySchemas.InventoriesOf(body));
        RequireGeneration(body, provider);
        var wanted = body["inventories"]!.AsObject().Select(pair => (ResourceClass: pair.Key, Capacity: InventorySchemas.ReadCapacity(pair.Value!))).ToList();
        try
        {
            foreach (var (className, capacity) in wanted)
            {
                RequireCapacity(http, className, provider, capacity);
            }
            var classes = await ResourceClassIds.LoadAsync(db, http.RequestAborted);
            var resolved = wanted.ToDictionary(w => classes.Resolve(w.ResourceClass), w => w.Capacity);
            var overCapacity = await InventoryStore.ReplaceAsync(db, provider, classes, resolved, http.RequestAborted);
            WarnOverCapacity(loggers, provider, overCapacity);
        }
        catch (InvalidCapacityException e)
        {
            throw PlacementException.BadRequest($"Unable to update inventory for resource provider {provider.Uuid}: {e.Message}");
        }
        catch (UnknownResourceClassException e)
        {
            throw PlacementException.BadRequest($"Unknown resource class in inventory for resource provider {provider.Uuid}: {e.Message}");
        }
        catch (ProviderGenerationMovedException e)
        {
            throw PlacementException.Conflict($"update conflict: {e.Message}", ErrorCodes.ConcurrentUpdate);
        }
        catch (InventoryInUseException e)
        {
            throw PlacementException.Conflict($"update conflict: {e.Message}", ErrorCodes.InventoryInUse);
        }
        // Upstream answers with what was sent (defaults filled in), not with a re-read.
        var sent = wanted.Select(w => new InventoryRecord(w.ResourceClass, w.Capacity, LastModified: null)).ToList();
        return SendInventories(http, provider, sent);
    }

    private static async Task<IResult> DeleteAllAsync(HttpContext http, string uuid, PlacementDbContext db)
    {
        http.RequireMicroversion("1.5", status: HttpStatusCode.MethodNotAllowed);
        http.Authorize(PlacementPolicies.ResourceProviderInventoriesDelete);
        var provider = await ProviderLookup.GetAsync(db, uuid, http.RequestAborted);
        try
        {
            var classes = await ResourceClassIds.LoadAsync(db, http.RequestAborted);
            await InventoryStore.ReplaceAsync(db, provider, classes, new Dictionary<KnownResourceClass, Capacity>(), http.RequestAborted);
        }
        catch (ProviderGenerationMovedException)
        {
            throw PlacementException.Conflict(
                $"Unable to delete inventory for resource provider {provider.Uuid} because the inventory was updated by another process. Please retry your request.",
                ErrorCodes.ConcurrentUpdate);
        }
        catch (InventoryInUseException e)
        {
            // Nova's report client parses this message (its _RE_INV_IN_USE): keep it as it is.
            throw PlacementException.Conflict(e.Message, ErrorCodes.InventoryInUse);
        }
        return Results.NoContent();
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, string uuid, string resource_class, PlacementDbContext db)
    {
        http.Authorize(PlacementPolicies.ResourceProviderInventoriesDelete);
        var provider = await ProviderLookup.GetAsync(db, uuid, http.RequestAborted);
        try
        {
            var classes = await ResourceClassIds.LoadAsync(db, http.RequestAborted);
            await InventoryStore.DeleteAsync(db, provider, classes, classes.Resolve(resource_class), http.RequestAborted);
        }
        catch (Exception e) when (e is ProviderGenerationMovedException or InventoryInUseException)
        {
            // Upstream tags an in-use refusal here as a concurrent update, unlike the other routes.
            throw PlacementException.Conflict($"Unable to delete inventory of class {resource_class}: {e.Message}", ErrorCodes.ConcurrentUpdate);
        }
        catch (Exception e) when (e is InventoryNotFoundException or UnknownResourceClassException)
        {
            throw PlacementException.NotFound($"No inventory of class {resource_class} found for delete: {e.Message}");
        }
        return Results.NoContent();
    }

    /// <summary>The GET routes word a missing provider in their own way around the lookup's message.</summary>
    private static async Task<ResourceProvider> GetProviderForReadAsync(PlacementDbContext db, string uuid, CancellationToken cancellationToken)
    {
        try
        {
            return await ProviderLookup.GetAsync(db, uuid, cancellationToken);
        }
        catch (PlacementException e) when (e.Status == HttpStatusCode.NotFound)
        {
            throw PlacementException.NotFound($"No resource provider with uuid {uuid} found : {e.Message}");
        }
    }

    private static async Task<JsonNode> ReadInventoryAsync(HttpRequest request, NJsonSchema.JsonSchema schema)
    {
        var body = await JsonBody.ReadAsync(request, schema);
        InventorySchemas.RequireRatiosInRange([(body, "", "")]);
        return body;
    }

    private static void RequireGeneration(JsonNode body, ResourceProvider provider)
    {
        if (body["resource_provider_generation"]!.GetValue<long>() != provider.Generation)
        {
            throw PlacementException.Conflict("resource provider generation conflict", ErrorCodes.ConcurrentUpdate);
        }
    }

    /// <summary>Upstream's _validate_inventory_capacity: from 1.26 reserved may equal total.</summary>
    private static void RequireCapacity(HttpContext http, string className, ResourceProvider provider, Capacity capacity)
    {
        var reservedMayEqualTotal = http.Microversion().IsAtLeast("1.26");
        if (!capacity.IsValidInventory(reservedMayEqualTotal))
        {
            throw new InvalidCapacityException(className, provider.Uuid, reservedMayEqualTotal);
        }
    }

    private static void WarnOverCapacity(ILoggerFactory loggers, ResourceProvider provider, IReadOnlyList<string> overCapacity)
    {
        var logger = loggers.CreateLogger(typeof(InventoryEndpoints));
        foreach (var className in overCapacity)
        {
            logger.LogWarning("Resource provider {Uuid} is now over-capacity for {ResourceClass}", provider.Uuid, className);
        }
    }

    private static string InventoryUrl(HttpContext http, string providerUuid, string className) =>
        $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/resource_providers/{providerUuid}/inventories/{className}";

    private static IResult SendInventory(HttpContext http, ResourceProvider provider, Capacity capacity, DateTime? lastModified, HttpStatusCode status)
    {
        // Upstream reads a row's timestamp; an inventory just written has none, so "now".
        JsonResponse.SetCacheHeaders(http, lastModified);
        var body = new InventoryWithGeneration(
            capacity.Total, capacity.Reserved, capacity.MinUnit, capacity.MaxUnit, capacity.StepSize, capacity.AllocationRatio,
            provider.Generation ?? 0);
        return status == HttpStatusCode.Created ? JsonResponse.Created(body) : JsonResponse.Ok(body);
    }

    private static IResult SendInventories(HttpContext http, ResourceProvider provider, IReadOnlyList<InventoryRecord> inventories)
    {
        if (inventories.Count > 0)
        {
            // An inventory not read from the database counts as modified now.
            JsonResponse.SetCacheHeaders(http, inventories.Max(i => i.LastModified ?? DateTime.UtcNow));
        }
        else if (http.Microversion().IsAtLeast("1.15"))
        {
            // With nothing to date, upstream sends no last-modified at all.
            http.Response.Headers.CacheControl = "no-cache";
        }
        var byClass = inventories.ToDictionary(
            i => i.ResourceClass,
            i => new InventoryView(i.Capacity.Total, i.Capacity.Reserved, i.Capacity.MinUnit, i.Capacity.MaxUnit, i.Capacity.StepSize, i.Capacity.AllocationRatio));
        return JsonResponse.Ok(new InventoriesView(provider.Generation ?? 0, byClass));
    }

    private sealed record InventoryView(int Total, int Reserved, int MinUnit, int MaxUnit, int StepSize, double AllocationRatio);

    /// <summary>One inventory with its provider's generation, which upstream leaves out when it is 0.</summary>
    private sealed record InventoryWithGeneration(
        int Total, int Reserved, int MinUnit, int MaxUnit, int StepSize, double AllocationRatio,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int ResourceProviderGeneration);

    private sealed record InventoriesView(int ResourceProviderGeneration, Dictionary<string, InventoryView> Inventories);
}

/// <summary>Upstream's InvalidInventoryCapacity (and, from 1.26, InvalidInventoryCapacityReservedCanBeTotal).</summary>
public sealed class InvalidCapacityException(string className, string providerUuid, bool reservedMayEqualTotal)
    : Exception($"Invalid inventory for '{className}' on resource provider '{providerUuid}'. "
        + (reservedMayEqualTotal ? "The reserved value is greater than total." : "The reserved value is greater than or equal to total."));
