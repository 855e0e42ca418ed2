using k8s;
using k8s.Models;
using Placement.Operator.Resources;

namespace Placement.Operator.Builders;

/// <summary>
/// The Job running `db sync` with the image, database and settings of one revision (see <see cref="Revision"/>). Its
/// name carries the revision, so each change gets its own Job, and a succeeded Job is the record that this revision is
/// synced.
/// </summary>
public static class DbSyncJob
{
    public const int BackoffLimit = 2;

    /// <param name="sqliteNode">
    /// The node where the SQLite volume is mounted by a running API pod, if any: the volume is ReadWriteOnce, so the
    /// Job's pod can only mount it there.
    /// </param>
    public static V1Job Build(PlacementService ps, string revision, string? sqliteNode)
    {
        var metadata = Naming.Metadata(ps, Naming.DbSyncJobName(ps, revision), "db-sync");
        metadata.Annotations = new Dictionary<string, string> { [Naming.RevisionAnnotation] = revision };
        // When the sync fails, the end of its output becomes the pod's termination message, which status reports.
        var pod = PodTemplate.Spec(ps, ["db", "sync"], new V1Container { TerminationMessagePolicy = "FallbackToLogsOnError" });
        pod.RestartPolicy = "Never";
        if (ps.Spec.Database.ConnectionSecretRef is null && sqliteNode is not null)
        {
            pod.Affinity = PinnedTo(pod.Affinity, sqliteNode);
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

    // The node by name, as the DaemonSet controller pins its pods (matchFields on metadata.name, which unlike the
    // kubernetes.io/hostname label always equals the node's name), added to each of the user's node terms since
    // terms are alternatives.
    private static V1Affinity PinnedTo(V1Affinity? affinity, string node)
    {
        var pinned = Copy(affinity) ?? new V1Affinity();
        var pin = new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "In", Values = [node] };
        pinned.NodeAffinity ??= new V1NodeAffinity();
        var required = pinned.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution ??= new V1NodeSelector { NodeSelectorTerms = [] };
        if (required.NodeSelectorTerms.Count == 0)
        {
            required.NodeSelectorTerms.Add(new V1NodeSelectorTerm());
        }
        foreach (var term in required.NodeSelectorTerms)
        {
            term.MatchFields = [.. term.MatchFields ?? [], pin];
        }
        return pinned;
    }

    private static V1Affinity? Copy(V1Affinity? affinity) =>
        affinity is null ? null : KubernetesJson.Deserialize<V1Affinity>(KubernetesJson.Serialize(affinity));
}
