namespace Placement.Api.Allocations;

/// <summary>The routes of this resource (upstream: placement/handlers).</summary>
public static class AllocationEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
    }
}
