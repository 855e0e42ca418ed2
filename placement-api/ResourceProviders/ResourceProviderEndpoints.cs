namespace Placement.Api.ResourceProviders;

/// <summary>The routes of this resource (upstream: placement/handlers).</summary>
public static class ResourceProviderEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
    }
}
