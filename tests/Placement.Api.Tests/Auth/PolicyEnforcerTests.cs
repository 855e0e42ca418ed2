using System.Net;
using Placement.Api.Auth;
using Placement.Api.Http;

namespace Placement.Api.Tests.Auth;

/// <summary>Master's rules for the callers of the *-secure-rbac.yaml and *-legacy-rbac.yaml gabbits.</summary>
public sealed class PolicyEnforcerTests : IDisposable
{
    private const string ProjectId = "project-a";
    private const string OtherProjectId = "project-b";

    private static readonly RequestContext Admin = Project("admin_project_id", "admin");
    private static readonly RequestContext Service = Project("service_project_id", "service");
    private static readonly RequestContext ProjectAdmin = Project(ProjectId, "admin", "member", "reader");
    private static readonly RequestContext ProjectMember = Project(ProjectId, "member", "reader");
    private static readonly RequestContext ProjectReader = Project(ProjectId, "reader");
    private static readonly RequestContext OtherProjectAdmin = Project(OtherProjectId, "admin", "member", "reader");
    private static readonly RequestContext OtherProjectReader = Project(OtherProjectId, "reader");
    private static readonly RequestContext SystemAdmin = System("admin", "member", "reader");
    private static readonly RequestContext SystemReader = System("reader");

    private static readonly PolicyOptions SecureRbac = new(null, EnforceScope: true, EnforceNewDefaults: true);
    private static readonly PolicyOptions LegacyRbac = new(null, EnforceScope: true, EnforceNewDefaults: false);

    private readonly string directory = Directory.CreateTempSubdirectory("policy-tests").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static RequestContext Project(string projectId, params string[] roles) =>
        new() { UserId = "user", ProjectId = projectId, Roles = roles };

    private static RequestContext System(params string[] roles) =>
        new() { UserId = "user", SystemScope = "all", Roles = roles };

    private static bool Allows(PolicyEnforcer enforcer, RequestContext caller, string action, PolicyTarget? target = null)
    {
        try
        {
            enforcer.Authorize(caller, action, target ?? PolicyTarget.OfCaller(caller));
            return true;
        }
        catch (PlacementException e) when (e.Status == HttpStatusCode.Forbidden)
        {
            return false;
        }
    }

