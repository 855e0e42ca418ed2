using Placement.Api.Auth.Keystone;

namespace Placement.Api.Tests.Auth.Keystone;

public class AccessRuleTests
{
    private static readonly AccessRule[] ListProviders = [new("GET", "/resource_providers", "placement")];

    [Theory]
    [InlineData("/resource_providers/*", "/resource_providers/abc", true)]
    [InlineData("/resource_providers/*", "/resource_providers/abc/traits", false)]
    [InlineData("/resource_providers/{uuid}/traits", "/resource_providers/abc/traits", true)]
    [InlineData("/resource_providers/**", "/resource_providers/abc/traits", true)]
    [InlineData("/traits", "/traits/CUSTOM_X", false)]
    [InlineData("/a.b", "/axb", false)]
    public void PathsMatchAsKeystonemiddlewareMatchesThem(string rule, string path, bool expected) =>
        Assert.Equal(expected, new AccessRule("GET", rule, "placement").Matches(path));

    [Fact]
    public void AnUnrestrictedTokenIsAllowedAnything() =>
        Assert.True(AccessRule.Allow(null, null, "DELETE", "/traits/CUSTOM_X", withServiceToken: false));

    [Fact]
    public void ARestrictedTokenNeedsTheServiceTypeConfigured() =>
        Assert.False(AccessRule.Allow(ListProviders, null, "GET", "/resource_providers", withServiceToken: false));

    [Theory]
    [InlineData("GET", "/resource_providers", "placement", true)]
    [InlineData("POST", "/resource_providers", "placement", false)]
    [InlineData("GET", "/traits", "placement", false)]
    [InlineData("GET", "/resource_providers", "compute", false)]
    public void ARestrictedTokenNeedsARuleForTheRequest(string method, string path, string serviceType, bool expected) =>
        Assert.Equal(expected, AccessRule.Allow(ListProviders, serviceType, method, path, withServiceToken: false));

    [Fact]
    public void AServiceTokenVouchesForAChainedRequest() =>
        Assert.True(AccessRule.Allow(ListProviders, "placement", "DELETE", "/traits/CUSTOM_X", withServiceToken: true));

    [Fact]
    public void TheTokensRulesAreRead()
    {
        var body = """{"token": {"expires_at": "2030-01-01T00:00:00Z", "user": {"id": "u"}, "roles": [],""" +
            """ "application_credential": {"id": "a", "access_rules": [{"method": "GET", "path": "/traits", "service": "placement"}]}}}""";
        Assert.Equal([new AccessRule("GET", "/traits", "placement")], ValidatedToken.Parse(body)!.AccessRules);
    }
}
