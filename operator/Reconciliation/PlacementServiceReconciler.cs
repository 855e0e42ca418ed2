using System.Text.Json;
using k8s;
using k8s.Models;
using Placement.Operator.Builders;
using Placement.Operator.Controller;
using Placement.Operator.Resources;

namespace Placement.Operator.Reconciliation;

/// <summary>
/// Brings the objects of one PlacementService in line with its spec and reports the outcome in its status.
/// Order matters: the database sync Job of the current revision (image, database, settings, Secret versions) must
/// succeed before the Deployment is created or changed, so a failed sync leaves the running version serving as it
/// was, on its own revision's ConfigMap (see <see cref="Revision"/> for the Secrets' exception). Whatever stops a reconcile (an invalid spec, a missing Secret, a write the
/// API server refuses) is written to status and recorded as a Warning event.
/// </summary>
public sealed class PlacementServiceReconciler(Cluster cluster, EventRecorder events, OperatorOptions options, TimeProvider clock)
{
    // When each service's writes began failing with server errors, which are reported only once they persist.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), DateTime> serverErrorsSince = new();

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
        ps.Spec.Image ??= options.DefaultImage;
        var now = clock.GetUtcNow().UtcDateTime;

        var problems = SpecValidation.Problems(ps);
        if (problems.Count > 0)
        {
            // A resource stored under an older CRD, whose default was an Ingress, would keep publishing its admin API
            // while blocked: whatever else is wrong, an Ingress nobody accepted under noauth2 goes.
            if (SpecValidation.IsUnacceptedNoauth2Exposure(ps.Spec)
                && cluster.Ingresses.Get(ps.Metadata.NamespaceProperty, ps.Metadata.Name) is { } exposed && IsOwnedBy(exposed, ps))
            {
                await cluster.DeleteAsync(exposed, ct);
            }
            await WriteStatusAsync(ps, StatusCalculator.Blocked(ps, Conditions.InvalidSpec, string.Join("; ", problems), now), ct);
            return null;
        }

        var secrets = await SecretContents.ReadAsync(cluster, ps, ct);
        // Secrets are read, not watched (watching them would take list and watch on every Secret): look again later.
        var recheck = Settings.SecretInputs(ps.Spec).Count > 0 ? options.UnwatchedRecheckInterval : (TimeSpan?)null;
        if (secrets.Missing.Count > 0)
        {
            await WriteStatusAsync(ps, StatusCalculator.Blocked(ps, Conditions.SecretMissing, string.Join("; ", secrets.Missing), now), ct);
            return recheck;
        }

