namespace Placement.Api.Auth;

public static class PolicyHttpExtensions
{
    /// <summary>
    /// Authorizes the caller for a policy action (a <see cref="PlacementPolicies"/> constant) with the target
    /// upstream's handlers pass: the caller's own project and user, unless a handler gives another.
    /// Throws upstream's 403 when not allowed.
    /// </summary>
    public static void Authorize(this HttpContext http, string action, PolicyTarget? target = null)
    {
        var context = http.GetRequestContext();
        http.RequestServices.GetRequiredService<PolicyEnforcer>()
            .Authorize(context, action, target ?? PolicyTarget.OfCaller(context));
    }
}
