using System.Net;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Placement.Operator.Controller;

namespace Placement.Operator.Tests;

/// <summary>/metrics answers only over HTTPS, only on its port, and only to a token whose user may get /metrics.</summary>
public sealed class SecureMetricsTests : IAsyncLifetime
{
    private WebApplication? apiServer;
    private WebApplication? operatorWeb;
    private int reviews;

    // The API server's side: "prometheus-token" is system:serviceaccount:monitoring:prometheus, who may get /metrics;
    // "viewer-token" is a user who may not; any other token is not authenticated.
    private async Task ReviewAsync(HttpContext context, string kind)
    {
        Interlocked.Increment(ref reviews);
        var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        var spec = body["spec"]!;
        body["status"] = kind == "tokenreviews"
            ? (string?)spec["token"] switch
            {
                "prometheus-token" => new JsonObject { ["authenticated"] = true, ["user"] = new JsonObject { ["username"] = "system:serviceaccount:monitoring:prometheus" } },
                "viewer-token" => new JsonObject { ["authenticated"] = true, ["user"] = new JsonObject { ["username"] = "viewer" } },
                _ => new JsonObject { ["authenticated"] = false },
            }
            : new JsonObject
            {
                ["allowed"] = (string?)spec["user"] == "system:serviceaccount:monitoring:prometheus"
                    && (string?)spec["nonResourceAttributes"]!["path"] == "/metrics" && (string?)spec["nonResourceAttributes"]!["verb"] == "get",
            };
        context.Response.StatusCode = 201;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    public async Task InitializeAsync()
    {
        var api = WebApplication.CreateSlimBuilder();
        api.WebHost.UseUrls("http://127.0.0.1:0");
        api.Logging.ClearProviders();
        apiServer = api.Build();
        apiServer.MapPost("/apis/authentication.k8s.io/v1/tokenreviews", context => ReviewAsync(context, "tokenreviews"));
        apiServer.MapPost("/apis/authorization.k8s.io/v1/subjectaccessreviews", context => ReviewAsync(context, "subjectaccessreviews"));
        await apiServer.StartAsync();

        var client = new Kubernetes(new KubernetesClientConfiguration { Host = apiServer.Urls.First() });
        var web = WebApplication.CreateSlimBuilder();
        web.Logging.ClearProviders();
        var certificate = new MetricsCertificate(null);
        var metricsPort = FreePort();
        web.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Listen(IPAddress.Loopback, metricsPort, listen => listen.UseHttps(https => https.ServerCertificateSelector = (_, _) => certificate.Current));
        });
        operatorWeb = web.Build();
        operatorWeb.UseSecureMetrics(metricsPort, new MetricsAccess(client, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<MetricsAccess>.Instance));
        operatorWeb.MapHealth(new OperatorHealth(TimeProvider.System, TimeSpan.FromMinutes(3)));
        await operatorWeb.StartAsync();
    }

    // The metrics port must be known before the pipeline is built.
    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        await operatorWeb!.DisposeAsync();
        await apiServer!.DisposeAsync();
    }

    private async Task<HttpResponseMessage> GetAsync(bool https, string path, string? token)
    {
#pragma warning disable CA5400, CA2000 // a test client of a self-signed certificate, disposed with the response's client
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
#pragma warning restore CA5400, CA2000
        using var http = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, operatorWeb!.Urls.Single(u => u.StartsWith(https ? "https" : "http:", StringComparison.Ordinal)) + path);
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task Only_a_user_allowed_to_get_metrics_reads_them()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(true, "/metrics", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(true, "/metrics", "stolen")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(true, "/metrics", "viewer-token")).StatusCode);
        var allowed = await GetAsync(true, "/metrics", "prometheus-token");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("# TYPE ", await allowed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_health_port_serves_probes_but_no_metrics()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(false, "/metrics", "prometheus-token")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(false, "/healthz", null)).StatusCode);
    }

    [Fact]
    public async Task A_verdict_is_kept_for_a_while_so_scrapes_do_not_review_each_time()
    {
        await GetAsync(true, "/metrics", "prometheus-token");
        var after = reviews;
        await GetAsync(true, "/metrics", "prometheus-token");
        await GetAsync(true, "/metrics", "prometheus-token");

        Assert.Equal(after, reviews);
    }

    [Fact]
    public async Task An_empty_token_is_refused_and_an_unreachable_api_server_is_a_503()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(true, "/metrics", " ")).StatusCode);

        using var nowhere = new Kubernetes(new KubernetesClientConfiguration { Host = $"http://127.0.0.1:{FreePort()}" });
        var access = new MetricsAccess(nowhere, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<MetricsAccess>.Instance);

        Assert.Equal(503, await access.CheckAsync("Bearer prometheus-token", CancellationToken.None));
    }

    [Fact]
    public void A_renewed_certificate_is_served_without_a_restart()
    {
        var directory = Directory.CreateTempSubdirectory("metrics-cert").FullName;
        try
        {
            string Write(string name, DateTime modified)
            {
                using var key = System.Security.Cryptography.RSA.Create(2048);
                var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
                    $"CN={name}", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
                using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
                File.WriteAllText(Path.Combine(directory, "tls.key"), key.ExportPkcs8PrivateKeyPem());
                File.WriteAllText(Path.Combine(directory, "tls.crt"), certificate.ExportCertificatePem());
                File.SetLastWriteTimeUtc(Path.Combine(directory, "tls.crt"), modified);
                return certificate.Thumbprint;
            }
            var first = Write("first", DateTime.UtcNow.AddMinutes(-10));
            var served = new MetricsCertificate(directory);
            Assert.Equal(first, served.Current.Thumbprint);

            var renewed = Write("renewed", DateTime.UtcNow);

            Assert.Equal(renewed, served.Current.Thumbprint);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
