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
    /// <summary>How long the server keeps one watch open before the informer resumes it.</summary>
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(2);
}
