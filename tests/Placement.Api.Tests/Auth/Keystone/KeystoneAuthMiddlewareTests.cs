using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Placement.Api.Auth;
using Placement.Api.Auth.Keystone;
using Placement.Api.Http;

namespace Placement.Api.Tests.Auth.Keystone;

public sealed class KeystoneAuthMiddlewareTests : IDisposable
{
    private readonly FakeKeystone _keystone = new();
    private readonly TestClock _clock = new();
    private readonly InProcessTokenCache _cache = new(FakeKeystone.Settings);
    private readonly KeystoneIdentityClient _client;
    private readonly KeystoneAuthMiddleware _middleware;
    private RequestContext? _seen;

    public KeystoneAuthMiddlewareTests()
    {
        _client = _keystone.Client(_clock);
        _middleware = new KeystoneAuthMiddleware(
            http => { _seen = http.GetRequestContext(); return Task.CompletedTask; },
            FakeKeystone.Settings, _client, _cache, _clock, NullLogger<KeystoneAuthMiddleware>.Instance);
    }

    public void Dispose()
    {
        _client.Dispose();
        _cache.Dispose();
        _keystone.Dispose();
    }

    private async Task<HttpContext> Send(string path, params (string Name, string Value)[] headers)
    {
        _seen = null;
        var http = new DefaultHttpContext();
        http.Request.Path = path;
        http.Response.Body = new MemoryStream();
        foreach (var (name, value) in headers)
        {
            http.Request.Headers[name] = value;
        }
        await _middleware.InvokeAsync(http);
        return http;
    }

    private static string BodyOf(HttpContext http) =>
        System.Text.Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray());

    [Fact]
    public async Task NoTokenGetsKeystonemiddlewares401()
    {
        var http = await Send("/resource_providers");
        Assert.Equal(401, http.Response.StatusCode);
        Assert.Equal("Keystone uri=\"http://keystone.test/identity\"", http.Response.Headers.WWWAuthenticate.ToString());
        Assert.Equal("application/json; charset=UTF-8", http.Response.ContentType);
        Assert.Equal("""{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}""", BodyOf(http));
        Assert.Null(_seen);
    }

    [Fact]
    public async Task TheRootNeedsNoToken()
    {
        var http = await Send("/");
        Assert.Equal(200, http.Response.StatusCode);
        Assert.Null(_seen!.UserId);
        Assert.Equal(0, _keystone.Logins);
    }

    [Fact]
    public async Task AValidTokenBecomesTheContextAndClientIdentityHeadersAreIgnored()
    {
        _keystone.Tokens["t1"] = FakeKeystone.Body("alice", "p1", ["member", "reader"]);
        await Send("/traits", ("X-Auth-Token", " t1 "), ("X-Roles", "admin"), ("X-Project-Id", "other"));
        Assert.Equal("alice", _seen!.UserId);
        Assert.Equal("p1", _seen.ProjectId);
        Assert.Equal(["member", "reader"], _seen.Roles);
        Assert.Equal("project", _seen.TokenScope);
    }

    [Fact]
    public async Task AValidatedTokenIsCachedUntilItExpires()
    {
        _keystone.Tokens["t1"] = FakeKeystone.Body("alice", expires: FakeKeystone.Now.AddMinutes(1));
        await Send("/traits", ("X-Auth-Token", "t1"));
        await Send("/traits", ("X-Auth-Token", "t1"));
        Assert.Single(_keystone.Validations);
        Assert.Equal("alice", _seen!.UserId);

        _clock.Now = FakeKeystone.Now.AddMinutes(2);
        var http = await Send("/traits", ("X-Auth-Token", "t1"));
        Assert.Equal(401, http.Response.StatusCode);
        Assert.Single(_keystone.Validations);
    }

    [Fact]
    public async Task AnUnknownTokenIs401()
    {
        var http = await Send("/traits", ("X-Auth-Token", "revoked"));
        Assert.Equal(401, http.Response.StatusCode);
        Assert.Equal(["revoked?nocatalog"], _keystone.Validations);
    }

    [Fact]
    public async Task TheServiceLogsInAgainWhenKeystoneRefusesItsToken()
    {
        _keystone.Tokens["t1"] = FakeKeystone.Body("alice");
        await Send("/traits", ("X-Auth-Token", "t1"));
        _keystone.ServiceTokens.Clear();
        _keystone.Tokens["t2"] = FakeKeystone.Body("bob");
        await Send("/traits", ("X-Auth-Token", "t2"));
        Assert.Equal("bob", _seen!.UserId);
        Assert.Equal(2, _keystone.Logins);
    }

    [Fact]
    public async Task KeystoneDownIs503()
    {
        _keystone.Down = true;
        var e = await Assert.ThrowsAsync<PlacementException>(() => Send("/traits", ("X-Auth-Token", "t1")));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.Status);
        Assert.Equal("The Keystone service is temporarily unavailable.", e.Message);
    }

    [Fact]
    public async Task AServiceTokenWithTheServiceRoleAllowsAnExpiredUserToken()
    {
        _keystone.Tokens["old"] = FakeKeystone.Body("alice", expires: FakeKeystone.Now.AddMinutes(-1));
        _keystone.Tokens["svc"] = FakeKeystone.Body("nova", "services", ["service"]);
        await Send("/traits", ("X-Auth-Token", "old"), ("X-Service-Token", "svc"));
        Assert.Equal("alice", _seen!.UserId);
        Assert.Equal("nova", _seen.ServiceUserId);
        Assert.Equal(["service"], _seen.ServiceRoles);
        Assert.Contains("old?nocatalog&allow_expired=1", _keystone.Validations);
    }

    [Fact]
    public async Task AnExpiredUserTokenWithAServiceTokenLackingTheRoleIs401()
    {
        _keystone.Tokens["old"] = FakeKeystone.Body("alice", expires: FakeKeystone.Now.AddMinutes(-1));
        _keystone.Tokens["svc"] = FakeKeystone.Body("bob", "p1", ["member"]);
        var http = await Send("/traits", ("X-Auth-Token", "old"), ("X-Service-Token", "svc"));
        Assert.Equal(401, http.Response.StatusCode);
    }

    [Fact]
    public async Task AnInvalidServiceTokenRejectsTheRequest()
    {
        _keystone.Tokens["t1"] = FakeKeystone.Body("alice");
        var http = await Send("/traits", ("X-Auth-Token", "t1"), ("X-Service-Token", "bogus"));
        Assert.Equal(401, http.Response.StatusCode);
    }
}
