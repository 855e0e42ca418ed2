using System.Text.Json;
using k8s;
using k8s.Models;
using Placement.Operator.Builders;
using Placement.Operator.Controller;
using Placement.Operator.Resources;

namespace Placement.Operator.Reconciliation;

/// <summary>
/// Brings the objects of one PlacementService in line with its spec and reports the outcome in its status.
/// Order matters: the database sync Job of the current revision (image, database, settings, Secret contents) must
/// succeed before the Deployment is created or changed, so a failed sync leaves the running version serving exactly as
/// it was, on its own revision's ConfigMap. Whatever stops a reconcile (an invalid spec, a missing Secret, a write the
/// API server refuses) is written to status and recorded as a Warning event.
/// </summary>
public sealed class PlacementServiceReconciler(Cluster cluster, EventRecorder events, OperatorOptions options, TimeProvider clock)
{
    /// <summary>Reconciles one service; returns when to look again at what is not watched (pods, Secrets), if ever.</summary>
    public async Task<TimeSpan?> ReconcileAsync(string @namespace, string name, CancellationToken ct)
    {
        if (cluster.PlacementServices.Get(@namespace, name) is not { } cached || cached.Metadata.DeletionTimestamp is not null)
        {
            // Deleted: the owner references let the garbage collector remove everything made for it.
            return null;
        }
        // Never modify the informer's copy: a failed write must leave the cache as the server has it.
        var ps = KubernetesJson.Deserialize<PlacementService>(KubernetesJson.Serialize(cached));
        if (ps.Spec.Image.Length == 0)
        {
            ps.Spec.Image = options.DefaultImage;
        }
        var now = clock.GetUtcNow().UtcDateTime;

        var problems = SpecValidation.Problems(ps);
        if (problems.Count > 0)
        {
            await WriteStatusAsync(ps, StatusCalculator.Blocked(ps, Conditions.InvalidSpec, string.Join("; ", problems), now), ct);
            return null;
        }

        var secrets = await SecretContents.ReadAsync(cluster, ps, ct);
        // Secrets are read, not watched (watching them would take list and watch on every Secret): look again later.
        var recheck = Settings.SecretInputs(ps.Spec).Count > 0 ? options.SecretRecheckInterval : (TimeSpan?)null;
        if (secrets.Missing.Count > 0)
        {
            await WriteStatusAsync(ps, StatusCalculator.Blocked(ps, Conditions.SecretMissing, string.Join("; ", secrets.Missing), now), ct);
            return recheck;
        }

        try
        {
            var (result, sync) = await ApplyAsync(ps, Revision.Of(ps, secrets.Digests), now, ct);
            await WriteStatusAsync(ps, result, ct);
            // Sync pods are not watched either: while the sync runs, look at them again soon.
            return sync.Phase is SyncPhase.Running or SyncPhase.Blocked ? Min(options.PodRecheckInterval, recheck) : recheck;
        }
        catch (WriteRefusedException refused)
        {
            await WriteStatusAsync(ps, StatusCalculator.Blocked(ps, Conditions.WriteRefused, refused.Message, now), ct);
            throw;
        }
    }

    private async Task<(StatusCalculator.Result Status, DatabaseSync Sync)> ApplyAsync(PlacementService ps, string revision, DateTime now, CancellationToken ct)
    {
        var @namespace = ps.Metadata.NamespaceProperty;
        var sqlite = ps.Spec.Database.ConnectionSecretRef is null;
        var configMap = await cluster.ApplyAsync(Settings.ConfigMap(ps), ct);
        if (sqlite)
        {
            await cluster.ApplyAsync(SqliteVolumeClaim.Build(ps), ct);
        }

        // The Job template is immutable, so an existing Job of this revision is only read, never re-applied.
        var job = cluster.Jobs.Get(@namespace, Naming.DbSyncJobName(ps, revision))
            ?? await cluster.ApplyAsync(DbSyncJob.Build(ps, revision, sqlite ? await SqliteNodeAsync(ps, ct) : null), ct);
        var sync = DatabaseSync.Of(job, IsFinished(job) && job.Status?.Succeeded > 0
            ? []
            : await cluster.ListPodsAsync(@namespace, $"{DatabaseSync.JobNameLabel}={job.Metadata.Name}", ct));

        var deployment = cluster.Deployments.Get(@namespace, ps.Metadata.Name);
        if (sync.Phase == SyncPhase.Succeeded)
        {
            if (ps.Spec.Autoscaling is not null && deployment?.Spec.Replicas is { } running)
            {
                await cluster.ApplyAsync(ApiDeployment.ReplicasHandover(ps, running), ct, Cluster.HandoverFieldManager);
            }
            deployment = await cluster.ApplyAsync(ApiDeployment.Build(ps, revision), ct);
            await DeleteOtherSyncJobsAsync(ps, job, ct);
        }

        await cluster.ApplyAsync(ApiService.Build(ps), ct);
        await ReconcileIngressAsync(ps, ct);
        await ReconcileAutoscalerAsync(ps, ct);

        var result = StatusCalculator.Compute(ps, sync, deployment, now);
        if (sync.Phase == SyncPhase.Succeeded && deployment is not null && result.Status.CurrentTemplateHash == ApiDeployment.TemplateHashOf(deployment))
        {
            // Every replica runs this revision: the ConfigMaps of older ones serve nobody.
            await DeleteOtherConfigMapsAsync(ps, configMap, ct);
        }
        return (result, sync);
    }

