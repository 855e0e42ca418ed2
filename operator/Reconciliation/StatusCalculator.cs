using k8s.Models;
using Placement.Operator.Builders;
using Placement.Operator.Resources;

namespace Placement.Operator.Reconciliation;

/// <summary>Derives a PlacementService's status from what the cluster reports about the objects made for it.</summary>
public static class StatusCalculator
{
    /// <param name="RolledOut">Every desired replica runs the Deployment's current template and is available.</param>
    public sealed record Result(PlacementServiceStatus Status, List<V1Condition> Transitions, bool RolledOut = false);

    /// <summary>
    /// The reconcile stopped at a problem only a human can fix (<see cref="Conditions.InvalidSpec"/>,
    /// <see cref="Conditions.SecretMissing"/>, <see cref="Conditions.WriteRefused"/>): Degraded and not Ready, saying why;
    /// the other conditions keep what they said of the objects, which are as they were.
    /// </summary>
    public static Result Blocked(PlacementService ps, string reason, string message, DateTime now)
    {
        var status = CopyOf(ps.Status);
        var conditions = status.Conditions!;
        var transitions = new List<string>();
        Track(transitions, Conditions.Set(conditions, Conditions.Degraded, true, reason, message, ps.Metadata.Generation, now), Conditions.Degraded);
        Track(transitions, Conditions.Set(conditions, Conditions.Ready, false, reason, message, ps.Metadata.Generation, now), Conditions.Ready);
        status.ObservedGeneration = ps.Metadata.Generation;
        return new(status, [.. transitions.Select(t => Conditions.Find(conditions, t)!)]);
    }

