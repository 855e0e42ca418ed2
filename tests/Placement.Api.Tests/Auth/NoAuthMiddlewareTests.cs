using System.Net;
using Microsoft.AspNetCore.Http;
using Placement.Api.Auth;
using Placement.Api.Http;

namespace Placement.Api.Tests.Auth;

public class NoAuthMiddlewareTests
{
    /// <summary>Runs the middleware on a request with these headers and returns the context the next layer sees.</summary>
    private static async Task<RequestContext> ContextFor(string path, params (string Name, string Value)[] headers)
    {
        var http = new DefaultHttpContext();
        http.Request.Path = path;
        foreach (var (name, value) in headers)
        {
            http.Request.Headers[name] = value;
        }
        RequestContext? seen = null;
        await new NoAuthMiddleware(next => { seen = next.GetRequestContext(); return Task.CompletedTask; }).InvokeAsync(http);
        return seen ?? throw new InvalidOperationException("the next middleware was not called");
    }

    [Fact]
    public async Task NoTokenIsUnauthorizedWithWebobsText()
    {
        var e = await Assert.ThrowsAsync<PlacementException>(() => ContextFor("/resource_providers"));
        Assert.Equal(HttpStatusCode.Unauthorized, e.Status);
        Assert.StartsWith("This server could not verify that you are authorized", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/placement")]
    [InlineData("/placement/")]
    public async Task TheRootNeedsNoToken(string path) =>
        Assert.Null((await ContextFor(path)).UserId);

    [Fact]
    public async Task TheTokenNamesUserAndProject()
    {
        var context = await ContextFor("/traits", ("x-auth-token", "alice:proj"));
        Assert.Equal("alice", context.UserId);
        Assert.Equal("proj", context.ProjectId);
        Assert.Empty(context.Roles);
        Assert.Equal("project", context.TokenScope);
    }

    [Fact]
    public async Task TheProjectDefaultsToTheUser() =>
        Assert.Equal("alice", (await ContextFor("/traits", ("x-auth-token", "alice"))).ProjectId);

    [Theory]
    [InlineData("admin", new[] { "admin" })]
    [InlineData("admin:admin", new[] { "admin" })]
    [InlineData("user", new string[0])]
    public async Task OnlyTheAdminUserGetsARoleWithoutXRoles(string token, string[] roles) =>
        Assert.Equal(roles, (await ContextFor("/traits", ("x-auth-token", token))).Roles);

    [Fact]
    public async Task XRolesListsTheRoles() =>
        Assert.Equal(["member", "reader"], (await ContextFor("/traits", ("x-auth-token", "admin"), ("x-roles", "member, reader"))).Roles);

    [Fact]
    public async Task XProjectIdOverridesTheTokensProject() =>
        Assert.Equal("other", (await ContextFor("/traits", ("x-auth-token", "user:proj"), ("x-project-id", "other"))).ProjectId);

    [Fact]
    public async Task TheTokenOverridesUserAndTenantHeaders()
    {
        var context = await ContextFor("/traits", ("x-auth-token", "user:proj"), ("x-user-id", "mallory"), ("x-tenant-id", "evil"));
        Assert.Equal("user", context.UserId);
        Assert.Equal("proj", context.ProjectId);
    }

    [Fact]
    public async Task SystemScopeMeansNoProject()
    {
        var context = await ContextFor("/traits", ("x-auth-token", "user"), ("x-roles", "admin"), ("openstack-system-scope", "all"));
        Assert.Equal("all", context.SystemScope);
        Assert.Null(context.ProjectId);
        Assert.Equal("system", context.TokenScope);
    }

    [Fact]
    public async Task RequestContextIsAvailableAtTheRootToo()
    {
        var context = await ContextFor("/", ("x-auth-token", "alice:proj"));
        Assert.Null(context.ProjectId);
        Assert.True(context.IsAdminProject);
    }
}
