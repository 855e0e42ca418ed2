using System.Globalization;
using System.Text.Json.Nodes;

namespace Placement.Api.Auth.Keystone;

/// <summary>
/// The body of Keystone's <c>GET /v3/auth/tokens</c> for one token (<c>{"token": {...}}</c>), read the way
/// keystoneauth's AccessInfoV3 reads it for keystonemiddleware's identity headers.
/// </summary>
public sealed class ValidatedToken
{
    public required string? UserId { get; init; }
    public required string? UserDomainId { get; init; }
    public required string? ProjectId { get; init; }
    public required string? ProjectDomainId { get; init; }
    public required string? DomainId { get; init; }

    /// <summary><c>all</c> for a token scoped to the whole system.</summary>
    public required string? SystemScope { get; init; }

    /// <summary>Role names; Keystone has already added the roles the assigned ones imply.</summary>
    public required IReadOnlyList<string> Roles { get; init; }

    public required bool IsAdminProject { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>An application credential's access rules, null when the token is not restricted by any.</summary>
    public IReadOnlyList<AccessRule>? AccessRules { get; init; }

    /// <summary>Reads the body; null when it is not a v3 token (keystonemiddleware: "Invalid token contents").</summary>
    public static ValidatedToken? Parse(string json)
    {
        JsonNode? token;
        try
        {
            token = JsonNode.Parse(json)?["token"];
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
        if (token is not JsonObject
            || token["expires_at"]?.GetValueKind() != System.Text.Json.JsonValueKind.String
            || !DateTimeOffset.TryParse(token["expires_at"]!.GetValue<string>(), CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var expiresAt))
        {
            return null;
        }
        return new ValidatedToken
        {
            UserId = Text(token["user"]?["id"]),
            UserDomainId = Text(token["user"]?["domain"]?["id"]),
            ProjectId = Text(token["project"]?["id"]),
            ProjectDomainId = Text(token["project"]?["domain"]?["id"]),
            DomainId = Text(token["domain"]?["id"]),
            SystemScope = token["system"]?["all"]?.GetValueKind() == System.Text.Json.JsonValueKind.True ? "all" : null,
            Roles = token["roles"] is JsonArray roles
                ? [.. roles.Select(role => Text(role?["name"])).OfType<string>()]
                : [],
            // Keystone leaves the field out unless an admin project is configured; keystoneauth then says true.
            IsAdminProject = token["is_admin_project"]?.GetValueKind() != System.Text.Json.JsonValueKind.False,
            ExpiresAt = expiresAt,
            AccessRules = token["application_credential"]?["access_rules"] is JsonArray rules
                ? [.. rules.Select(rule => new AccessRule(
                    Text(rule?["method"]) ?? "", Text(rule?["path"]) ?? "", Text(rule?["service"]) ?? ""))]
                : null,
        };
    }

    public bool IsExpired(DateTimeOffset now) => ExpiresAt <= now;

    /// <summary>
    /// The request context keystonemiddleware's headers give oslo.context. A valid service token adds the
    /// service fields and, as keystonemiddleware rewrites <c>OpenStack-System-Scope</c> from the service
    /// token too, its system scope replaces the user's.
    /// </summary>
    public RequestContext ToRequestContext(ValidatedToken? service) => new()
    {
        UserId = UserId,
        UserDomainId = UserDomainId,
        ProjectId = ProjectId,
        ProjectDomainId = ProjectDomainId,
        DomainId = DomainId,
        SystemScope = service is null ? SystemScope : service.SystemScope,
        Roles = Roles,
        IsAdminProject = IsAdminProject,
        ServiceUserId = service?.UserId,
        ServiceUserDomainId = service?.UserDomainId,
        ServiceProjectId = service?.ProjectId,
        ServiceProjectDomainId = service?.ProjectDomainId,
        ServiceRoles = service?.Roles ?? [],
    };

    private static string? Text(JsonNode? node) =>
        node?.GetValueKind() == System.Text.Json.JsonValueKind.String ? node.GetValue<string>() : null;
}
