using Placement.Api.Auth;

namespace Placement.Api.Tests.Auth;

/// <summary>Check-string semantics; every expectation was cross-checked against oslo.policy 4.0.0's parser and checks.</summary>
public class PolicyCheckParserTests
{
    private static readonly RequestContext ProjectCaller = new()
    {
        UserId = "u1",
        ProjectId = "p1",
        Roles = ["Admin", "member"],
    };

    private static readonly RequestContext SystemCaller = new()
    {
        UserId = "u1",
        SystemScope = "all",
        Roles = ["Admin", "member"],
    };

    private static readonly Dictionary<string, string> NamedRules = new()
    {
        ["is_admin"] = "role:admin",
        ["admin_or_x"] = "rule:is_admin or role:x",
    };

    private static bool Passes(string checkString, RequestContext caller, PolicyTarget target) =>
        PolicyCheckParser.Parse(checkString).Passes(new PolicyEvaluation(
            NamedRules.ToDictionary(r => r.Key, r => PolicyCheckParser.Parse(r.Value)),
            caller.ToPolicyValues(),
            target));

    [Theory]
    [InlineData("@", true)]
    [InlineData("!", false)]
    [InlineData("", true)]
    [InlineData("   ", false)]
    [InlineData("@ and not !", true)]
    [InlineData("role:admin", true)]
    [InlineData("role:ADMIN", true)]
    [InlineData("role:reader", false)]
    [InlineData("not role:reader", true)]
    [InlineData("role:admin AND role:member", true)]
    [InlineData("((role:admin))", true)]
    public void SimpleChecksAndRoles(string checkString, bool expected) =>
        Assert.Equal(expected, Passes(checkString, ProjectCaller, PolicyTarget.OfCaller(ProjectCaller)));

    [Theory]
    [InlineData("role:admin or role:reader and role:nothing", true)]
    [InlineData("(role:admin or role:reader) and role:nothing", false)]
    [InlineData("not role:admin or role:member", true)]
    [InlineData("not (role:admin or role:member)", false)]
    [InlineData("role:admin or role:reader and role:nothing or role:nothing", true)]
    [InlineData("role:nothing or role:admin and role:member and role:nothing", false)]
    public void NotBindsTighterThanAndWhichBindsTighterThanOr(string checkString, bool expected) =>
        Assert.Equal(expected, Passes(checkString, ProjectCaller, PolicyTarget.OfCaller(ProjectCaller)));

    [Theory]
    [InlineData("rule:is_admin", true)]
    [InlineData("rule:admin_or_x", true)]
    [InlineData("rule:undefined", false)]
    public void RuleReferences(string checkString, bool expected) =>
        Assert.Equal(expected, Passes(checkString, ProjectCaller, PolicyTarget.OfCaller(ProjectCaller)));

    [Theory]
    [InlineData("role:admin and", false)]
    [InlineData("role:admin role:member", false)]
    [InlineData("'quoted' or @", false)]
    [InlineData("(role:admin", false)]
    [InlineData("role:admin)", false)]
    [InlineData("admin or @", true)]
    public void UnparsableStringsDenyButAColonlessCheckIsOnlyFalse(string checkString, bool expected) =>
        Assert.Equal(expected, Passes(checkString, ProjectCaller, PolicyTarget.OfCaller(ProjectCaller)));

    [Theory]
    [InlineData("user_id:u1", true)]
    [InlineData("is_admin_project:True", true)]
    [InlineData("roles:member", true)]
    [InlineData("roles:admin", false)]
    [InlineData("system_scope:all", false)]
    public void FieldChecksCompareCredentials(string checkString, bool expected) =>
        Assert.Equal(expected, Passes(checkString, ProjectCaller, PolicyTarget.OfCaller(ProjectCaller)));

    [Fact]
    public void SystemScopeCheckMatchesASystemScopedCaller() =>
        Assert.True(Passes("system_scope:all", SystemCaller, PolicyTarget.OfCaller(SystemCaller)));

    [Theory]
    [InlineData("p1", true)]
    [InlineData("p2", false)]
    public void FieldChecksSubstituteTheTarget(string targetProject, bool expected) =>
        Assert.Equal(expected, Passes("project_id:%(project_id)s", ProjectCaller, PolicyTarget.OfProject(targetProject)));

    [Fact]
    public void AKeyMissingFromTheTargetFailsTheCheck() =>
        Assert.False(Passes("project_id:%(project_id)s", ProjectCaller, new PolicyTarget(new Dictionary<string, string?>())));

    [Fact]
    public void NoneComparesAsPythonRendersIt() =>
        Assert.True(Passes("project_id:%(project_id)s", SystemCaller, PolicyTarget.OfProject(null)));

    [Theory]
    [InlineData("True:%(value)s", "True", true)]
    [InlineData("True:%(value)s", "False", false)]
    [InlineData("'member':%(value)s", "member", true)]
    [InlineData("42:%(value)s", "42", true)]
    [InlineData("role:%(value)s", "MEMBER", true)]
    public void LiteralKindsAndSubstitutedRoles(string checkString, string value, bool expected) =>
        Assert.Equal(expected, Passes(checkString, ProjectCaller, new PolicyTarget(new Dictionary<string, string?> { ["value"] = value })));
}