    private string WritePolicyFile(string text)
    {
        var path = Path.Combine(directory, "policy.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    public static TheoryData<string, bool> SecureProviderList => new()
    {
        { nameof(Admin), true },
        { nameof(Service), true },
        { nameof(ProjectAdmin), true },
        { nameof(ProjectMember), false },
        { nameof(ProjectReader), false },
        { nameof(SystemAdmin), false },
        { nameof(SystemReader), false },
    };

    private static RequestContext Caller(string name) => name switch
    {
        nameof(Admin) => Admin,
        nameof(Service) => Service,
        nameof(ProjectAdmin) => ProjectAdmin,
        nameof(ProjectMember) => ProjectMember,
        nameof(ProjectReader) => ProjectReader,
        nameof(OtherProjectAdmin) => OtherProjectAdmin,
        nameof(OtherProjectReader) => OtherProjectReader,
        nameof(SystemAdmin) => SystemAdmin,
        nameof(SystemReader) => SystemReader,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(SecureProviderList))]
    public void SecureRbacResourceProviderListIsForAdminAndServiceInAProject(string caller, bool allowed) =>
        Assert.Equal(allowed, Allows(new PolicyEnforcer(SecureRbac), Caller(caller), PlacementPolicies.ResourceProvidersList));

    [Theory]
    [InlineData(nameof(Service), true)]
    [InlineData(nameof(Admin), false)]
    [InlineData(nameof(ProjectAdmin), false)]
    [InlineData(nameof(SystemAdmin), false)]
    public void SecureRbacReshapeIsForServiceOnly(string caller, bool allowed) =>
        Assert.Equal(allowed, Allows(new PolicyEnforcer(SecureRbac), Caller(caller), PlacementPolicies.ReshaperReshape));

    [Theory]
    [InlineData(nameof(ProjectAdmin), true)]
    [InlineData(nameof(ProjectMember), false)]
    public void LegacyRbacStillAcceptsTheAdminRoleForServiceRules(string caller, bool allowed) =>
        Assert.Equal(allowed, Allows(new PolicyEnforcer(LegacyRbac), Caller(caller), PlacementPolicies.ReshaperReshape));

    [Theory]
    [InlineData(nameof(ProjectReader), true)]
    [InlineData(nameof(ProjectMember), true)]
    [InlineData(nameof(OtherProjectReader), false)]
    [InlineData(nameof(OtherProjectAdmin), true)]
    [InlineData(nameof(Service), true)]
    [InlineData(nameof(SystemReader), false)]
    public void SecureRbacTotalUsagesAllowReadersOfTheQueriedProject(string caller, bool allowed) =>
        Assert.Equal(allowed, Allows(
            new PolicyEnforcer(SecureRbac), Caller(caller), PlacementPolicies.TotalUsages, PolicyTarget.OfProject(ProjectId)));

    [Fact]
    public void LegacyRbacStillRefusesSystemScopedTokens() =>
        Assert.False(Allows(new PolicyEnforcer(LegacyRbac), SystemAdmin, PlacementPolicies.ResourceProvidersList));

    [Fact]
    public void WithoutScopeEnforcementASystemAdminPassesOnItsRole() =>
        Assert.True(Allows(new PolicyEnforcer(SecureRbac with { EnforceScope = false }), SystemAdmin, PlacementPolicies.ResourceProvidersList));

    [Fact]
    public void RefusalCarriesUpstreamsMessage()
    {
        var e = Assert.Throws<PlacementException>(() =>
            new PolicyEnforcer(SecureRbac).Authorize(ProjectMember, PlacementPolicies.TraitsList, PolicyTarget.OfCaller(ProjectMember)));
        Assert.Equal(HttpStatusCode.Forbidden, e.Status);
        Assert.Equal("Policy does not allow placement:traits:list to be performed.", e.Message);
        Assert.Null(e.ErrorCode);
    }

    [Fact]
    public void AnUnregisteredActionIsAProgrammingError() =>
        Assert.Throws<InvalidOperationException>(() =>
            new PolicyEnforcer(SecureRbac).Authorize(Admin, "placement:nothing", PolicyTarget.OfCaller(Admin)));

    [Fact]
    public void PolicyFileOverridesARuleButNotItsScope()
    {
        var enforcer = new PolicyEnforcer(SecureRbac with
        {
            PolicyFile = WritePolicyFile("\"placement:resource_providers:list\": \"@\"\n"),
        });
        Assert.True(Allows(enforcer, ProjectReader, PlacementPolicies.ResourceProvidersList));
        Assert.False(Allows(enforcer, SystemAdmin, PlacementPolicies.ResourceProvidersList));
        Assert.False(Allows(enforcer, ProjectReader, PlacementPolicies.ResourceProvidersShow));
    }

    [Fact]
    public void OverridingABaseRuleChangesEveryRuleThatRefersToIt()
    {
        var enforcer = new PolicyEnforcer(LegacyRbac with
        {
            PolicyFile = WritePolicyFile("{\"admin_or_service_api\": \"role:member\"}"),
        });
        Assert.True(Allows(enforcer, ProjectMember, PlacementPolicies.TraitsList));
        Assert.False(Allows(enforcer, Admin, PlacementPolicies.TraitsList));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("")]
    public void AnEmptyPolicyFileKeepsTheDefaults(string text) =>
        Assert.False(Allows(
            new PolicyEnforcer(SecureRbac with { PolicyFile = WritePolicyFile(text) }), ProjectMember, PlacementPolicies.TraitsList));

    [Fact]
    public void AMissingPolicyFileKeepsTheDefaults()
    {
        var enforcer = new PolicyEnforcer(SecureRbac with { PolicyFile = Path.Combine(directory, "absent.yaml") });
        Assert.True(Allows(enforcer, Admin, PlacementPolicies.TraitsList));
        Assert.False(Allows(enforcer, ProjectMember, PlacementPolicies.TraitsList));
    }

    [Theory]
    [InlineData("\"placement:traits:list\": [\"role:admin\"]\n")]
    [InlineData("- not a mapping\n")]
    [InlineData("{\"unclosed\": \"@\"\n")]
    public void AnUnreadablePolicyFileIsAStartupErrorNamingIt(string text)
    {
        var path = WritePolicyFile(text);
        var e = Assert.Throws<InvalidDataException>(() => new PolicyEnforcer(SecureRbac with { PolicyFile = path }));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CyclicRuleReferencesAreAStartupError()
    {
        var path = WritePolicyFile("a: rule:b\nb: rule:a or role:admin\n");
        var e = Assert.Throws<InvalidDataException>(() => new PolicyEnforcer(SecureRbac with { PolicyFile = path }));
        Assert.Contains("a, b", e.Message, StringComparison.Ordinal);
    }
}
