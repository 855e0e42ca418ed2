namespace Placement.Api.Http;

/// <summary>
/// Gives every request an id <c>req-&lt;uuid&gt;</c>, sent back as <c>x-openstack-request-id</c>
/// and put in error bodies, as oslo.middleware's request_id does.
/// </summary>
public sealed class RequestIdMiddleware(RequestDelegate next)
{
    public const string HeaderName = "x-openstack-request-id";

    public Task InvokeAsync(HttpContext http)
    {
        var id = $"req-{Guid.NewGuid()}";
        http.TraceIdentifier = id;
        http.Response.OnStarting(() =>
        {
            http.Response.Headers[HeaderName] = id;
            return Task.CompletedTask;
        });
        return next(http);
    }
}
