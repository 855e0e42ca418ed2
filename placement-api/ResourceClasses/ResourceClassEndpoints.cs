namespace Placement.Api.ResourceClasses;

/// <summary>The routes of this resource (upstream: placement/handlers).</summary>
public static class ResourceClassEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
    }
}
