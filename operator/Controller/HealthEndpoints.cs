namespace Placement.Operator.Controller;

public static class HealthEndpoints
{
    /// <summary>/healthz (the liveness probe) and /readyz (the readiness probe) from the operator's health.</summary>
    public static void MapHealth(this IEndpointRouteBuilder routes, OperatorHealth health)
    {
        routes.MapGet("/healthz", () => health.Unhealthy() is { } why ? Results.Text(why, statusCode: 503) : Results.Text("ok"));
        routes.MapGet("/readyz", () => health.Ready ? Results.Text("ok") : Results.Text("caches not synced", statusCode: 503));
    }
}
