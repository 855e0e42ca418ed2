using k8s.Models;
using Placement.Operator.Reconciliation;

namespace Placement.Operator.Tests;

public class ReconcileTests
{
    [Fact]
    public async Task Create_syncs_the_database_then_deploys_and_reports_ready()
    {
        await using var cluster = await OperatorHarness.StartAsync();
        cluster.StartOperator();
        await cluster.CreateAsync(OperatorHarness.NewService());

        var job = await cluster.SyncJobAsync();
        Assert.Equal(["db", "sync"], job.Spec.Template.Spec.Containers[0].Args);
        await cluster.ConditionAsync(Conditions.DatabaseSynced, "False", "Syncing");
        Assert.Null(cluster.Get<V1Deployment>("deployments", "placement"));

        cluster.FinishJob(job.Metadata.Name, succeeded: true);
        var deployment = await cluster.EventuallyAsync<V1Deployment>("deployments", "placement");
        await cluster.ConditionAsync(Conditions.Progressing, "True", "RollingOut");
        cluster.RollOut();

        var ready = await cluster.ConditionAsync(Conditions.Ready, "True");
        var status = cluster.Service().Status!;
        Assert.Equal("latest", status.CurrentVersion);
        Assert.Equal("http://placement.local/", status.Url);
        Assert.Equal(1, status.ReadyReplicas);
        Assert.Equal(cluster.Service().Metadata.Generation, status.ObservedGeneration);
        Assert.Contains("serving at http://placement.local/", ready.Message);
        Assert.NotNull(cluster.Get<V1Service>("services", "placement"));
        Assert.NotNull(cluster.Get<V1Ingress>("ingresses", "placement"));
        Assert.NotNull(cluster.Get<V1ConfigMap>("configmaps", "placement-config"));
        Assert.NotNull(cluster.Get<V1PersistentVolumeClaim>("persistentvolumeclaims", "placement-sqlite"));
        Assert.Null(cluster.Get<V2HorizontalPodAutoscaler>("horizontalpodautoscalers", "placement"));
        Assert.Equal(1, deployment.Spec.Replicas);
    }
}