    private static bool IsFinished(V1Job job) =>
        job.Status?.Conditions?.Any(c => c.Type is "Complete" or "Failed" && c.Status == "True") == true || job.Status?.Succeeded > 0;

    // The node of a running API pod, which has the ReadWriteOnce SQLite volume attached (pods being deleted still do).
    private async Task<string?> SqliteNodeAsync(PlacementService ps, CancellationToken ct)
    {
        var selector = string.Join(",", Naming.SelectorLabels(ps).Select(l => $"{l.Key}={l.Value}"));
        var pods = await cluster.ListPodsAsync(ps.Metadata.NamespaceProperty, selector, ct);
        return pods.FirstOrDefault(p => !string.IsNullOrEmpty(p.Spec?.NodeName) && p.Status?.Phase is not ("Succeeded" or "Failed"))?.Spec.NodeName;
    }

    private async Task ReconcileIngressAsync(PlacementService ps, CancellationToken ct)
    {
        if (ps.Spec.Ingress.Enabled)
        {
            await cluster.ApplyAsync(ApiIngress.Build(ps), ct);
        }
        else if (cluster.Ingresses.Get(ps.Metadata.NamespaceProperty, ps.Metadata.Name) is { } stale && IsOwnedBy(stale, ps))
        {
            await cluster.DeleteAsync(stale, ct);
        }
    }

    private async Task ReconcileAutoscalerAsync(PlacementService ps, CancellationToken ct)
    {
        if (ps.Spec.Autoscaling is { } autoscaling)
        {
            await cluster.ApplyAsync(ApiAutoscaler.Build(ps, autoscaling), ct);
        }
        else if (cluster.Autoscalers.Get(ps.Metadata.NamespaceProperty, ps.Metadata.Name) is { } stale && IsOwnedBy(stale, ps))
        {
            await cluster.DeleteAsync(stale, ct);
        }
    }

    // Once a revision is synced, the Jobs of older revisions are history; the current one stays as the record.
    private async Task DeleteOtherSyncJobsAsync(PlacementService ps, V1Job current, CancellationToken ct)
    {
        foreach (var job in cluster.Jobs.List(ps.Metadata.NamespaceProperty))
        {
            if (job.Metadata.Name != current.Metadata.Name && IsOwnedBy(job, ps))
            {
                await cluster.DeleteAsync(job, ct);
            }
        }
    }

    private async Task DeleteOtherConfigMapsAsync(PlacementService ps, V1ConfigMap current, CancellationToken ct)
    {
        foreach (var configMap in cluster.ConfigMaps.List(ps.Metadata.NamespaceProperty))
        {
            if (configMap.Metadata.Name != current.Metadata.Name && IsOwnedBy(configMap, ps))
            {
                await cluster.DeleteAsync(configMap, ct);
            }
        }
    }

    private static bool IsOwnedBy(IKubernetesObject<V1ObjectMeta> item, PlacementService ps) =>
        item.Metadata.OwnerReferences?.Any(o => o.Uid == ps.Metadata.Uid) == true;

    private static TimeSpan Min(TimeSpan a, TimeSpan? b) => b is { } other && other < a ? other : a;

    private async Task WriteStatusAsync(PlacementService ps, StatusCalculator.Result result, CancellationToken ct)
    {
        if (JsonSerializer.Serialize(ps.Status) == JsonSerializer.Serialize(result.Status))
        {
            return;
        }
        ps.Status = result.Status;
        await cluster.ReplaceStatusAsync(ps, ct);
        foreach (var condition in result.Transitions)
        {
            await events.RecordAsync(ps, Conditions.IsProblem(condition) ? "Warning" : "Normal", $"{condition.Type}{condition.Status}",
                $"{condition.Type} is {condition.Status} ({condition.Reason}): {condition.Message}", ct);
        }
    }
}
