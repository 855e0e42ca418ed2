using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Placement.Api.Auth.Keystone;

namespace Placement.Api.Tests.Auth.Keystone;

/// <summary>Keystone's two calls the service makes (service login, token validation), answered from a table of tokens.</summary>
internal sealed class FakeKeystone : HttpMessageHandler, IHttpClientFactory
{
    public static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Token → body Keystone returns for it; a token missing here is unknown (404).</summary>
    public Dictionary<string, string> Tokens { get; } = [];

    /// <summary>Service tokens Keystone accepts; a login adds one.</summary>
    public HashSet<string> ServiceTokens { get; } = [];

    public int Logins { get; private set; }
    public List<string> Validations { get; } = [];
    public bool Down { get; set; }

    public static KeystoneSettings Settings => new()
    {
        WwwAuthenticateUri = "http://keystone.test/identity",
        IdentityV3 = new Uri("http://keystone.test/identity/v3/"),
        Credentials = new ServiceCredentials("placement", "s3cret", null, "Default", "service", null, "Default"),
    };

    public static string Body(string user, string? project = "p1", string[]? roles = null, DateTimeOffset? expires = null,
        bool system = false) => new JsonObject
        {
            ["token"] = new JsonObject
            {
                ["expires_at"] = (expires ?? Now.AddHours(1)).ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ"),
                ["user"] = new JsonObject { ["id"] = user, ["domain"] = new JsonObject { ["id"] = "default" } },
                ["project"] = project is null ? null : new JsonObject { ["id"] = project, ["domain"] = new JsonObject { ["id"] = "default" } },
                ["system"] = system ? new JsonObject { ["all"] = true } : null,
                ["roles"] = new JsonArray([.. (roles ?? ["member", "reader"]).Select(r => (JsonNode)new JsonObject { ["name"] = r })]),
            },
        }.ToJsonString();

    public KeystoneIdentityClient Client(TimeProvider clock) =>
        new(this, Settings, clock, NullLogger<KeystoneIdentityClient>.Instance);

    public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Down)
        {
            throw new HttpRequestException("Connection refused");
        }
        if (request.Method == HttpMethod.Post)
        {
            Logins++;
            var serviceToken = $"service-token-{Logins}";
            ServiceTokens.Add(serviceToken);
            var created = new HttpResponseMessage(HttpStatusCode.Created) { Content = new StringContent(Body("placement", "service", ["service"])) };
            created.Headers.Add("X-Subject-Token", serviceToken);
            return Task.FromResult(created);
        }
        if (!ServiceTokens.Contains(request.Headers.GetValues("X-Auth-Token").Single()))
        {
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Unauthorized));
        }
        var subject = request.Headers.GetValues("X-Subject-Token").Single();
        Validations.Add($"{subject}{request.RequestUri!.Query}");
        return Task.FromResult(Tokens.TryGetValue(subject, out var body)
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body) }
            : new HttpResponseMessage(HttpStatusCode.NotFound));
    }
}

/// <summary>A clock the tests move.</summary>
internal sealed class TestClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = FakeKeystone.Now;

    public override DateTimeOffset GetUtcNow() => Now;
}
