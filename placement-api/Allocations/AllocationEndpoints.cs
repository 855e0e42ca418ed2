namespace Placement.Api.Allocations;

/// <summary>The allocation routes, in upstream's declaration order (placement/handler.py).</summary>
public static class AllocationEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        ProviderAllocationEndpoints.Map(app);
        AllocationBatchEndpoints.Map(app);
        ConsumerAllocationEndpoints.Map(app);
    }

    /// <summary>Upstream's answer to a refused write of PUT /allocations/{consumer_uuid} and POST /allocations.</summary>
    internal static Http.PlacementException Describe(AllocationWriteException error, string notFoundPrefix) => error.Failure switch
    {
        AllocationWriteFailure.UnknownResourceClass => Http.PlacementException.BadRequest($"{notFoundPrefix}{error.Message}"),
        AllocationWriteFailure.InvalidInventory => Http.PlacementException.Conflict($"Unable to allocate inventory: {error.Message}"),
        _ => Http.PlacementException.Conflict(
            $"Inventory and/or allocations changed while attempting to allocate: {error.Message}", Http.ErrorCodes.ConcurrentUpdate),
    };
}
