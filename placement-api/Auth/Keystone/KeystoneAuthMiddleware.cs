using System.Net;
using Placement.Api.Http;

namespace Placement.Api.Auth.Keystone;

/// <summary>
/// Authentication for <c>auth_strategy = keystone</c>, as keystonemiddleware's auth_token in front of upstream:
/// every path but the root needs a valid <c>X-Auth-Token</c>; the validated token (from the cache or Keystone)
/// becomes the request context, which the same policy rules as with noauth2 then judge.
/// Identity headers sent by the client are never read: the context comes from Keystone's answer only.
/// </summary>
public sealed class KeystoneAuthMiddleware(
    RequestDelegate next,
    KeystoneSettings settings,
    KeystoneIdentityClient keystone,
    ITokenCache cache,
    TimeProvider clock,
    ILogger<KeystoneAuthMiddleware> logger)
{
    /// <summary>keystonemiddleware's own 401 body (not webob's), sent whatever the Accept header says.</summary>
    internal const string UnauthorizedBody =
        """{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}""";

    internal const string UnavailableDetail = "The Keystone service is temporarily unavailable.";

    public async Task InvokeAsync(HttpContext http)
    {
        if (NoAuthMiddleware.IsRoot(http.Request.Path))
        {
            http.SetRequestContext(new RequestContext());
            await next(http);
            return;
        }
        var context = await AuthenticateAsync(http.Request, http.RequestAborted);
        if (context is null)
        {
            await RejectAsync(http);
            return;
        }
        http.SetRequestContext(context);
        await next(http);
    }

    /// <summary>keystonemiddleware's process_request: the service token first (it may allow an expired user token).</summary>
    private async Task<RequestContext?> AuthenticateAsync(HttpRequest request, CancellationToken cancellation)
    {
        var headers = request.Headers;
        ValidatedToken? service = null;
        var allowExpired = false;
        if (Header(headers, "X-Service-Token") is { } serviceToken)
        {
            service = await FetchAsync(serviceToken, allowExpired: false, cancellation);
            var hasServiceRole = service is not null && service.Roles.Intersect(settings.ServiceTokenRoles).Any();
            if (service is null || (settings.ServiceTokenRolesRequired && !hasServiceRole))
            {
                logger.LogInformation("Invalid service token");
                return null;
            }
            allowExpired = hasServiceRole;
        }
        if ((Header(headers, "X-Auth-Token") ?? Header(headers, "X-Storage-Token")) is not { } userToken)
        {
            return null;
        }
        var user = await FetchAsync(userToken, allowExpired, cancellation);
        if (user is null)
        {
            logger.LogInformation("Invalid user token");
            return null;
        }
        if (!AccessRule.Allow(user.AccessRules, settings.ServiceType, request.Method, request.PathBase + request.Path, service is not null))
        {
            logger.LogInformation("The token's access rules do not allow {Method} {Path}", request.Method, request.Path);
            return null;
        }
        return user.ToRequestContext(service);
    }

    /// <summary>keystonemiddleware's fetch_token and _validate_token: cache, else Keystone; then the expiry check.</summary>
    private async Task<ValidatedToken?> FetchAsync(string token, bool allowExpired, CancellationToken cancellation)
    {
        var body = await cache.GetAsync(token, cancellation);
        if (body is null)
        {
            try
            {
                body = await keystone.ValidateAsync(token, allowExpired, cancellation);
            }
            catch (KeystoneUnavailableException)
            {
                throw new PlacementException(HttpStatusCode.ServiceUnavailable, UnavailableDetail)
                {
                    RaisedOutsideHandler = true,
                    FromAuthMiddleware = true,
                };
            }
            if (body is null)
            {
                return null;
            }
            await cache.SetAsync(token, body, cancellation);
        }
        var validated = ValidatedToken.Parse(body);
        if (validated is null)
        {
            logger.LogWarning("Invalid token contents");
            return null;
        }
        return allowExpired || !validated.IsExpired(clock.GetUtcNow()) ? validated : null;
    }

    private async Task RejectAsync(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        http.Response.ContentType = "application/json; charset=UTF-8";
        http.Response.Headers.WWWAuthenticate = $"Keystone uri=\"{settings.WwwAuthenticateUri}\"";
        var body = System.Text.Encoding.UTF8.GetBytes(UnauthorizedBody);
        http.Response.ContentLength = body.Length;
        await http.Response.Body.WriteAsync(body, http.RequestAborted);
    }

    /// <summary>The header's value without surrounding whitespace (keystonemiddleware strips it); null when absent or blank.</summary>
    private static string? Header(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var value) && value.ToString().Trim() is { Length: > 0 } token ? token : null;
}
