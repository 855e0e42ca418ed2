using System.Net;
using System.Text.Json.Nodes;
using Placement.Api.Allocations;
using Placement.Api.Auth;
using Placement.Api.Configuration;
using Placement.Api.Database;
using Placement.Api.Http;
using Placement.Api.Inventories;
using Placement.Api.ResourceProviders;

namespace Placement.Api.Reshaper;

/// <summary>
/// POST /reshaper (1.30; upstream: placement/handlers/reshaper.py): moves inventory and the
/// allocations drawn from it between providers atomically, e.g. from a root to a new child.
/// </summary>
public static class ReshaperEndpoints
{
    public static void Map(IEndpointRouteBuilder app) => app.MapPlacement("POST", "/reshaper", ReshapeAsync);

    private static async Task<IResult> ReshapeAsync(HttpContext http, PlacementDbContext db, PlacementSettings settings, ILoggerFactory loggers)
    {
        http.RequireMicroversion("1.30");
        RequestChecks.RequireJsonContent(http.Request);
        http.Authorize(PlacementPolicies.ReshaperReshape);
        var version = http.Microversion();
        var body = await JsonBody.ReadAsync(http.Request, ReshaperSchemas.For(version));
        InventorySchemas.RequireRatiosInRange(ReshaperSchemas.InventoriesOf(body));
        var inventories = await ReadInventoriesAsync(db, body["inventories"]!.AsObject(), http.RequestAborted);
        var allocations = AllocationBodies.ForConsumers(body["allocations"]!.AsObject(), version);
        var operation = new ReshapeOperation(
            db, new AllocationWriter(db, settings, loggers.CreateLogger<AllocationWriter>()), loggers.CreateLogger<ReshapeOperation>());
        try
        {
            await operation.RunAsync(inventories, allocations, http.RequestAborted);
        }
        catch (UnknownResourceClassException e)
        {
            throw PlacementException.BadRequest($"malformed reshaper data: {e.Message}");
        }
        catch (ProviderGenerationMovedException e)
        {
            throw PlacementException.Conflict($"update conflict: {e.Message}", ErrorCodes.ConcurrentUpdate);
        }
        catch (InventoryInUseException e)
        {
            throw PlacementException.Conflict($"update conflict: {e.Message}", ErrorCodes.InventoryInUse);
        }
        catch (AllocationWriteException e)
        {
            throw e.Failure switch
            {
                AllocationWriteFailure.UnknownResourceClass => PlacementException.BadRequest($"malformed reshaper data: {e.Message}"),
                AllocationWriteFailure.InvalidInventory => PlacementException.Conflict($"Unable to allocate inventory: {e.Message}"),
                _ => PlacementException.Conflict($"update conflict: {e.Message}", ErrorCodes.ConcurrentUpdate),
            };
        }
        return Results.NoContent();
    }

    /// <summary>Each provider, in the body's order: it must exist and be at the generation the request names.</summary>
    private static async Task<List<ProviderInventories>> ReadInventoriesAsync(
        PlacementDbContext db, JsonObject inventories, CancellationToken cancellationToken)
    {
        var result = new List<ProviderInventories>();
        foreach (var (uuid, data) in inventories)
        {
            var provider = await GetProviderAsync(db, uuid, cancellationToken);
            var given = data!["resource_provider_generation"]!.AsValue();
            if (!given.TryGetValue<long>(out var generation) || generation != provider.Generation)
            {
                throw PlacementException.Conflict(
                    $"resource provider generation conflict for provider {uuid}: actual: {provider.Generation?.ToString() ?? "None"}, given: {given.ToJsonString()}",
                    ErrorCodes.ConcurrentUpdate);
            }
            var wanted = data["inventories"]!.AsObject().ToDictionary(pair => pair.Key, pair => InventorySchemas.ReadCapacity(pair.Value!));
            result.Add(new ProviderInventories(provider, wanted));
        }
        return result;
    }

    private static async Task<Database.Entities.ResourceProvider> GetProviderAsync(PlacementDbContext db, string uuid, CancellationToken cancellationToken)
    {
        try
        {
            return await ProviderLookup.GetAsync(db, uuid, cancellationToken);
        }
        catch (PlacementException e) when (e.Status == HttpStatusCode.NotFound)
        {
            throw PlacementException.BadRequest(
                $"Resource provider {uuid} in inventories not found: {e.Message}", ErrorCodes.ResourceProviderNotFound);
        }
    }
}
