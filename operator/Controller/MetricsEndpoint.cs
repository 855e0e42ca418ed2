using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Prometheus;

namespace Placement.Operator.Controller;

/// <summary>
/// /metrics on a port of its own, over HTTPS, for callers <see cref="MetricsAccess"/> lets in; the health port serves
/// no metrics. The certificate is the one in --metrics-cert-dir (tls.crt and tls.key, as cert-manager writes them), or
/// one made at start and signed by itself, as kubebuilder's default: Prometheus then scrapes with
/// insecure_skip_verify, and the token still proves who it is.
/// </summary>
public static class MetricsEndpoint
{
    public static void UseSecureMetrics(this IApplicationBuilder app, int port, MetricsAccess access) =>
        app.MapWhen(context => context.Connection.LocalPort == port, metrics =>
        {
            metrics.Use(async (context, next) =>
            {
                var status = await access.CheckAsync(context.Request.Headers.Authorization.FirstOrDefault(), context.RequestAborted);
                if (status != StatusCodes.Status200OK)
                {
                    context.Response.StatusCode = status;
                    return;
                }
                await next(context);
            });
            metrics.UseMetricServer("/metrics");
        });

    public static X509Certificate2 Certificate(string? directory)
    {
        if (directory is not null)
        {
            return X509Certificate2.CreateFromPemFile(Path.Combine(directory, "tls.crt"), Path.Combine(directory, "tls.key"));
        }
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=placement-operator-metrics", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("placement-operator-metrics");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));
        // Kestrel on Linux needs the key in a form it can hand to OpenSSL: a PKCS #12 round trip gives it one.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}
