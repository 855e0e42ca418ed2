namespace Placement.Api.Database;

/// <summary>
/// Runs a request once more, with a fresh database context, when its database connection was lost before it
/// could have committed anything. After a database restart or failover every pooled connection is dead, and the
/// outage detector empties the pool at the first failure: the second run gets a new connection. Upstream is spared
/// that failure by oslo.db's ping of each pooled connection before use. A request that may have committed
/// something (<see cref="RequestCommits"/>) is not run again: it answers 503, as does a second failure, and as does
/// a request that could not connect at all (a server that is down or out of reach would only be waited for twice).
/// </summary>
public sealed class LostConnectionRetryMiddleware(RequestDelegate next, IServiceScopeFactory scopes, ILogger<LostConnectionRetryMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            // The body is read again by the second run; kept in memory up to 1 MiB (placement's bodies are smaller).
            http.Request.EnableBuffering(bufferThreshold: 1024 * 1024);
        }
        var commits = RequestCommits.Watch();
        try
        {
            await next(http);
            return;
        }
        catch (Exception e) when (DatabaseUnavailableException.FindIn(e) is { WhileConnecting: false } && !commits.MayHaveCommitted
            && !http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
        {
            logger.LogWarning("Database connection lost before {Method} {Path} committed anything: running it again", http.Request.Method, http.Request.Path);
        }

        http.Response.Clear();
        if (http.Request.Body.CanSeek)
        {
            http.Request.Body.Position = 0;
        }
        var services = http.RequestServices;
        await using var scope = scopes.CreateAsyncScope();
        http.RequestServices = scope.ServiceProvider;
        try
        {
            await next(http);
        }
        finally
        {
            http.RequestServices = services;
        }
    }
}
