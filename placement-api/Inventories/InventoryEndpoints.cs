namespace Placement.Api.Inventories;

/// <summary>The routes of this resource (upstream: placement/handlers).</summary>
public static class InventoryEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
    }
}
