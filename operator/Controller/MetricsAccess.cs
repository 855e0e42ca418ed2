using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;

namespace Placement.Operator.Controller;

/// <summary>
/// Who may read /metrics, decided as kubebuilder's secure metrics decide it (controller-runtime's
/// filters.WithAuthenticationAndAuthorization): the caller's bearer token goes to a TokenReview, and a
/// SubjectAccessReview asks whether that user may `get` the non-resource URL /metrics (the ClusterRole
/// placement-operator-metrics-reader grants it). Verdicts are kept for a minute per token, so a scrape every 15 s
/// costs the API server two reviews a minute.
/// </summary>
public sealed class MetricsAccess(IKubernetes client, TimeProvider clock, ILogger<MetricsAccess> logger)
{
    private const int MaxCachedTokens = 64;
    private static readonly TimeSpan VerdictLifetime = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (int Status, DateTimeOffset Until)> verdicts = new();

    /// <summary>
    /// 200 to serve, 401 without a valid token, 403 for a user who may not read metrics, 503 when the API server
    /// cannot say.
    /// </summary>
    public async Task<int> CheckAsync(string? authorization, CancellationToken ct)
    {
        var token = authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : "";
        if (token.Length == 0)
        {
            return StatusCodes.Status401Unauthorized;
        }
        // Tokens are kept as digests only.
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        var now = clock.GetUtcNow();
        if (verdicts.TryGetValue(key, out var cached) && cached.Until > now)
        {
            return cached.Status;
        }
        int status;
        try
        {
            status = await ReviewAsync(token, ct);
        }
        catch (Exception e) when (e is HttpRequestException or k8s.Autorest.HttpOperationException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("cannot review a metrics caller's token: {Error}", e.Message);
            return StatusCodes.Status503ServiceUnavailable;
        }
        // Only known users' verdicts are kept, so that callers sending made-up tokens cannot push out Prometheus's.
        if (status != StatusCodes.Status401Unauthorized)
        {
            foreach (var expired in verdicts.Where(v => v.Value.Until <= now).Select(v => v.Key).ToList())
            {
                verdicts.TryRemove(expired, out _);
            }
            if (verdicts.Count < MaxCachedTokens)
            {
                verdicts[key] = (status, now + VerdictLifetime);
            }
        }
        return status;
    }

    private async Task<int> ReviewAsync(string token, CancellationToken ct)
    {
        var review = await client.AuthenticationV1.CreateTokenReviewAsync(
            new V1TokenReview { Spec = new V1TokenReviewSpec { Token = token } }, cancellationToken: ct);
        if (review.Status?.Authenticated != true || review.Status.User is not { } user)
        {
            return StatusCodes.Status401Unauthorized;
        }
        var access = await client.AuthorizationV1.CreateSubjectAccessReviewAsync(new V1SubjectAccessReview
        {
            Spec = new V1SubjectAccessReviewSpec
            {
                User = user.Username,
                Uid = user.Uid,
                Groups = user.Groups,
                Extra = user.Extra,
                NonResourceAttributes = new V1NonResourceAttributes { Path = "/metrics", Verb = "get" },
            },
        }, cancellationToken: ct);
        return access.Status?.Allowed == true ? StatusCodes.Status200OK : StatusCodes.Status403Forbidden;
    }
}
