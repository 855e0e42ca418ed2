using System.Text.RegularExpressions;

namespace Placement.Operator;

/// <summary>The operator's command line: options parsed by Microsoft.Extensions.Configuration, checked here.</summary>
/// <param name="WatchNamespaces">Empty: all namespaces.</param>
public sealed partial record CommandLine(
    string? Kubeconfig, string? Context, bool LeaderElect, string? LeaseNamespace, string? Identity, int HttpPort, int Workers, TimeSpan InformerFailureTimeout,
    int MetricsPort, string? MetricsCertDir, IReadOnlyList<string> WatchNamespaces)
{
    public const string Usage = """
        placement-operator: reconciles PlacementService resources (operator.placement.dev/v1alpha1) into a running Placement API.

        Usage:
          placement-operator [options]                  run the operator
          placement-operator generate-crd [--output F]  write the CustomResourceDefinition (YAML) to F, or stdout
          placement-operator --help                     show this help

        Options:
          --kubeconfig FILE      kubeconfig to use (default: the in-cluster service account inside a pod,
                                 else $KUBECONFIG or ~/.kube/config)
          --context NAME         kubeconfig context (default: the current context)
          --leader-elect BOOL    hold a coordination.k8s.io Lease so only one replica reconciles (default: true)
          --lease-namespace NS   namespace of the Lease (default: the pod's namespace, else "default")
          --identity NAME        identity in the Lease and on Events (default: the host name)
          --http-port PORT       port serving /healthz and /readyz over HTTP (default: 8081)
          --metrics-port PORT    port serving /metrics over HTTPS to callers whose bearer token may get the
                                 non-resource URL /metrics (TokenReview and SubjectAccessReview) (default: 8443)
          --metrics-cert-dir DIR tls.crt and tls.key for the metrics port (default: a self-signed certificate)
          --workers N            PlacementServices reconciled concurrently (default: 2)
          --informer-failure-seconds N
                                 /healthz answers 503 once the leader has been unable to list and watch a kind
                                 for longer than N seconds, so that the kubelet restarts it (default: 180)
          --watch-namespaces NS[,NS...]
                                 reconcile only the PlacementServices in these namespaces, listing and watching
                                 each of them rather than the whole cluster, so that Roles in them suffice
                                 (config/namespaced) (default: all namespaces)
        """;

    private static readonly string[] Known = ["kubeconfig", "context", "leader-elect", "lease-namespace", "identity", "http-port", "workers", "informer-failure-seconds", "metrics-port", "metrics-cert-dir", "watch-namespaces"];

    /// <summary>The options of a run, or the reason they are wrong.</summary>
    public static (CommandLine? Options, string? Error) Parse(string[] args)
    {
        IConfiguration options;
        try
        {
            options = new ConfigurationBuilder().AddCommandLine(args).Build();
        }
        catch (FormatException e)
        {
            return (null, e.Message);
        }
        if (options.AsEnumerable().Select(p => p.Key).FirstOrDefault(k => !Known.Contains(k)) is { } unknown)
        {
            return (null, $"unknown option --{unknown}");
        }
        if (!bool.TryParse(options["leader-elect"] ?? "true", out var leaderElect))
        {
            return (null, "--leader-elect must be true or false");
        }
        if (!int.TryParse(options["http-port"] ?? "8081", out var httpPort) || httpPort is < 1 or > 65535)
        {
            return (null, "--http-port must be a port number");
        }
        if (!int.TryParse(options["workers"] ?? "2", out var workers) || workers < 1)
        {
            return (null, "--workers must be a positive number");
        }
        if (!int.TryParse(options["informer-failure-seconds"] ?? "180", out var informerFailureSeconds) || informerFailureSeconds < 1)
        {
            return (null, "--informer-failure-seconds must be a positive number of seconds");
        }
        if (!int.TryParse(options["metrics-port"] ?? "8443", out var metricsPort) || metricsPort is < 1 or > 65535 || metricsPort == httpPort)
        {
            return (null, "--metrics-port must be a port number other than --http-port");
        }
        var certDir = options["metrics-cert-dir"];
        if (certDir is not null && !(File.Exists(Path.Combine(certDir, "tls.crt")) && File.Exists(Path.Combine(certDir, "tls.key"))))
        {
            return (null, $"--metrics-cert-dir {certDir} must hold tls.crt and tls.key");
        }
        string[] watchNamespaces = [.. (options["watch-namespaces"] ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct()];
        if (watchNamespaces.FirstOrDefault(ns => !Dns1123Label().IsMatch(ns)) is { } invalid)
        {
            return (null, $"--watch-namespaces: '{invalid}' is not a namespace name (a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit)");
        }
        return (new CommandLine(options["kubeconfig"], options["context"], leaderElect, options["lease-namespace"], options["identity"], httpPort, workers,
            TimeSpan.FromSeconds(informerFailureSeconds), metricsPort, certDir, watchNamespaces), null);
    }

    [GeneratedRegex(@"^(?=.{1,63}\z)[a-z0-9]([-a-z0-9]*[a-z0-9])?\z")]
    private static partial Regex Dns1123Label();
}
