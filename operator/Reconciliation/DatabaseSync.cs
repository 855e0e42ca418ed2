using k8s.Models;

namespace Placement.Operator.Reconciliation;

public enum SyncPhase
{
    Running,
    /// <summary>Running, but its pod cannot start or cannot be scheduled: it waits for someone to fix something.</summary>
    Blocked,
    Succeeded,
    Failed,
}

/// <summary>The state of the database sync Job of the spec's current revision, with what its pods say when it goes wrong.</summary>
public sealed partial record DatabaseSync(string JobName, SyncPhase Phase, string Message)
{
    /// <summary>The label the Job controller puts on a Job's pods (also under batch.kubernetes.io/job-name since 1.27).</summary>
    public const string JobNameLabel = "job-name";

    // Container states in which a pod waits for a human (a missing Secret or key, an image that cannot be pulled), as
    // the kubelet reports them; ContainerCreating and PodInitializing are progress, not problems.
    private static readonly HashSet<string> StuckReasons =
    [
        "CreateContainerConfigError", "CreateContainerError", "ErrImagePull", "ImagePullBackOff", "InvalidImageName",
        "ErrImageNeverPull", "RunContainerError",
    ];

    private const int MaxOutput = 1000;

    [System.Text.RegularExpressions.GeneratedRegex(@"(://[^:/@\s]*:)[^@\s]*@")]
    private static partial System.Text.RegularExpressions.Regex Credentials();

    public static bool Succeeded(V1Job job) =>
        job.Status?.Succeeded > 0 || job.Status?.Conditions?.Any(c => c.Type == "Complete" && c.Status == "True") == true;

    public static bool IsFinished(V1Job job) =>
        Succeeded(job) || job.Status?.Conditions?.Any(c => c.Type == "Failed" && c.Status == "True") == true;

    public static DatabaseSync Of(V1Job job, IEnumerable<V1Pod> pods)
    {
        var name = job.Metadata.Name;
        var conditions = job.Status?.Conditions ?? [];
        if (Succeeded(job))
        {
            return new(name, SyncPhase.Succeeded, $"database sync Job {name} succeeded");
        }
        if (conditions.FirstOrDefault(c => c.Type == "Failed" && c.Status == "True") is { } failed)
        {
            var why = string.IsNullOrEmpty(failed.Message) ? failed.Reason : $"{failed.Reason}: {failed.Message}";
            var output = LastFailure(pods) is { } last ? $"; {last}" : "";
            return new(name, SyncPhase.Failed,
                $"database sync Job {name} failed ({why}){output}; the running Deployment was left unchanged; delete the Job to retry");
        }
        if (Stuck(pods) is { } stuck)
        {
            return new(name, SyncPhase.Blocked, $"database sync Job {name} cannot run: {stuck}");
        }
        return new(name, SyncPhase.Running, $"waiting for database sync Job {name}");
    }

    private static string? Stuck(IEnumerable<V1Pod> pods)
    {
        foreach (var pod in pods.Where(p => p.Status?.Phase == "Pending"))
        {
            if (pod.Status.ContainerStatuses?.Select(s => s.State?.Waiting).FirstOrDefault(w => w is not null && StuckReasons.Contains(w.Reason)) is { } waiting)
            {
                return $"pod {pod.Metadata.Name}: {waiting.Reason}: {waiting.Message}";
            }
            if (pod.Status.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled" && c.Status == "False" && c.Reason == "Unschedulable") is { } unschedulable)
            {
                return $"pod {pod.Metadata.Name} cannot be scheduled: {unschedulable.Message}";
            }
        }
        return null;
    }

    // The sync container ends its output in its termination message (FallbackToLogsOnError): the error itself.
    private static string? LastFailure(IEnumerable<V1Pod> pods)
    {
        var terminated = pods.Where(p => p.Status?.Phase == "Failed")
            .OrderByDescending(p => p.Metadata.CreationTimestamp)
            .SelectMany(p => p.Status.ContainerStatuses ?? [])
            .Select(s => s.State?.Terminated)
            .FirstOrDefault(t => t is not null);
        if (terminated is null)
        {
            return null;
        }
        // Status and events are read by more people than pod logs: no password of a URL goes there.
        var output = Credentials().Replace((terminated.Message ?? "").Trim(), "$1***@");
        if (output.Length > MaxOutput)
        {
            output = "..." + output[^MaxOutput..];
        }
        return $"exit code {terminated.ExitCode}{(output.Length > 0 ? $": {output}" : "")}";
    }
}
