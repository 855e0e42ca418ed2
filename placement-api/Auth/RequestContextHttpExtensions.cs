namespace Placement.Api.Auth;

public static class RequestContextHttpExtensions
{
    /// <summary>The caller's context, stored by the authentication middleware.</summary>
    public static RequestContext GetRequestContext(this HttpContext http) =>
        http.Features.Get<RequestContext>()
        ?? throw new InvalidOperationException("No request context: the authentication middleware did not run for this request.");

    internal static void SetRequestContext(this HttpContext http, RequestContext context) =>
        http.Features.Set(context);
}
