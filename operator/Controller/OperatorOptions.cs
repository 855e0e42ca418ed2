namespace Placement.Operator.Controller;

public sealed class OperatorOptions
{
    /// <summary>Identity in the leader election Lease and on Events; the pod name in a cluster.</summary>
    public string Identity { get; set; } = Environment.MachineName;
    public bool LeaderElection { get; set; } = true;
    public string LeaseNamespace { get; set; } = "default";
    public string LeaseName { get; set; } = "placement-operator";
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);
    public int Workers { get; set; } = 2;

    /// <summary>
    /// The namespaces whose PlacementServices (and the objects made for them) the operator lists, watches and
    /// reconciles; none: all namespaces. With some, it needs rights only in those (config/namespaced).
    /// </summary>
    public IReadOnlyList<string> WatchNamespaces { get; set; } = [];

    /// <summary>How long the server keeps one watch open before the informer resumes it.</summary>
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The API image of a PlacementService that names none: the manager Deployment's PLACEMENT_API_IMAGE, else the
    /// image of this operator's own release, so that every node runs one known version and upgrading the operator
    /// is what upgrades such services (with a database sync first).
    /// </summary>
    public string DefaultImage { get; set; } = ReleaseImage;

    /// <summary>How often what is not watched is looked at again: the Secrets a service references (a rotation), another service's hold on its ingress host.</summary>
    public TimeSpan UnwatchedRecheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the pods of a running database sync are looked at (they are not watched).</summary>
    public TimeSpan PodRecheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long writes may fail with server errors (5xx) before status reports it.</summary>
    public TimeSpan ServerErrorGracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    public const string DefaultImageVariable = "PLACEMENT_API_IMAGE";

    public static readonly string ReleaseImage =
        "placement-api:" + (typeof(OperatorOptions).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion.Split('+')[0]);
}
