namespace Placement.Api.Usages;

/// <summary>The routes of this resource (upstream: placement/handlers).</summary>
public static class UsageEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
    }
}
