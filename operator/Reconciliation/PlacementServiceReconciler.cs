using System.Text.Json;
using k8s;
using k8s.Models;
using Placement.Operator.Builders;
using Placement.Operator.Resources;

namespace Placement.Operator.Reconciliation;

/// <summary>
/// Brings the objects of one PlacementService in line with its spec and reports the outcome in its status.
/// Order matters: the database sync Job of the current image and database must succeed before the Deployment is
/// created or changed, so a failed sync leaves the running version serving.
/// </summary>
public sealed class PlacementServiceReconciler(Cluster cluster, EventRecorder events, TimeProvider clock)
{
    public async Task ReconcileAsync(string @namespace, string name, CancellationToken ct)
    {
        if (cluster.PlacementServices.Get(@namespace, name) is not { } cached || cached.Metadata.DeletionTimestamp is not null)
        {
            // Deleted: the owner references let the garbage collector remove everything made for it.
            return;
        }
        // Never modify the informer's copy: a failed write must leave the cache as the server has it.
        var ps = KubernetesJson.Deserialize<PlacementService>(KubernetesJson.Serialize(cached));
        var now = clock.GetUtcNow().UtcDateTime;

        var problems = SpecValidation.Problems(ps);
        if (problems.Count > 0)
        {
            await WriteStatusAsync(ps, StatusCalculator.Invalid(ps, problems, now), ct);
            return;
        }

        await cluster.ApplyAsync(Settings.ConfigMap(ps), ct);
        if (ps.Spec.Database.ConnectionSecretRef is null)
        {
            await cluster.ApplyAsync(SqliteVolumeClaim.Build(ps), ct);
        }

        // The Job template is immutable, so an existing Job of this revision is only read, never re-applied.
        var job = cluster.Jobs.Get(@namespace, Naming.DbSyncJobName(ps)) ?? await cluster.ApplyAsync(DbSyncJob.Build(ps), ct);
        var sync = DatabaseSync.Of(job);

        var deployment = cluster.Deployments.Get(@namespace, name);
        if (sync.Phase == SyncPhase.Succeeded)
        {
            if (ps.Spec.Autoscaling is not null && deployment?.Spec.Replicas is { } running)
            {
                await cluster.ApplyAsync(ApiDeployment.ReplicasHandover(ps, running), ct, Cluster.HandoverFieldManager);
            }
            deployment = await cluster.ApplyAsync(ApiDeployment.Build(ps), ct);
            await DeleteOtherSyncJobsAsync(ps, job, ct);
        }

        await cluster.ApplyAsync(ApiService.Build(ps), ct);
        await ReconcileIngressAsync(ps, ct);
        await ReconcileAutoscalerAsync(ps, ct);

        await WriteStatusAsync(ps, StatusCalculator.Compute(ps, sync, deployment, now), ct);
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

    private static bool IsOwnedBy(IKubernetesObject<V1ObjectMeta> item, PlacementService ps) =>
        item.Metadata.OwnerReferences?.Any(o => o.Uid == ps.Metadata.Uid) == true;

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
            var warning = condition.Type == Conditions.Degraded ? condition.Status == "True" : condition.Reason is "SyncFailed" or "InvalidSpec";
            await events.RecordAsync(ps, warning ? "Warning" : "Normal", $"{condition.Type}{condition.Status}",
                $"{condition.Type} is {condition.Status} ({condition.Reason}): {condition.Message}", ct);
        }
    }
}
