using Prometheus;

namespace Placement.Operator.Controller;

/// <summary>
/// /metrics on a port of its own, over HTTPS (see <see cref="MetricsCertificate"/>), for callers
/// <see cref="MetricsAccess"/> lets in; the health port serves no metrics.
/// </summary>
public static class MetricsEndpoint
{
    public static void UseSecureMetrics(this IApplicationBuilder app, int port, MetricsAccess access) =>
        app.MapWhen(context => context.Connection.LocalPort == port, metrics =>
        {
            metrics.Use(async (context, next) =>
            {
                var status = await access.CheckAsync(context.Request.Headers.Authorization.FirstOrDefault(), context.RequestAborted);
                if (status != StatusCodes.Status200OK)
                {
                    context.Response.StatusCode = status;
                    return;
                }
                await next(context);
            });
            metrics.UseMetricServer("/metrics");
        });
}