    /// <param name="ingressConflict">Why the Ingress was not made (its host is another PlacementService's), if so.</param>
    public static Result Compute(PlacementService ps, DatabaseSync sync, V1Deployment? deployment, DateTime now, string? ingressConflict = null)
    {
        var status = CopyOf(ps.Status);
        var conditions = status.Conditions!;
        var generation = ps.Metadata.Generation;
        var transitions = new List<string>();
        void Set(string type, bool value, string reason, string message) =>
            Track(transitions, Conditions.Set(conditions, type, value, reason, message, generation, now), type);

        var desired = deployment?.Spec?.Replicas ?? 1;
        var deploymentStatus = deployment?.Status;
        var available = deploymentStatus?.AvailableReplicas ?? 0;
        var updated = deploymentStatus?.UpdatedReplicas ?? 0;
        var rolledOut = deployment is not null
            && deploymentStatus?.ObservedGeneration >= deployment.Metadata.Generation
            && updated == desired && (deploymentStatus.Replicas ?? 0) == desired && available >= desired;
        // A template that every replica once ran is serving: more or fewer replicas (the autoscaler, a restarted pod)
        // are not a rollout, and do not make the service unready while any replica is available.
        var templateHash = deployment is null ? null : ApiDeployment.TemplateHashOf(deployment);
        var rollingOut = deployment is not null && !rolledOut && (templateHash is null || templateHash != status.CurrentTemplateHash);
        var stuck = deploymentStatus?.Conditions?.FirstOrDefault(c =>
            (c.Type == "Progressing" && c.Status == "False") || (c.Type == "ReplicaFailure" && c.Status == "True"));

        switch (sync.Phase)
        {
            case SyncPhase.Succeeded:
                Set(Conditions.DatabaseSynced, true, "Synced", sync.Message);
                break;
            case SyncPhase.Running:
                Set(Conditions.DatabaseSynced, false, "Syncing", sync.Message);
                break;
            case SyncPhase.Blocked:
                Set(Conditions.DatabaseSynced, false, Conditions.SyncBlocked, sync.Message);
                break;
            default:
                Set(Conditions.DatabaseSynced, false, Conditions.SyncFailed, sync.Message);
                break;
        }

        if (deployment is null)
        {
            Set(Conditions.Available, false, "NotDeployed", "the API Deployment is created once the database is synced");
        }
        else if (available > 0)
        {
            Set(Conditions.Available, true, "MinimumReplicasAvailable", $"{available} of {desired} API replicas available");
        }
        else
        {
            Set(Conditions.Available, false, "NoReplicasAvailable", $"none of {desired} API replicas available");
        }

        if (sync.Phase == SyncPhase.Running)
        {
            Set(Conditions.Progressing, true, "Syncing", sync.Message);
        }
        else if (rollingOut && stuck is null && sync.Phase == SyncPhase.Succeeded)
        {
            Set(Conditions.Progressing, true, "RollingOut", $"{updated} of {desired} API replicas updated, {available} available");
        }
        else
        {
            var (reason, message) = sync.Phase switch
            {
                SyncPhase.Failed => (Conditions.SyncFailed, sync.Message),
                SyncPhase.Blocked => (Conditions.SyncBlocked, sync.Message),
                _ => ("RolledOut", "no change in progress"),
            };
            Set(Conditions.Progressing, false, reason, message);
        }

        if (sync.Phase == SyncPhase.Failed)
        {
            Set(Conditions.Degraded, true, Conditions.SyncFailed, sync.Message);
        }
        else if (sync.Phase == SyncPhase.Blocked)
        {
            Set(Conditions.Degraded, true, Conditions.SyncBlocked, sync.Message);
        }
        else if (stuck is not null)
        {
            Set(Conditions.Degraded, true, Conditions.RolloutStuck, $"Deployment {stuck.Type}: {stuck.Reason}: {stuck.Message}");
        }
        else if (ingressConflict is not null)
        {
            Set(Conditions.Degraded, true, Conditions.IngressHostTaken, ingressConflict);
        }
        else
        {
            Set(Conditions.Degraded, false, "AsExpected", "no problem detected");
        }

        if (rolledOut)
        {
            var image = deployment!.Spec.Template.Spec.Containers[0].Image;
            status.CurrentImage = image;
            status.CurrentVersion = Naming.VersionOf(image);
            status.CurrentTemplateHash = templateHash;
        }
        status.Url = ApiService.Url(ps);
        status.Replicas = deploymentStatus?.Replicas ?? 0;
        status.ReadyReplicas = deploymentStatus?.ReadyReplicas ?? 0;
        status.ObservedGeneration = generation;

        if (ps.Spec.Auth.Strategy == "keystone")
        {
            Set(Conditions.Authenticated, true, "Keystone", "requests are authenticated by Keystone");
        }
        else if (SpecValidation.IsExposed(ps.Spec))
        {
            Set(Conditions.Authenticated, false, Conditions.Noauth2Exposed,
                $"auth.strategy is noauth2 and the API is exposed outside the cluster ({Exposure(ps)}): anyone who reaches it is admin (X-Auth-Token: admin); use keystone for anything but a trial");
        }
        else
        {
            Set(Conditions.Authenticated, false, "Noauth2",
                "auth.strategy is noauth2: any client that reaches the Service inside the cluster is admin; nothing is exposed outside it");
        }

        var blocking = new[] { Conditions.Degraded, Conditions.Progressing }
            .Select(t => Conditions.Find(conditions, t)!).FirstOrDefault(c => c.Status == "True")
            ?? new[] { Conditions.DatabaseSynced, Conditions.Available }.Select(t => Conditions.Find(conditions, t)!).FirstOrDefault(c => c.Status == "False");
        if (blocking is null)
        {
            Set(Conditions.Ready, true, "Ready", $"Placement {status.CurrentVersion} is serving at {status.Url}");
        }
        else
        {
            Set(Conditions.Ready, false, blocking.Reason, blocking.Message);
        }
        return new(status, [.. transitions.Select(t => Conditions.Find(conditions, t)!)], rolledOut);
    }

    private static string Exposure(PlacementService ps) => string.Join(", ", new[]
    {
        ps.Spec.Ingress.Enabled ? $"Ingress for {ps.Spec.Ingress.Host}" : null,
        ps.Spec.Service.Type != "ClusterIP" ? $"Service of type {ps.Spec.Service.Type}" : null,
    }.OfType<string>());

    private static void Track(List<string> transitions, bool changed, string type)
    {
        if (changed)
        {
            transitions.Add(type);
        }
    }

    private static PlacementServiceStatus CopyOf(PlacementServiceStatus? status) => new()
    {
        ObservedGeneration = status?.ObservedGeneration,
        Conditions = [.. status?.Conditions ?? []],
        Replicas = status?.Replicas,
        ReadyReplicas = status?.ReadyReplicas,
        CurrentVersion = status?.CurrentVersion,
        CurrentImage = status?.CurrentImage,
        CurrentTemplateHash = status?.CurrentTemplateHash,
        Url = status?.Url,
    };
}
