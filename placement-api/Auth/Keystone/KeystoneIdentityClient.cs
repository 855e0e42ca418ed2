using System.Net;
using System.Text.Json.Nodes;

namespace Placement.Api.Auth.Keystone;

/// <summary>
/// Talks to Keystone's v3 API as the configured service user: logs in (again when its token is about to
/// expire or Keystone refuses it) and validates callers' tokens with <c>GET /v3/auth/tokens</c>.
/// </summary>
public sealed class KeystoneIdentityClient(
    IHttpClientFactory httpClients, KeystoneSettings settings, TimeProvider clock, ILogger<KeystoneIdentityClient> logger) : IDisposable
{
    public const string HttpClientName = "keystone";

    /// <summary>keystoneauth renews its token when less than this is left (capped at half a short token's life).</summary>
    private static readonly TimeSpan RenewBefore = TimeSpan.FromSeconds(120);

    private readonly SemaphoreSlim _loginLock = new(1, 1);
    private ServiceToken? _serviceToken;

    /// <summary>
    /// The token body Keystone returns for <paramref name="token"/>, or null when Keystone says it is not valid
    /// (unknown, expired or revoked). Throws <see cref="KeystoneUnavailableException"/> when Keystone cannot answer.
    /// </summary>
    public async Task<string?> ValidateAsync(string token, bool allowExpired, CancellationToken cancellation)
    {
        var path = allowExpired ? "auth/tokens?nocatalog&allow_expired=1" : "auth/tokens?nocatalog";
        // keystonemiddleware retries once when Keystone refuses the service's own token (e.g. it was revoked).
        for (var attempt = 1; ; attempt++)
        {
            var serviceToken = await ServiceTokenAsync(forceLogin: attempt > 1, cancellation);
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(settings.IdentityV3, path));
            request.Headers.Add("X-Auth-Token", serviceToken);
            request.Headers.Add("X-Subject-Token", token);
            // This service enforces application credentials' access rules (AccessRule), so Keystone may validate
            // tokens restricted by them; without the header it answers 404 for those.
            request.Headers.Add("OpenStack-Identity-Access-Rules", "1");
            using var response = await SendAsync(request, cancellation);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    return await response.Content.ReadAsStringAsync(cancellation);
                case HttpStatusCode.NotFound:
                    return null;
                case HttpStatusCode.Unauthorized when attempt == 1:
                    logger.LogInformation("Keystone refused the service token; logging in again");
                    continue;
                default:
                    throw Unavailable($"token validation answered {(int)response.StatusCode}");
            }
        }
    }

    private async Task<string> ServiceTokenAsync(bool forceLogin, CancellationToken cancellation)
    {
        var seen = _serviceToken;
        if (!forceLogin && seen is not null && !seen.NeedsRenewal(clock.GetUtcNow()))
        {
            return seen.Value;
        }
        await _loginLock.WaitAsync(cancellation);
        try
        {
            // Another request may have logged in while this one waited.
            if (_serviceToken is { } current && current != seen && !current.NeedsRenewal(clock.GetUtcNow()))
            {
                return current.Value;
            }
            _serviceToken = await LoginAsync(cancellation);
            return _serviceToken.Value;
        }
        finally
        {
            _loginLock.Release();
        }
    }

    private async Task<ServiceToken> LoginAsync(CancellationToken cancellation)
    {
        var credentials = settings.Credentials;
        var body = new JsonObject
        {
            ["auth"] = new JsonObject
            {
                ["identity"] = new JsonObject
                {
                    ["methods"] = new JsonArray("password"),
                    ["password"] = new JsonObject
                    {
                        ["user"] = new JsonObject
                        {
                            ["name"] = credentials.Username,
                            ["password"] = credentials.Password,
                            ["domain"] = Domain(credentials.UserDomainId, credentials.UserDomainName),
                        },
                    },
                },
                ["scope"] = new JsonObject
                {
                    ["project"] = new JsonObject
                    {
                        ["name"] = credentials.ProjectName,
                        ["domain"] = Domain(credentials.ProjectDomainId, credentials.ProjectDomainName),
                    },
                },
            },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(settings.IdentityV3, "auth/tokens?nocatalog"))
        {
            Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        using var response = await SendAsync(request, cancellation);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw Unavailable($"logging in as the service user {credentials} answered {(int)response.StatusCode}");
        }
        var token = response.Headers.TryGetValues("X-Subject-Token", out var values) ? values.FirstOrDefault() : null;
        var parsed = ValidatedToken.Parse(await response.Content.ReadAsStringAsync(cancellation));
        if (string.IsNullOrEmpty(token) || parsed is null)
        {
            throw Unavailable("the service login's answer has no token");
        }
        var now = clock.GetUtcNow();
        var lifetime = parsed.ExpiresAt - now;
        var renewBefore = lifetime < RenewBefore * 2 ? lifetime / 2 : RenewBefore;
        return new ServiceToken(token, parsed.ExpiresAt - renewBefore);
    }

    private static JsonObject Domain(string? id, string? name) =>
        id is not null ? new JsonObject { ["id"] = id } : new JsonObject { ["name"] = name };

    /// <summary>Sends with the client's bounded timeouts; an unreachable or silent Keystone becomes a 503.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellation)
    {
        try
        {
            return await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellation);
        }
        catch (HttpRequestException e)
        {
            throw Unavailable($"{request.Method} {request.RequestUri?.GetLeftPart(UriPartial.Path)}: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw Unavailable($"{request.Method} {request.RequestUri?.GetLeftPart(UriPartial.Path)}: timed out");
        }
    }

    private KeystoneUnavailableException Unavailable(string reason)
    {
        logger.LogCritical("Unable to validate token: {Reason}", reason);
        return new KeystoneUnavailableException(reason);
    }

    public void Dispose() => _loginLock.Dispose();

    private sealed record ServiceToken(string Value, DateTimeOffset RenewAt)
    {
        public bool NeedsRenewal(DateTimeOffset now) => now >= RenewAt;

        public override string ToString() => "ServiceToken";
    }
}

/// <summary>Keystone could not be reached or did not answer usefully; the caller gets a 503.</summary>
public sealed class KeystoneUnavailableException(string reason) : Exception(reason);
