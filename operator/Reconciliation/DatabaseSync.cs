using k8s.Models;

namespace Placement.Operator.Reconciliation;

public enum SyncPhase
{
    Running,
    Succeeded,
    Failed,
}

/// <summary>The state of the database sync Job of the spec's current revision.</summary>
public sealed record DatabaseSync(string JobName, SyncPhase Phase, string Message)
{
    public static DatabaseSync Of(V1Job job)
    {
        var name = job.Metadata.Name;
        var conditions = job.Status?.Conditions ?? [];
        if (job.Status?.Succeeded > 0 || conditions.Any(c => c.Type == "Complete" && c.Status == "True"))
        {
            return new(name, SyncPhase.Succeeded, $"database sync Job {name} succeeded");
        }
        if (conditions.FirstOrDefault(c => c.Type == "Failed" && c.Status == "True") is { } failed)
        {
            var why = string.IsNullOrEmpty(failed.Message) ? failed.Reason : $"{failed.Reason}: {failed.Message}";
            return new(name, SyncPhase.Failed, $"database sync Job {name} failed ({why}); the running Deployment was left unchanged; delete the Job to retry");
        }
        return new(name, SyncPhase.Running, $"waiting for database sync Job {name}");
    }
}
