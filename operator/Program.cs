using k8s;
using Placement.Operator;
using Placement.Operator.Controller;
using Placement.Operator.Crd;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}
if (args.Length > 0 && args[0] == "generate-crd")
{
    return await GenerateCrdAsync(args[1..]);
}

var (options, error) = CommandLine.Parse(args);
if (options is null)
{
    return Fail(error!);
}

KubernetesClientConfiguration kubeConfig;
try
{
    kubeConfig = options.Kubeconfig is null && options.Context is null && KubernetesClientConfiguration.IsInCluster()
        ? KubernetesClientConfiguration.InClusterConfig()
        : KubernetesClientConfiguration.BuildConfigFromConfigFile(options.Kubeconfig, options.Context);
}
catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or FileNotFoundException or DirectoryNotFoundException)
{
    Console.Error.WriteLine($"placement-operator: cannot load the Kubernetes configuration: {e.Message}");
    return 1;
}

var builder = WebApplication.CreateSlimBuilder();
var metricsCertificate = new MetricsCertificate(options.MetricsCertDir);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.ListenAnyIP(options.HttpPort);
    kestrel.ListenAnyIP(options.MetricsPort, listen => listen.UseHttps(https => https.ServerCertificateSelector = (_, _) => metricsCertificate.Current));
});
var health = new OperatorHealth(TimeProvider.System, options.InformerFailureTimeout);
using var client = new Kubernetes(kubeConfig);
var app = builder.Build();
app.UseSecureMetrics(options.MetricsPort, new MetricsAccess(client, TimeProvider.System, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<MetricsAccess>()));
app.MapHealth(health);

var operatorOptions = new OperatorOptions
{
    LeaderElection = options.LeaderElect,
    Workers = options.Workers,
    WatchNamespaces = options.WatchNamespaces,
    Identity = options.Identity ?? Environment.MachineName,
    LeaseNamespace = options.LeaseNamespace ?? kubeConfig.Namespace ?? "default",
    DefaultImage = Environment.GetEnvironmentVariable(OperatorOptions.DefaultImageVariable) is { Length: > 0 } image ? image : OperatorOptions.ReleaseImage,
};
var placementOperator = new PlacementOperator(client, operatorOptions, app.Services.GetRequiredService<ILoggerFactory>(), health, TimeProvider.System);

await app.StartAsync();
await placementOperator.RunAsync(app.Lifetime.ApplicationStopping);
await app.StopAsync();
// Leadership lost while not stopping: exit non-zero so the kubelet restarts the pod as a fresh candidate.
return app.Lifetime.ApplicationStopping.IsCancellationRequested ? 0 : 1;

static int Fail(string message)
{
    Console.Error.WriteLine($"placement-operator: {message}\n\n{CommandLine.Usage}");
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
