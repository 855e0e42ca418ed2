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
public sealed class MetricsAccess(IKubernetes client, TimeProvider clock)
{
    private const int MaxCachedTokens = 64;
    private static readonly TimeSpan VerdictLifetime = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (int Status, DateTimeOffset Until)> verdicts = new();

    /// <summary>200 to serve, 401 without a valid token, 403 for a user who may not read metrics.</summary>
    public async Task<int> CheckAsync(string? authorization, CancellationToken ct)
    {
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.Length <= 7)
        {
            return StatusCodes.Status401Unauthorized;
        }
        var token = authorization[7..].Trim();
        // Tokens are kept as digests only.
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        var now = clock.GetUtcNow();
        if (verdicts.TryGetValue(key, out var cached) && cached.Until > now)
        {
            return cached.Status;
        }
        var status = await ReviewAsync(token, ct);
        if (verdicts.Count >= MaxCachedTokens)
        {
            verdicts.Clear();
        }
        verdicts[key] = (status, now + VerdictLifetime);
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