        try
        {
            var (result, sync) = await ApplyAsync(ps, Revision.Of(ps, secrets.Versions), now, ct);
            serverErrorsSince.TryRemove((@namespace, name), out _);
            await WriteStatusAsync(ps, result, ct);
            // Sync pods are not watched either: while the sync runs, look at them again soon. Nor is another service's
            // Ingress a reason to wake this one: while its host is taken, look again for it to be free.
            if (sync.Phase is SyncPhase.Running or SyncPhase.Blocked)
            {
                recheck = Min(options.PodRecheckInterval, recheck);
            }
            if (Conditions.Find(result.Status.Conditions, Conditions.Degraded)?.Reason == Conditions.IngressHostTaken)
            {
                recheck = Min(options.UnwatchedRecheckInterval, recheck);
            }
            return recheck;
        }
        catch (WriteRefusedException refused)
        {
            // A 5xx is often a passing hiccup (an etcd timeout, a restarting API server): retried quietly at first. One
            // that lasts (a webhook that is down) is as much the user's problem as a 4xx.
            var quiet = refused.StatusCode >= 500
                && now - serverErrorsSince.GetOrAdd((@namespace, name), now) < options.ServerErrorGracePeriod;
            if (!quiet)
            {
                await WriteStatusAsync(ps, StatusCalculator.Blocked(ps, Conditions.WriteRefused, refused.Message, now), ct);
            }
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

        var sync = await SyncAsync(ps, revision, sqlite, ct);
        var deployment = cluster.Deployments.Get(@namespace, ps.Metadata.Name);
        if (sync.Phase == SyncPhase.Succeeded)
        {
            // Only while the autoscaler does not exist yet: afterwards the count is the autoscaler's, and applying a
            // cached (possibly older) count again would undo its latest decision.
            if (ps.Spec.Autoscaling is not null && deployment?.Spec.Replicas is { } running
                && cluster.Autoscalers.Get(@namespace, ps.Metadata.Name) is null)
            {
                await cluster.ApplyAsync(ApiDeployment.ReplicasHandover(ps, running), ct, Cluster.HandoverFieldManager);
            }
            deployment = await cluster.ApplyAsync(ApiDeployment.Build(ps, revision), ct);
            // The Jobs of older revisions are history; the current one stays as the record that it is synced.
            await DeleteOwnedAsync(ps, cluster.Jobs.List(@namespace).Where(DatabaseSync.IsFinished), sync.JobName, cluster.DeleteAsync, ct);
        }

        await cluster.ApplyAsync(ApiService.Build(ps), ct);
        var ingressConflict = await ReconcileIngressAsync(ps, ct);
        await ReconcileOptionalAsync(ps, ps.Spec.Autoscaling is not null, p => ApiAutoscaler.Build(p, p.Spec.Autoscaling!), cluster.Autoscalers, cluster.ApplyAsync, cluster.DeleteAsync, ct);
        await ReconcileOptionalAsync(ps, ApiDisruptionBudget.Wanted(ps), ApiDisruptionBudget.Build, cluster.DisruptionBudgets, cluster.ApplyAsync, cluster.DeleteAsync, ct);
        await ReconcileOptionalAsync(ps, ps.Spec.NetworkPolicy.Enabled, ApiNetworkPolicy.Build, cluster.NetworkPolicies, cluster.ApplyAsync, cluster.DeleteAsync, ct);

        var result = StatusCalculator.Compute(ps, sync, deployment, now, ingressConflict);
        if (sync.Phase == SyncPhase.Succeeded && result.RolledOut)
        {
            // Every replica runs this revision now: the ConfigMaps of older ones serve nobody.
            await DeleteOwnedAsync(ps, cluster.ConfigMaps.List(@namespace), configMap.Metadata.Name, cluster.DeleteAsync, ct);
        }
        return (result, sync);
    }

    /// <summary>
    /// The sync of this revision: its Job, made if need be, and what its pods say. Only one revision migrates at a
    /// time: a schema change cut short can leave a MySQL schema half changed (its DDL is not transactional), so while
    /// another revision's sync has a pod that started, this one waits; one whose pods never started is deleted.
    /// </summary>
    private async Task<DatabaseSync> SyncAsync(PlacementService ps, string revision, bool sqlite, CancellationToken ct)
    {
        var @namespace = ps.Metadata.NamespaceProperty;
        var name = Naming.DbSyncJobName(ps, revision);
        // The Job template is immutable, so an existing Job of this revision is only read, never re-applied.
        var job = cluster.Jobs.Get(@namespace, name);
        if (job is null)
        {
            foreach (var other in cluster.Jobs.List(@namespace).Where(j => j.Metadata.Name != name && IsOwnedBy(j, ps) && !DatabaseSync.IsFinished(j)))
            {
                if ((await PodsOfAsync(other, ct)).Any(p => p.Status?.Phase is "Running" or "Succeeded" or "Failed"))
                {
                    return new(other.Metadata.Name, SyncPhase.Running,
                        $"waiting for database sync Job {other.Metadata.Name} of an earlier revision to finish before syncing this one");
                }
                await cluster.DeleteAsync(other, ct);
            }
            job = await cluster.ApplyAsync(DbSyncJob.Build(ps, revision, sqlite ? await SqliteNodeAsync(ps, ct) : null), ct);
        }
        return DatabaseSync.Of(job, DatabaseSync.Succeeded(job) ? [] : await PodsOfAsync(job, ct));
    }

