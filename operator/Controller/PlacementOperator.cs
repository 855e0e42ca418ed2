using k8s;
using k8s.Autorest;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Placement.Operator.Reconciliation;
using Placement.Operator.Resources;
using Prometheus;

namespace Placement.Operator.Controller;

/// <summary>
/// The operator's run loop: wins the leader Lease (when enabled), fills the caches, then reconciles queued
/// PlacementServices with a few workers until stopped or leadership is lost.
/// </summary>
public sealed class PlacementOperator(IKubernetes client, OperatorOptions options, ILoggerFactory loggers, OperatorHealth health, TimeProvider clock)
{
    private readonly ILogger logger = loggers.CreateLogger<PlacementOperator>();

    /// <summary>Runs until cancelled or, with leader election, until leadership is lost (the process should then exit).</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        if (!options.LeaderElection)
        {
            await RunControllerAsync(ct);
            return;
        }

        var lease = new LeaseLock(client, options.LeaseNamespace, options.LeaseName, options.Identity);
        using var elector = new LeaderElector(new LeaderElectionConfig(lease)
        {
            LeaseDuration = options.LeaseDuration,
            RenewDeadline = options.RenewDeadline,
            RetryPeriod = options.RetryPeriod,
        });
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task? controller = null;
        elector.OnStartedLeading += () =>
        {
            logger.LogInformation("{Identity} became leader", options.Identity);
            controller = Task.Run(() => RunControllerAsync(leading.Token), CancellationToken.None);
        };
        elector.OnNewLeader += leader => logger.LogInformation("leader is {Leader}", leader);
        health.Ready = true; // a standby is healthy and ready: it is doing its job by waiting
        try
        {
            await elector.RunUntilLeadershipLostAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            await leading.CancelAsync();
            if (controller is not null)
            {
                await controller;
            }
        }
        if (!ct.IsCancellationRequested)
        {
            logger.LogWarning("{Identity} lost leadership", options.Identity);
        }
        else if (controller is not null)
        {
            await ReleaseLeaseAsync();
        }
    }

    /// <summary>
    /// Hands the Lease back on a graceful stop, so that a standby takes it at its next retry instead of after LeaseDuration.
    /// KubernetesClient's LeaderElector has no equivalent of client-go's ReleaseOnCancel; this writes what client-go's
    /// release() does: no holder, a one-second duration, the transitions kept. It runs once the controller has stopped,
    /// so nothing this instance does overlaps the next leader, and only while the Lease read just before still names this
    /// instance: the write carries that read's resourceVersion, so a Lease taken meanwhile fails it with 409 and is kept.
    /// </summary>
    private async Task ReleaseLeaseAsync()
    {
        // The run's token is cancelled by now; the release gets as long as a renewal would.
        using var timeout = new CancellationTokenSource(options.RenewDeadline);
        var lease = new LeaseLock(client, options.LeaseNamespace, options.LeaseName, options.Identity);
        try
        {
            var held = await lease.GetAsync(timeout.Token);
            if (held.HolderIdentity != options.Identity)
            {
                return;
            }
            var now = clock.GetUtcNow().UtcDateTime;
            var released = await lease.UpdateAsync(new LeaderElectionRecord
            {
                // Empty, not null: KubernetesClient's elector takes an empty holder at once but tries to create a Lease
                // whose holder is missing, which fails while the Lease exists.
                HolderIdentity = "",
                LeaseDurationSeconds = 1,
                AcquireTime = now,
                RenewTime = now,
                LeaderTransitions = held.LeaderTransitions,
            }, timeout.Token);
            if (released)
            {
                logger.LogInformation("{Identity} released the Lease", options.Identity);
            }
            else
            {
                logger.LogWarning("{Identity} could not release the Lease; a standby takes it once it expires", options.Identity);
            }
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or OperationCanceledException)
        {
            logger.LogWarning("{Identity} could not release the Lease ({Error}); a standby takes it once it expires", options.Identity, e.Message);
        }
    }

    private async Task RunControllerAsync(CancellationToken ct)
    {
        health.Ready = false;
        OperatorMetrics.Leader.Set(1);
        var cluster = new Cluster(client, loggers, options.WatchTimeout, options.WatchNamespaces);
        health.Reconciling(cluster.All.Select(i => i.Kind));
        var events = new EventRecorder(cluster, options.Identity, loggers.CreateLogger<EventRecorder>());
        var reconciler = new PlacementServiceReconciler(cluster, events, options, clock);
        cluster.Unreadable += (ps, error) =>
        {
            logger.LogError("PlacementService {Namespace}/{Name} cannot be read and is not reconciled: {Error}", ps.Metadata.NamespaceProperty, ps.Metadata.Name, error);
            _ = events.RecordAsync(ps, "Warning", "Unreadable", $"the operator cannot read this resource and does not reconcile it: {error}", ct);
        };
        using var queue = new WorkQueue<(string Namespace, string Name)>(options.RetryBaseDelay, options.RetryMaxDelay);

        foreach (var informer in cluster.All)
        {
            informer.Changed += item =>
            {
                if (item is PlacementService ps)
                {
                    queue.Add((ps.Metadata.NamespaceProperty, ps.Metadata.Name));
                }
                else if (item.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true && o.Kind == PlacementService.KindName) is { } owner)
                {
                    queue.Add((item.Metadata.NamespaceProperty, owner.Name));
                }
                OperatorMetrics.QueueDepth.Set(queue.Count);
            };
            informer.ListWatched += working => health.Report(informer.Kind, working);
        }
        var informers = cluster.All.Select(i => i.RunAsync(ct)).ToList();
        try
        {
            await Task.WhenAll(cluster.All.Select(i => i.Synced)).WaitAsync(ct);
            logger.LogInformation("caches synced; reconciling with {Workers} workers", options.Workers);
            health.Ready = true;
            await Task.WhenAll(Enumerable.Range(0, options.Workers).Select(_ => WorkAsync(queue, reconciler, ct)));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            OperatorMetrics.Leader.Set(0);
            await Task.WhenAll(informers);
            health.StandingBy();
        }
    }

    private async Task WorkAsync(WorkQueue<(string Namespace, string Name)> queue, PlacementServiceReconciler reconciler, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var key = await queue.TakeAsync(ct);
            OperatorMetrics.QueueDepth.Set(queue.Count);
            try
            {
                TimeSpan? recheck;
                using (OperatorMetrics.ReconcileDuration.NewTimer())
                {
                    recheck = await reconciler.ReconcileAsync(key.Namespace, key.Name, ct);
                }
                queue.Forget(key);
                if (recheck is { } delay)
                {
                    queue.AddAfter(key, delay);
                }
                OperatorMetrics.Reconciliations.WithLabels("success").Inc();
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                var delay = queue.AddRateLimited(key);
                OperatorMetrics.Reconciliations.WithLabels("error").Inc();
                logger.LogWarning(e, "reconciling {Namespace}/{Name} failed; retrying in {Delay}", key.Namespace, key.Name, delay);
            }
            finally
            {
                queue.Done(key);
            }
        }
    }
}
