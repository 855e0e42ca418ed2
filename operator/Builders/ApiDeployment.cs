using k8s.Models;
using Placement.Operator.Resources;

namespace Placement.Operator.Builders;

/// <summary>The Deployment of the API pods.</summary>
public static class ApiDeployment
{
    public static V1Deployment Build(PlacementService ps)
    {
        var probe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/", Port = "http" }, PeriodSeconds = 10, TimeoutSeconds = 5 };
        var container = new V1Container
        {
            Ports = [new V1ContainerPort { Name = "http", ContainerPort = Naming.ContainerPort, Protocol = "TCP" }],
            ReadinessProbe = probe,
            LivenessProbe = new V1Probe { HttpGet = probe.HttpGet, PeriodSeconds = 10, TimeoutSeconds = 5, InitialDelaySeconds = 10, FailureThreshold = 6 },
        };
        var sqlite = ps.Spec.Database.ConnectionSecretRef is null;
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = Naming.Metadata(ps, ps.Metadata.Name, "api"),
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
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta
                    {
                        Labels = Naming.Labels(ps, "api"),
                        Annotations = new Dictionary<string, string> { [Naming.ConfigHashAnnotation] = Settings.Hash(ps) },
                    },
                    Spec = PodTemplate.Spec(ps, ["serve", "--host", "0.0.0.0", "--port", Naming.ContainerPort.ToString()], container),
                },
            },
        };
    }

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
