using k8s;
using k8s.Models;
using Placement.Operator.Resources;

namespace Placement.Operator.Builders;

/// <summary>The Deployment of the API pods.</summary>
public static class ApiDeployment
{
    private static readonly string[] SpreadKeys = ["kubernetes.io/hostname", "topology.kubernetes.io/zone"];

    /// <summary>The Deployment running one revision (see <see cref="Revision"/>), whose database sync has succeeded.</summary>
    public static V1Deployment Build(PlacementService ps, string revision)
    {
        var probe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/", Port = "http" }, PeriodSeconds = 10, TimeoutSeconds = 5 };
        var container = new V1Container
        {
            Ports = [new V1ContainerPort { Name = "http", ContainerPort = Naming.ContainerPort, Protocol = "TCP" }],
            ReadinessProbe = probe,
            LivenessProbe = new V1Probe { HttpGet = probe.HttpGet, PeriodSeconds = 10, TimeoutSeconds = 5, InitialDelaySeconds = 10, FailureThreshold = 6 },
            // Endpoints and ingress controllers learn of a stopping pod a moment after it is told to stop: it keeps
            // serving meanwhile, so that no request sent to it is refused (the aspnet base image has sleep).
            Lifecycle = ps.Spec.Availability.ShutdownDelaySeconds > 0
                ? new V1Lifecycle { PreStop = new V1LifecycleHandler { Exec = new V1ExecAction { Command = ["sleep", ps.Spec.Availability.ShutdownDelaySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)] } } }
                : null,
        };
        var sqlite = ps.Spec.Database.ConnectionSecretRef is null;
        var template = new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta
            {
                Labels = Naming.Labels(ps, "api"),
                // The revision carries the Secrets' contents: a rotation changes the template and rolls the pods.
                Annotations = new Dictionary<string, string> { [Naming.RevisionAnnotation] = revision },
            },
            Spec = PodTemplate.Spec(ps, ["serve", "--host", "0.0.0.0", "--port", Naming.ContainerPort.ToString()], container),
        };
        // The kubelet's grace period covers the preStop delay too: leave the server its usual 30 s to finish requests after it.
        template.Spec.TerminationGracePeriodSeconds = ps.Spec.Availability.ShutdownDelaySeconds + 30;
        if (ps.Spec.Availability.TopologySpread && ps.Spec.CanRunSeveralPods)
        {
            // Best effort (ScheduleAnyway): a cluster with one node or one zone still runs every replica.
            template.Spec.TopologySpreadConstraints = [.. SpreadKeys.Select(key => new V1TopologySpreadConstraint
            {
                MaxSkew = 1,
                TopologyKey = key,
                WhenUnsatisfiable = "ScheduleAnyway",
                LabelSelector = new V1LabelSelector { MatchLabels = Naming.SelectorLabels(ps) },
            })];
        }
        var metadata = Naming.Metadata(ps, ps.Metadata.Name, "api");
        metadata.Annotations = new Dictionary<string, string> { [Naming.TemplateHashAnnotation] = HashOf(template) };
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = metadata,
            Spec = new V1DeploymentSpec
            {
                // With autoscaling the HorizontalPodAutoscaler owns the replica count; applying one would fight it
                // (see ReplicasHandover for how the count is kept when autoscaling is switched on).
                Replicas = ps.Spec.Autoscaling is null ? ps.Spec.Replicas : null,
                Selector = new V1LabelSelector { MatchLabels = Naming.SelectorLabels(ps) },
                // One SQLite file on a ReadWriteOnce volume admits one pod at a time: stop the old pod before starting the new.
                Strategy = sqlite
                    ? new V1DeploymentStrategy { Type = "Recreate" }
                    : new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxUnavailable = 0, MaxSurge = 1 } },
                Template = template,
            },
        };
    }

    /// <summary>
    /// Identifies the pod template as the operator wrote it (the server's defaults make the stored one differ), so
    /// status can tell a rollout of a new template from a change in the number of replicas.
    /// </summary>
    public static string? TemplateHashOf(V1Deployment deployment) =>
        deployment.Metadata.Annotations is { } annotations && annotations.TryGetValue(Naming.TemplateHashAnnotation, out var hash) ? hash : null;

    private static string HashOf(V1PodTemplateSpec template) => Naming.ShortHash(KubernetesJson.Serialize(template));

    /// <summary>
    /// The replica count alone, applied under a field manager of its own when autoscaling takes over. Server-side apply
    /// resets a field its only manager stops applying (replicas would drop to 1 until the autoscaler reacts); a second
    /// owner keeps the running count.
    /// </summary>
    public static V1Deployment ReplicasHandover(PlacementService ps, int replicas) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = ps.Metadata.Name, NamespaceProperty = ps.Metadata.NamespaceProperty },
        Spec = new V1DeploymentSpec { Replicas = replicas },
    };
}
