using k8s.Models;
using Placement.Operator.Reconciliation;
using Placement.Operator.Tests.Builders;

namespace Placement.Operator.Tests;

public class StatusCalculatorTests
{
    private static readonly DateTime Now = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
    private static readonly DatabaseSync Synced = new("placement-db-sync-x", SyncPhase.Succeeded, "synced");

    private static V1Deployment Deployment(int desired, int updated, int available, long generation = 2, long observed = 2) => new()
    {
        Metadata = new V1ObjectMeta { Generation = generation },
        Spec = new V1DeploymentSpec
        {
            Replicas = desired,
            Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = [new V1Container { Image = "placement-api:4.2" }] } },
        },
        Status = new V1DeploymentStatus { ObservedGeneration = observed, Replicas = desired, UpdatedReplicas = updated, AvailableReplicas = available, ReadyReplicas = available },
    };

    private static string? Condition(StatusCalculator.Result result, string type) =>
        Conditions.Find(result.Status.Conditions, type) is { } c ? $"{c.Status}/{c.Reason}" : null;

    [Fact]
    public void Rolled_out_and_synced_is_ready_with_the_version_of_the_running_image()
    {
        var result = StatusCalculator.Compute(Samples.Service(), Synced, Deployment(2, 2, 2), Now);

        Assert.Equal("True/Ready", Condition(result, Conditions.Ready));
        Assert.Equal("True/Synced", Condition(result, Conditions.DatabaseSynced));
        Assert.Equal("True/MinimumReplicasAvailable", Condition(result, Conditions.Available));
        Assert.Equal("False/RolledOut", Condition(result, Conditions.Progressing));
        Assert.Equal("False/AsExpected", Condition(result, Conditions.Degraded));
        Assert.Equal("False/Noauth2", Condition(result, Conditions.Authenticated));
        Assert.Equal("4.2", result.Status.CurrentVersion);
        Assert.Equal(2, result.Status.ReadyReplicas);
        Assert.Equal(3, result.Status.ObservedGeneration);
        Assert.Equal(6, result.Transitions.Count);
    }

    [Fact]
    public void A_rollout_not_yet_observed_is_progressing_and_keeps_the_previous_version()
    {
        var ps = Samples.Service();
        ps.Status = new Resources.PlacementServiceStatus { CurrentVersion = "4.1" };

        var result = StatusCalculator.Compute(ps, Synced, Deployment(2, 2, 2, generation: 3, observed: 2), Now);

        Assert.Equal("True/RollingOut", Condition(result, Conditions.Progressing));
        Assert.Equal("False/RollingOut", Condition(result, Conditions.Ready));
        Assert.Equal("4.1", result.Status.CurrentVersion);
    }

    [Fact]
    public void A_failed_sync_is_degraded_while_the_old_deployment_stays_available()
    {
        var failed = new DatabaseSync("placement-db-sync-y", SyncPhase.Failed, "database sync Job placement-db-sync-y failed");

        var result = StatusCalculator.Compute(Samples.Service(), failed, Deployment(1, 1, 1), Now);

        Assert.Equal("True/SyncFailed", Condition(result, Conditions.Degraded));
        Assert.Equal("False/SyncFailed", Condition(result, Conditions.DatabaseSynced));
        Assert.Equal("True/MinimumReplicasAvailable", Condition(result, Conditions.Available));
        Assert.Equal("False/SyncFailed", Condition(result, Conditions.Ready));
    }

    [Fact]
    public void A_stuck_rollout_is_degraded()
    {
        var deployment = Deployment(2, 1, 1);
        deployment.Status.Conditions = [new V1DeploymentCondition { Type = "Progressing", Status = "False", Reason = "ProgressDeadlineExceeded", Message = "too slow" }];

        var result = StatusCalculator.Compute(Samples.Service(), Synced, deployment, Now);

        Assert.Equal("True/RolloutStuck", Condition(result, Conditions.Degraded));
        Assert.Contains("ProgressDeadlineExceeded", Conditions.Find(result.Status.Conditions, Conditions.Degraded)!.Message);
    }

    [Fact]
    public void Unchanged_conditions_keep_their_transition_time_and_are_no_transition()
    {
        var ps = Samples.Service();
        ps.Status = StatusCalculator.Compute(ps, Synced, Deployment(1, 1, 1), Now).Status;

        var again = StatusCalculator.Compute(ps, Synced, Deployment(1, 1, 1), Now.AddMinutes(5));

        Assert.Empty(again.Transitions);
        Assert.All(again.Status.Conditions!, c => Assert.Equal(Now, c.LastTransitionTime));
    }

    [Fact]
    public void Job_conditions_decide_the_sync_phase()
    {
        V1Job Job(V1JobStatus status) => new() { Metadata = new V1ObjectMeta { Name = "j" }, Status = status };

        Assert.Equal(SyncPhase.Running, DatabaseSync.Of(Job(new V1JobStatus { Active = 1 }), []).Phase);
        Assert.Equal(SyncPhase.Succeeded, DatabaseSync.Of(Job(new V1JobStatus { Succeeded = 1 }), []).Phase);
        var failed = DatabaseSync.Of(Job(new V1JobStatus { Conditions = [new V1JobCondition { Type = "Failed", Status = "True", Reason = "DeadlineExceeded", Message = "Job was active longer than specified deadline" }] }), []);
        Assert.Equal(SyncPhase.Failed, failed.Phase);
        Assert.Contains("DeadlineExceeded: Job was active longer than specified deadline", failed.Message);
    }

    [Fact]
    public void A_failed_sync_quotes_its_output_without_the_password_of_a_url()
    {
        var job = new V1Job
        {
            Metadata = new V1ObjectMeta { Name = "j" },
            Status = new V1JobStatus { Conditions = [new V1JobCondition { Type = "Failed", Status = "True", Reason = "BackoffLimitExceeded" }] },
        };
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "j-1" },
            Status = new V1PodStatus
            {
                Phase = "Failed",
                ContainerStatuses = [new V1ContainerStatus { State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 1, Message = "cannot connect to mysql+pymysql://placement:hunter2@db:3306/placement" } } }],
            },
        };

        var failed = DatabaseSync.Of(job, [pod]);

        Assert.Contains("exit code 1: cannot connect to mysql+pymysql://placement:***@db:3306/placement", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", failed.Message, StringComparison.Ordinal);
    }
}
