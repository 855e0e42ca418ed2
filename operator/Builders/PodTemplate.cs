using k8s.Models;
using Placement.Operator.Resources;

namespace Placement.Operator.Builders;

/// <summary>The pod shared by the API Deployment and the database sync Job: same image, settings and hardening.</summary>
public static class PodTemplate
{
    public const string ContainerName = "placement-api";
    private const long UserId = 65532;

    public static V1PodSpec Spec(PlacementService ps, IList<string> args, V1Container? container = null)
    {
        var spec = ps.Spec;
        // The caller's container brings what is specific to it (ports, probes); the rest is common.
        container ??= new V1Container();
        container.Name = ContainerName;
        container.Image = spec.Image;
        container.ImagePullPolicy = "IfNotPresent";
        container.Args = args;
        container.Env = Settings.Environment(ps);
        container.Resources = new V1ResourceRequirements
        {
            Requests = spec.Resources.Requests is { Count: > 0 } requests ? new Dictionary<string, ResourceQuantity>(requests) : null,
            Limits = spec.Resources.Limits is { Count: > 0 } limits ? new Dictionary<string, ResourceQuantity>(limits) : null,
        };
        container.SecurityContext = new V1SecurityContext
        {
            RunAsNonRoot = true,
            ReadOnlyRootFilesystem = true,
            AllowPrivilegeEscalation = false,
            Capabilities = new V1Capabilities { Drop = ["ALL"] },
        };
        container.VolumeMounts = [.. Volumes(ps).Select(v => new V1VolumeMount { Name = v.Volume.Name, MountPath = v.MountPath, ReadOnlyProperty = v.ReadOnly })];

        return new V1PodSpec
        {
            AutomountServiceAccountToken = false,
            SecurityContext = new V1PodSecurityContext
            {
                RunAsNonRoot = true,
                RunAsUser = UserId,
                RunAsGroup = UserId,
                FsGroup = UserId,
                SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
            },
            Containers = [container],
            Volumes = [.. Volumes(ps).Select(v => v.Volume)],
            NodeSelector = spec.NodeSelector,
            Tolerations = spec.Tolerations,
            Affinity = spec.Affinity,
            ImagePullSecrets = spec.ImagePullSecrets?.Select(s => new V1LocalObjectReference { Name = s.Name }).ToList(),
        };
    }

    private sealed record MountedVolume(V1Volume Volume, string MountPath, bool ReadOnly);

    // The root filesystem is read-only, so everything the API writes needs a volume: /tmp always, the SQLite file when embedded.
    private static List<MountedVolume> Volumes(PlacementService ps)
    {
        var volumes = new List<MountedVolume>
        {
            new(new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() }, "/tmp", false),
        };
        if (ps.Spec.Database.ConnectionSecretRef is null)
        {
            volumes.Add(new(new V1Volume
            {
                Name = "sqlite",
                PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = Naming.SqliteClaimName(ps) },
            }, Naming.SqliteDirectory, false));
        }
        if (ps.Spec.Config.Policy is not null)
        {
            volumes.Add(new(new V1Volume
            {
                Name = "policy",
                ConfigMap = new V1ConfigMapVolumeSource
                {
                    Name = Settings.ConfigMapName(ps),
                    Items = [new V1KeyToPath { Key = Settings.PolicyKey, Path = Settings.PolicyKey }],
                },
            }, Naming.PolicyDirectory, true));
        }
        return volumes;
    }
}
