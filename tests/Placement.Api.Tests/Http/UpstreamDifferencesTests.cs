using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Placement.Api.Tests.Freshness;

namespace Placement.Api.Tests.Http;

/// <summary>
/// Answers where we differed from upstream (master and 8.0.0 alike), found by driving both with the same calls;
/// each case was checked against 8.0.0's server.
/// </summary>
public sealed class UpstreamDifferencesTests : IAsyncLifetime
{
    private const string Missing = "00000000-0000-4000-8000-000000000001";
    private readonly string _directory = Directory.CreateTempSubdirectory("placement-upstream-").FullName;
    private OurServer? _server;

    private HttpClient Client => _server!.Client;

    public async Task InitializeAsync() => _server = await OurServer.StartAsync($"sqlite:///{Path.Combine(_directory, "placement.db")}");

    public async Task DisposeAsync()
    {
        await _server!.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonObject? body = null, string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }
        return await Client.SendAsync(request);
    }

    [Theory]
    // A lookup upstream's handler lets through (handler.py turns it into a 404 past the microversion middleware).
    [InlineData("GET", $"/resource_providers/{Missing}", false)]
    [InlineData("GET", $"/resource_providers/{Missing}/aggregates", false)]
    [InlineData("GET", "/resource_classes/CUSTOM_NOPE", false)]
    // One the handler catches and answers itself.
    [InlineData("GET", $"/resource_providers/{Missing}/inventories", true)]
    [InlineData("DELETE", $"/resource_providers/{Missing}", true)]
    public async Task A_404_for_something_missing_varies_as_upstreams_does(string method, string path, bool vary)
    {
        var response = await SendAsync(new HttpMethod(method), path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("placement 1.39", response.Headers.GetValues("openstack-api-version").Single());
        Assert.Equal(vary, response.Headers.Vary.Contains("openstack-api-version"));
    }

    [Fact]
    public async Task A_provider_made_its_own_parent_is_refused_before_its_uuid_is_found_taken()
    {
        (await SendAsync(HttpMethod.Post, "/resource_providers", new JsonObject { ["name"] = "a", ["uuid"] = Missing })).EnsureSuccessStatusCode();

        var response = await SendAsync(HttpMethod.Post, "/resource_providers",
            new JsonObject { ["name"] = "b", ["uuid"] = Missing, ["parent_provider_uuid"] = Missing });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("parent provider UUID cannot be same as UUID", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PUT", "/resource_classes/")]
    [InlineData("GET", "/resource_classes/")]
    [InlineData("GET", "/resource_providers/")]
    [InlineData("GET", $"/resource_providers/{Missing}/")]
    public async Task A_path_with_a_trailing_slash_is_unknown(string method, string path)
    {
        var response = await SendAsync(new HttpMethod(method), path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("openstack-api-version", response.Headers.Vary);
    }

    [Theory]
    [InlineData("garbage", HttpStatusCode.OK)]
    [InlineData("text/html;;q=x", HttpStatusCode.OK)]
    [InlineData("text/plain", HttpStatusCode.NotAcceptable)]
    public async Task An_accept_header_that_is_not_one_counts_as_absent(string accept, HttpStatusCode status) =>
        Assert.Equal(status, (await SendAsync(HttpMethod.Get, "/resource_providers", accept: accept)).StatusCode);
}
