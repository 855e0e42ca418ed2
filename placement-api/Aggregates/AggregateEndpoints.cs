namespace Placement.Api.Aggregates;

/// <summary>The routes of this resource (upstream: placement/handlers).</summary>
public static class AggregateEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
    }
}
