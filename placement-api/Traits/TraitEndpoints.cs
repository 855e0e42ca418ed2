namespace Placement.Api.Traits;

/// <summary>The routes of this resource (upstream: placement/handlers).</summary>
public static class TraitEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
    }
}
