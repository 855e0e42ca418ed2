namespace Placement.Api.Auth;

/// <summary>
/// Who is calling, built from the identity headers that keystonemiddleware (or, with noauth2,
/// <see cref="NoAuthMiddleware"/>) sets, the way oslo.context's <c>RequestContext.from_environ</c> does.
/// </summary>
public sealed class RequestContext
{
    public string? UserId { get; init; }
    public string? UserDomainId { get; init; }
    public string? ProjectId { get; init; }
    public string? ProjectDomainId { get; init; }
    public string? DomainId { get; init; }

    /// <summary><c>all</c> for a system-scoped token; null when the token is not system scoped.</summary>
    public string? SystemScope { get; init; }

    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>oslo.context assumes the admin project when keystone does not say otherwise.</summary>
    public bool IsAdminProject { get; init; } = true;

    public string? ServiceUserId { get; init; }
    public string? ServiceUserDomainId { get; init; }
    public string? ServiceProjectId { get; init; }
    public string? ServiceProjectDomainId { get; init; }
    public IReadOnlyList<string> ServiceRoles { get; init; } = [];

    /// <summary>Reads the identity headers; for each field the first header present wins, as in oslo.context.</summary>
    public static RequestContext FromHeaders(IHeaderDictionary headers) => new()
    {
        UserId = First(headers, "X-User-Id", "X-User"),
        UserDomainId = First(headers, "X-User-Domain-Id"),
        ProjectId = First(headers, "X-Project-Id", "X-Tenant-Id", "X-Tenant"),
        ProjectDomainId = First(headers, "X-Project-Domain-Id"),
        DomainId = First(headers, "X-Domain-Id"),
        SystemScope = First(headers, "OpenStack-System-Scope"),
        Roles = RoleList(First(headers, "X-Roles", "X-Role")),
        IsAdminProject = (First(headers, "X-Is-Admin-Project") ?? "true").Equals("true", StringComparison.OrdinalIgnoreCase),
        ServiceUserId = First(headers, "X-Service-User-Id"),
        ServiceUserDomainId = First(headers, "X-Service-User-Domain-Id"),
        ServiceProjectId = First(headers, "X-Service-Project-Id"),
        ServiceProjectDomainId = First(headers, "X-Service-Project-Domain-Id"),
        ServiceRoles = RoleList(First(headers, "X-Service-Roles")),
    };

    /// <summary>The credentials policy checks see: oslo.context's <c>to_policy_values()</c> plus the
    /// <c>system</c> key oslo.policy adds for system-scoped tokens.</summary>
    internal IReadOnlyDictionary<string, object?> ToPolicyValues()
    {
        var values = new Dictionary<string, object?>
        {
            ["user_id"] = UserId,
            ["user_domain_id"] = UserDomainId,
            ["system_scope"] = SystemScope,
            ["domain_id"] = DomainId,
            ["project_id"] = ProjectId,
            ["project_domain_id"] = ProjectDomainId,
            ["roles"] = Roles,
            ["is_admin_project"] = IsAdminProject,
            ["service_user_id"] = ServiceUserId,
            ["service_user_domain_id"] = ServiceUserDomainId,
            ["service_project_id"] = ServiceProjectId,
            ["service_project_domain_id"] = ServiceProjectDomainId,
            ["service_roles"] = ServiceRoles,
        };
        if (!string.IsNullOrEmpty(SystemScope))
        {
            values["system"] = SystemScope;
        }
        return values;
    }

    /// <summary>The token's scope as oslo.policy's scope check sees it.</summary>
    internal string TokenScope =>
        !string.IsNullOrEmpty(SystemScope) ? "system" : !string.IsNullOrEmpty(DomainId) ? "domain" : "project";

    private static string? First(IHeaderDictionary headers, params string[] names)
    {
        foreach (var name in names)
        {
            if (headers.TryGetValue(name, out var value))
            {
                return value.ToString();
            }
        }
        return null;
    }

    private static string[] RoleList(string? header) =>
        string.IsNullOrEmpty(header) ? [] : header.Split(',', StringSplitOptions.TrimEntries);
}
