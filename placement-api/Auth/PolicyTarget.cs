namespace Placement.Api.Auth;

/// <summary>
/// The object of an action, as upstream handlers pass it to <c>context.can()</c>: a check string's
/// <c>%(key)s</c> is replaced by the value of <c>key</c> here.
/// </summary>
public sealed record PolicyTarget(IReadOnlyDictionary<string, string?> Values)
{
    /// <summary>Upstream's default target, the caller's own project and user: what every handler uses except GET /usages.</summary>
    public static PolicyTarget OfCaller(RequestContext context) => new(new Dictionary<string, string?>
    {
        ["project_id"] = context.ProjectId,
        ["user_id"] = context.UserId,
    });

    /// <summary>GET /usages: the project the usages are asked for (null when the query names none).</summary>
    public static PolicyTarget OfProject(string? projectId) => new(new Dictionary<string, string?>
    {
        ["project_id"] = projectId,
    });
}
