using System.Net;
using Placement.Api.Http;

namespace Placement.Api.Auth;

/// <summary>
/// Authentication for <c>auth_strategy = noauth2</c> (tests and trusted deployments), as upstream's
/// <c>NoAuthMiddleware</c>: the token <c>user[:project]</c> stands for a keystone-validated identity.
/// It rewrites the identity headers keystonemiddleware would set, then builds the request context from them.
/// </summary>
public sealed class NoAuthMiddleware(RequestDelegate next)
{
    /// <summary>webob's text for HTTPUnauthorized, which upstream answers with.</summary>
    internal const string UnauthorizedDetail =
        "This server could not verify that you are authorized to access the document you requested. " +
        "Either you supplied the wrong credentials (e.g., bad password), " +
        "or your browser does not understand how to supply the credentials required.";

    public Task InvokeAsync(HttpContext http)
    {
        if (!IsRoot(http.Request.Path))
        {
            ApplyToken(http.Request.Headers);
        }
        http.SetRequestContext(RequestContext.FromHeaders(http.Request.Headers));
        return next(http);
    }

    /// <summary>The version document at the root is public; the service may be mounted under /placement.</summary>
    internal static bool IsRoot(PathString path) =>
        path.Value is null or "" or "/" or "/placement" or "/placement/";

    private static void ApplyToken(IHeaderDictionary headers)
    {
        if (!headers.TryGetValue("X-Auth-Token", out var token))
        {
            throw new PlacementException(HttpStatusCode.Unauthorized, UnauthorizedDetail);
        }
        var parts = token.ToString().Split(':', 2);
        var userId = parts[0];
        var projectId = parts.Length == 2 && parts[1].Length > 0 ? parts[1] : userId;

        // Real keystone expands implied roles (admin implies member and reader); callers of noauth2 list them all.
        if (!headers.ContainsKey("X-Roles"))
        {
            headers["X-Roles"] = userId == "admin" ? "admin" : "";
        }
        headers["X-User-Id"] = userId;
        // A system-scoped token has no project; an explicit X-Project-Id still wins over X-Tenant-Id.
        if (string.IsNullOrEmpty(headers["OpenStack-System-Scope"]))
        {
            headers["X-Tenant-Id"] = projectId;
        }
    }
}
