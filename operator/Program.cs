using k8s;
using Placement.Operator.Controller;
using Placement.Operator.Crd;
using Prometheus;

const string Usage = """
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
      --http-port PORT       port serving /healthz, /readyz and /metrics (default: 8081)
      --workers N            PlacementServices reconciled concurrently (default: 2)
    """;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(Usage);
    return 0;
}
if (args.Length > 0 && args[0] == "generate-crd")
{
    return await GenerateCrdAsync(args[1..]);
}

string[] known = ["kubeconfig", "context", "leader-elect", "lease-namespace", "identity", "http-port", "workers"];
IConfiguration options;
try
{
    options = new ConfigurationBuilder().AddCommandLine(args).Build();
}
catch (FormatException e)
{
    return Fail(e.Message);
}
if (options.AsEnumerable().Select(p => p.Key).FirstOrDefault(k => !known.Contains(k)) is { } unknown)
{
    return Fail($"unknown option --{unknown}");
}
if (!bool.TryParse(options["leader-elect"] ?? "true", out var leaderElect))
{
    return Fail("--leader-elect must be true or false");
}
if (!int.TryParse(options["http-port"] ?? "8081", out var httpPort) || httpPort is < 1 or > 65535)
{
    return Fail("--http-port must be a port number");
}
if (!int.TryParse(options["workers"] ?? "2", out var workers) || workers < 1)
{
    return Fail("--workers must be a positive number");
}

KubernetesClientConfiguration kubeConfig;
try
{
    kubeConfig = options["kubeconfig"] is null && options["context"] is null && KubernetesClientConfiguration.IsInCluster()
        ? KubernetesClientConfiguration.InClusterConfig()
        : KubernetesClientConfiguration.BuildConfigFromConfigFile(options["kubeconfig"], options["context"]);
}
catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or FileNotFoundException or DirectoryNotFoundException)
{
    Console.Error.WriteLine($"placement-operator: cannot load the Kubernetes configuration: {e.Message}");
    return 1;
}

var builder = WebApplication.CreateSlimBuilder();
builder.WebHost.UseUrls($"http://0.0.0.0:{httpPort}");
builder.Services.AddSingleton<OperatorHealth>();
var app = builder.Build();
var health = app.Services.GetRequiredService<OperatorHealth>();
app.MapGet("/healthz", () => Results.Text("ok"));
app.MapGet("/readyz", () => health.Ready ? Results.Text("ok") : Results.Text("caches not synced", statusCode: 503));
app.MapMetrics();

var operatorOptions = new OperatorOptions
{
    LeaderElection = leaderElect,
    Workers = workers,
    Identity = options["identity"] ?? Environment.MachineName,
    LeaseNamespace = options["lease-namespace"] ?? kubeConfig.Namespace ?? "default",
};
using var client = new Kubernetes(kubeConfig);
var placementOperator = new PlacementOperator(client, operatorOptions, app.Services.GetRequiredService<ILoggerFactory>(), health, TimeProvider.System);

await app.StartAsync();
await placementOperator.RunAsync(app.Lifetime.ApplicationStopping);
await app.StopAsync();
// Leadership lost while not stopping: exit non-zero so the kubelet restarts the pod as a fresh candidate.
return app.Lifetime.ApplicationStopping.IsCancellationRequested ? 0 : 1;

static int Fail(string message)
{
    Console.Error.WriteLine($"placement-operator: {message}\n\n{Usage}");
    return 2;
}

static async Task<int> GenerateCrdAsync(string[] args)
{
    var yaml = CrdGenerator.GenerateYaml();
    switch (args)
    {
        case []:
            Console.Write(yaml);
            return 0;
        case ["--output", var path]:
            try
            {
                await File.WriteAllTextAsync(path, yaml);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"placement-operator: cannot write {path}: {e.Message}");
                return 1;
            }
            return 0;
        default:
            return Fail($"generate-crd takes only --output FILE, not '{string.Join(' ', args)}'");
    }
}
