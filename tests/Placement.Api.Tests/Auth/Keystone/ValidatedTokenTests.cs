using Placement.Api.Auth.Keystone;

namespace Placement.Api.Tests.Auth.Keystone;

public class ValidatedTokenTests
{
    [Fact]
    public void ASystemScopedTokenHasSystemScopeAndNoProject()
    {
        var context = ValidatedToken.Parse(FakeKeystone.Body("root", project: null, roles: ["admin"], system: true))!.ToRequestContext(null);
        Assert.Equal("all", context.SystemScope);
        Assert.Null(context.ProjectId);
        Assert.Equal("system", context.TokenScope);
    }

    [Fact]
    public void ADomainScopedToken()
    {
        var body = """{"token": {"expires_at": "2030-01-01T00:00:00.000000Z", "user": {"id": "u"}, "domain": {"id": "d1"}, "roles": []}}""";
        Assert.Equal("domain", ValidatedToken.Parse(body)!.ToRequestContext(null).TokenScope);
    }

    [Theory]
    [InlineData("""{"token": {"expires_at": "2030-01-01T00:00:00Z", "user": {"id": "u"}, "roles": []}}""", true)]
    [InlineData("""{"token": {"expires_at": "2030-01-01T00:00:00Z", "user": {"id": "u"}, "roles": [], "is_admin_project": false}}""", false)]
    public void KeystoneSaysWhetherTheProjectIsTheAdminProject(string body, bool expected) =>
        Assert.Equal(expected, ValidatedToken.Parse(body)!.IsAdminProject);

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"access": {}}""")]
    [InlineData("""{"token": {"user": {"id": "u"}}}""")]
    [InlineData("""{"token": {"expires_at": "soon"}}""")]
    public void ABodyThatIsNotAV3TokenIsRefused(string body) => Assert.Null(ValidatedToken.Parse(body));

    [Fact]
    public void ExpiryIsCheckedAgainstTheClock()
    {
        var token = ValidatedToken.Parse(FakeKeystone.Body("u", expires: FakeKeystone.Now))!;
        Assert.False(token.IsExpired(FakeKeystone.Now.AddSeconds(-1)));
        Assert.True(token.IsExpired(FakeKeystone.Now));
    }

    [Fact]
    public void AServiceTokensSystemScopeReplacesTheUsersAsKeystonemiddlewaresHeadersDo()
    {
        var user = ValidatedToken.Parse(FakeKeystone.Body("root", project: null, roles: ["admin"], system: true))!;
        var service = ValidatedToken.Parse(FakeKeystone.Body("nova", "services", ["service"]))!;
        var context = user.ToRequestContext(service);
        Assert.Null(context.SystemScope);
        Assert.Equal("services", context.ServiceProjectId);
    }
}
