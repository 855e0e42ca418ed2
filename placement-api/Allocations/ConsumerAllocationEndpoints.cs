using Placement.Api.Auth;
using Placement.Api.Configuration;
using Placement.Api.Database;
using Placement.Api.Http;
using Placement.Api.ResourceProviders;

namespace Placement.Api.Allocations;

/// <summary>/allocations/{consumer_uuid}: one consumer's allocations (upstream: placement/handlers/allocation.py).</summary>
public static class ConsumerAllocationEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPlacement("GET", "/allocations/{consumerUuid}", List);
        app.MapPlacement("PUT", "/allocations/{consumerUuid}", Replace);
        app.MapPlacement("DELETE", "/allocations/{consumerUuid}", Delete);
    }

    private static async Task<IResult> List(HttpContext http, PlacementDbContext db, string consumerUuid)
    {
        RequestChecks.RequireJsonAccepted(http.Request);
        http.Authorize(PlacementPolicies.AllocationsList);
        // Any consumer id is fine here: an unknown one simply has no allocations.
        var rows = await new AllocationStore(db).ForConsumerAsync(consumerUuid, http.RequestAborted);
        var version = http.Microversion();
        var body = new Dictionary<string, object?> { ["allocations"] = ByProvider(rows) };
        if (rows.Count > 0 && version.IsAtLeast("1.12"))
        {
            var consumer = rows[0];
            body["project_id"] = consumer.ProjectId;
            body["user_id"] = consumer.UserId;
            if (version.IsAtLeast("1.28"))
            {
                body["consumer_generation"] = consumer.ConsumerGeneration;
            }
            if (version.IsAtLeast("1.38"))
            {
                body["consumer_type"] = consumer.ConsumerType;
            }
        }
        JsonResponse.SetCacheHeaders(http, LastModified.Newest(rows.Select(r => r.LastModified)));
        return JsonResponse.Ok(body);
    }

    private static async Task<IResult> Replace(
        HttpContext http, PlacementDbContext db, PlacementSettings settings, ILogger<AllocationWriter> logger, string consumerUuid)
    {
        RequestChecks.RequireJsonContent(http.Request);
        http.Authorize(PlacementPolicies.AllocationsUpdate);
        var consumer = UuidText.Normalize(consumerUuid)
            ?? throw PlacementException.BadRequest($"Malformed consumer_uuid: {consumerUuid}");
        var version = http.Microversion();
        var body = await JsonBody.ReadAsync(http.Request, AllocationSchemas.ForPut(version));
        var allocations = AllocationBodies.ForConsumer(consumer, body.AsObject(), version);
        try
        {
            await new AllocationWriter(db, settings, logger).ReplaceAsync([allocations], http.RequestAborted);
        }
        catch (AllocationWriteException error)
        {
            throw AllocationEndpoints.Describe(error, $"Unable to allocate inventory for consumer {consumer}: ");
        }
        return Results.NoContent();
    }

    private static async Task<IResult> Delete(HttpContext http, PlacementDbContext db, string consumerUuid)
    {
        http.Authorize(PlacementPolicies.AllocationsDelete);
        await new AllocationStore(db).DeleteForConsumerAsync(consumerUuid, http.RequestAborted);
        return Results.NoContent();
    }

    /// <summary>{provider uuid: {resources: {class: used}, generation}}, upstream's body of one consumer's allocations.</summary>
    private static Dictionary<string, ProviderAllocations> ByProvider(List<AllocationRow> rows)
    {
        var byProvider = new Dictionary<string, ProviderAllocations>();
        foreach (var row in rows)
        {
            if (!byProvider.TryGetValue(row.ProviderUuid, out var provider))
            {
                provider = new ProviderAllocations([], row.ProviderGeneration);
                byProvider[row.ProviderUuid] = provider;
            }
            provider.Resources[row.ResourceClass] = row.Used;
        }
        return byProvider;
    }

    private sealed record ProviderAllocations(Dictionary<string, int> Resources, int? Generation);
}