    private Task<IList<V1Pod>> PodsOfAsync(V1Job job, CancellationToken ct) =>
        cluster.ListPodsAsync(job.Metadata.NamespaceProperty, $"{DatabaseSync.JobNameLabel}={job.Metadata.Name}", ct);

    // The node of a running API pod, which has the ReadWriteOnce SQLite volume attached (pods being deleted still do).
    private async Task<string?> SqliteNodeAsync(PlacementService ps, CancellationToken ct)
    {
        var selector = string.Join(",", Naming.SelectorLabels(ps).Select(l => $"{l.Key}={l.Value}"));
        var pods = await cluster.ListPodsAsync(ps.Metadata.NamespaceProperty, selector, ct);
        return pods.FirstOrDefault(p => !string.IsNullOrEmpty(p.Spec?.NodeName) && p.Status?.Phase is not ("Succeeded" or "Failed"))?.Spec.NodeName;
    }

    /// <summary>Makes or removes the Ingress; returns why it was not made when its host is another PlacementService's.</summary>
    private async Task<string?> ReconcileIngressAsync(PlacementService ps, CancellationToken ct)
    {
        var own = cluster.Ingresses.Get(ps.Metadata.NamespaceProperty, ps.Metadata.Name) is { } existing && IsOwnedBy(existing, ps) ? existing : null;
        if (ps.Spec.Ingress.Enabled)
        {
            // Two services on one host would make the ingress controller refuse, or worse, split the paths between them.
            // A service whose Ingress already serves the host keeps it; should two Ingresses serve it (made at once),
            // the older keeps it, an order both services see alike. The other is told.
            var host = ps.Spec.Ingress.Host;
            var ownServesHost = own?.Spec?.Rules?.Any(r => r.Host == host) == true;
            var holder = cluster.Ingresses.List()
                .Where(i => !IsOwnedBy(i, ps) && i.Metadata.OwnerReferences?.Any(o => o.Kind == PlacementService.KindName) == true
                    && i.Spec?.Rules?.Any(r => r.Host == host) == true)
                .FirstOrDefault(i => !ownServesHost || Precedes(i, own!));
            if (holder is null)
            {
                await cluster.ApplyAsync(ApiIngress.Build(ps), ct);
                return null;
            }
            if (own is not null)
            {
                await cluster.DeleteAsync(own, ct);
            }
            return $"ingress.host {ps.Spec.Ingress.Host} is already served by PlacementService {holder.Metadata.NamespaceProperty}/{holder.Metadata.OwnerReferences!.First(o => o.Kind == PlacementService.KindName).Name}; set another ingress.host";
        }
        if (own is not null)
        {
            await cluster.DeleteAsync(own, ct);
        }
        return null;
    }

    /// <summary>An object the spec may or may not ask for: applied when wanted, deleted (if it is ours) when not.</summary>
    private static async Task ReconcileOptionalAsync<T>(PlacementService ps, bool wanted, Func<PlacementService, T> build, Informer<T> existing,
        Func<T, CancellationToken, Task<T>> apply, Func<T, CancellationToken, Task> delete, CancellationToken ct)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (wanted)
        {
            await apply(build(ps), ct);
        }
        else if (existing.Get(ps.Metadata.NamespaceProperty, ps.Metadata.Name) is { } stale && IsOwnedBy(stale, ps))
        {
            await delete(stale, ct);
        }
    }

    private static async Task DeleteOwnedAsync<T>(PlacementService ps, IEnumerable<T> candidates, string keep, Func<T, CancellationToken, Task> delete, CancellationToken ct)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        foreach (var item in candidates.Where(i => i.Metadata.Name != keep && IsOwnedBy(i, ps)).ToList())
        {
            await delete(item, ct);
        }
    }

    private static bool Precedes(V1Ingress a, V1Ingress b) =>
        (a.Metadata.CreationTimestamp, a.Metadata.NamespaceProperty, a.Metadata.Name).CompareTo((b.Metadata.CreationTimestamp, b.Metadata.NamespaceProperty, b.Metadata.Name)) < 0;

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
