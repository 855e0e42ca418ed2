using k8s.Models;
using Placement.Operator.Resources;

namespace Placement.Operator.Builders;

/// <summary>
/// The Job running `db sync` with the image and database of the current spec. Its name carries the database revision,
/// so each image or database change gets its own Job, and a succeeded Job is the record that this revision is synced.
/// </summary>
public static class DbSyncJob
{
    public const int BackoffLimit = 2;

    public static V1Job Build(PlacementService ps)
    {
        var metadata = Naming.Metadata(ps, Naming.DbSyncJobName(ps), "db-sync");
        metadata.Annotations = new Dictionary<string, string> { [Naming.RevisionAnnotation] = Naming.DatabaseRevision(ps.Spec) };
        var pod = PodTemplate.Spec(ps, ["db", "sync"]);
        pod.RestartPolicy = "Never";
        if (ps.Spec.Database.ConnectionSecretRef is null && pod.Affinity is null)
        {
            // The SQLite volume is ReadWriteOnce and may still be mounted by the running API pod during an upgrade:
            // prefer its node so the Job can mount the volume too.
            pod.Affinity = new V1Affinity
            {
                PodAffinity = new V1PodAffinity
                {
                    PreferredDuringSchedulingIgnoredDuringExecution =
                    [
                        new V1WeightedPodAffinityTerm
                        {
                            Weight = 100,
                            PodAffinityTerm = new V1PodAffinityTerm
                            {
                                TopologyKey = "kubernetes.io/hostname",
                                LabelSelector = new V1LabelSelector { MatchLabels = Naming.SelectorLabels(ps) },
                            },
                        },
                    ],
                },
            };
        }
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = metadata,
            Spec = new V1JobSpec
            {
                BackoffLimit = BackoffLimit,
                ActiveDeadlineSeconds = 600,
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = Naming.Labels(ps, "db-sync") },
                    Spec = pod,
                },
            },
        };
    }
}
