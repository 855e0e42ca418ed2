using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Placement.Operator.Controller;

/// <summary>
/// The certificate of the metrics port: the one in --metrics-cert-dir (tls.crt and tls.key, as cert-manager writes
/// them), read again whenever tls.crt changes so that a renewal needs no restart; or, without a directory, one made at
/// start and signed by itself, as kubebuilder's default (Prometheus then scrapes with insecure_skip_verify, and the
/// token still proves who it is).
/// </summary>
public sealed class MetricsCertificate
{
    private readonly string? directory;
    private readonly Lock gate = new();
    private X509Certificate2 current;
    private DateTime loadedFrom;

    public MetricsCertificate(string? directory)
    {
        this.directory = directory;
        (current, loadedFrom) = directory is null ? (SelfSigned(), DateTime.MinValue) : Load(directory);
    }

    /// <summary>The certificate for the next TLS handshake.</summary>
    public X509Certificate2 Current
    {
        get
        {
            if (directory is null)
            {
                return current;
            }
            lock (gate)
            {
                if (File.GetLastWriteTimeUtc(Path.Combine(directory, "tls.crt")) != loadedFrom)
                {
                    try
                    {
                        (current, loadedFrom) = Load(directory);
                    }
                    catch (Exception e) when (e is IOException or CryptographicException)
                    {
                        // Caught mid-renewal (the certificate written, its key not yet): the old one serves until the next handshake.
                    }
                }
                return current;
            }
        }
    }

    private static (X509Certificate2, DateTime) Load(string directory)
    {
        var modified = File.GetLastWriteTimeUtc(Path.Combine(directory, "tls.crt"));
        return (X509Certificate2.CreateFromPemFile(Path.Combine(directory, "tls.crt"), Path.Combine(directory, "tls.key")), modified);
    }

    private static X509Certificate2 SelfSigned()
    {
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
