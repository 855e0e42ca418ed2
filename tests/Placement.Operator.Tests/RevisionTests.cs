using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Placement.Operator.Builders;
using Placement.Operator.Reconciliation;
using Placement.Operator.Resources;
using static Placement.Operator.Tests.OperatorHarness;

namespace Placement.Operator.Tests;

/// <summary>
/// Each revision (image, database, settings, Secret contents) is synced before any pod runs it, on its own immutable
/// ConfigMap, so a failed sync leaves the running pods exactly as they were.
/// </summary>
public class RevisionTests
{
    private static string ConfigMapOf(V1Deployment deployment) =>
        deployment.Spec.Template.Spec.Containers[0].Env.First(e => e.ValueFrom?.ConfigMapKeyRef is not null).ValueFrom.ConfigMapKeyRef.Name;

    private static string RevisionOf(V1Deployment deployment) => deployment.Spec.Template.Metadata.Annotations[Naming.RevisionAnnotation];

    [Fact]
    public async Task A_failed_sync_leaves_the_running_pods_their_own_settings_and_a_served_revision_removes_the_old_ones()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        await cluster.CreateReadyAsync(NewService());
        var running = cluster.Get<V1Deployment>("deployments", "placement")!;
        var runningConfig = ConfigMapOf(running);

        // Switching to Keystone drops nothing the running pods read, but a restarted pod must still get noauth2.
        await cluster.PutSecretAsync("keystone", "password", "s3cret");
        await cluster.PatchSpecAsync("placement", new JsonObject
        {
            ["auth"] = new JsonObject { ["strategy"] = "keystone", ["keystone"] = new JsonObject { ["authUrl"] = "http://keystone:5000/v3", ["passwordSecretRef"] = new JsonObject { ["name"] = "keystone", ["key"] = "password" } } },
        });
        var sync = await cluster.SyncJobAsync();
        cluster.FinishJob(sync.Metadata.Name, succeeded: false);
        await cluster.ConditionAsync(Conditions.Degraded, "True", Conditions.SyncFailed);

        Assert.Equal(running.Metadata.ResourceVersion, cluster.Get<V1Deployment>("deployments", "placement")!.Metadata.ResourceVersion);
        Assert.Equal("noauth2", cluster.Get<V1ConfigMap>("configmaps", runningConfig)!.Data["OS_API__AUTH_STRATEGY"]);
        var next = sync.Spec.Template.Spec.Containers[0].Env.First(e => e.ValueFrom?.ConfigMapKeyRef is not null).ValueFrom.ConfigMapKeyRef.Name;
        Assert.NotEqual(runningConfig, next);
        Assert.Equal("keystone", cluster.Get<V1ConfigMap>("configmaps", next)!.Data["OS_API__AUTH_STRATEGY"]);

        // Deleting the failed Job retries it; once it succeeds and every pod runs the new revision, the old settings go.
        await cluster.Client.BatchV1.DeleteNamespacedJobAsync(sync.Metadata.Name, Namespace);
        cluster.FinishJob((await cluster.SyncJobAsync()).Metadata.Name, succeeded: true);
        await EventuallyAsync(() => ConfigMapOf(cluster.Get<V1Deployment>("deployments", "placement")!) == next, "the pods on the new settings");
        Assert.NotNull(cluster.Get<V1ConfigMap>("configmaps", runningConfig));
        cluster.RollOut();
        await cluster.ConditionAsync(Conditions.Ready, "True");
        await EventuallyAsync(() => cluster.Get<V1ConfigMap>("configmaps", runningConfig) is null, "the old ConfigMap deleted");
        Assert.Single(cluster.All("configmaps"));
    }

    [Fact]
    public async Task A_rotated_secret_is_synced_with_then_rolled_out()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        await cluster.CreateReadyAsync(NewService(customise: s => s.Database.ConnectionSecretRef = new SecretKeyRef { Name = "placement-db", Key = "url" }));
        var before = RevisionOf(cluster.Get<V1Deployment>("deployments", "placement")!);

        await cluster.PutSecretAsync("placement-db", "url", "postgresql+psycopg2://placement:new-password@db/placement");

        var sync = await cluster.SyncJobAsync();
        Assert.EndsWith(sync.Metadata.Annotations[Naming.RevisionAnnotation], sync.Metadata.Name, StringComparison.Ordinal);
        Assert.Equal(before, RevisionOf(cluster.Get<V1Deployment>("deployments", "placement")!));
        cluster.FinishJob(sync.Metadata.Name, succeeded: true);
        await EventuallyAsync(() => RevisionOf(cluster.Get<V1Deployment>("deployments", "placement")!) == sync.Metadata.Annotations[Naming.RevisionAnnotation], "the pods rolled");
        // No secret value is written anywhere: the pods read the Secret by reference.
        Assert.DoesNotContain("new-password", cluster.All("deployments").Concat(cluster.All("jobs")).Concat(cluster.All("configmaps")).Select(o => o.ToJsonString()).Aggregate(string.Concat), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sqlite_sync_job_runs_on_the_node_that_has_the_volume()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        var ps = await cluster.CreateReadyAsync(NewService(customise: s => s.Image = "placement-api:1"));
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "placement-5d8f-abcde", Labels = Naming.SelectorLabels(ps) },
            Spec = new V1PodSpec { NodeName = "worker-3", Containers = [new V1Container { Name = "placement-api", Image = "placement-api:1" }] },
        }, Namespace);

        await cluster.PatchSpecAsync("placement", new JsonObject { ["image"] = "placement-api:2" });

        var job = await cluster.SyncJobAsync();
        var pin = job.Spec.Template.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms.Single().MatchFields.Single();
        Assert.Equal("worker-3", pin.Values.Single());
    }

    [Fact]
    public async Task A_service_naming_no_image_runs_the_one_the_operator_was_installed_with()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator(customise: o => o.DefaultImage = "registry.example/placement-api:0.1.0");
        await cluster.CreateReadyAsync(NewService());

        Assert.Equal("registry.example/placement-api:0.1.0", cluster.Get<V1Deployment>("deployments", "placement")!.Spec.Template.Spec.Containers[0].Image);
        Assert.Equal("0.1.0", cluster.Service().Status!.CurrentVersion);
        Assert.Null(cluster.Service().Spec.Image);
    }

    [Fact]
    public async Task Settings_still_in_use_by_a_superseded_rollout_are_kept_until_every_replica_runs_the_new_ones()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        await cluster.CreateReadyAsync(NewService());
        var first = ConfigMapOf(cluster.Get<V1Deployment>("deployments", "placement")!);

        // A second revision is synced and starts rolling out, then the spec goes back to the first.
        await cluster.PatchSpecAsync("placement", new JsonObject { ["config"] = new JsonObject { ["env"] = new JsonObject { ["OS_API__MAX_LIMIT"] = "50" } } });
        cluster.FinishJob((await cluster.SyncJobAsync()).Metadata.Name, succeeded: true);
        await EventuallyAsync(() => ConfigMapOf(cluster.Get<V1Deployment>("deployments", "placement")!) != first, "the second revision rolling out");
        var second = ConfigMapOf(cluster.Get<V1Deployment>("deployments", "placement")!);
        await cluster.PatchSpecAsync("placement", new JsonObject { ["config"] = null });
        cluster.FinishJob((await cluster.SyncJobAsync()).Metadata.Name, succeeded: true);
        await EventuallyAsync(() => ConfigMapOf(cluster.Get<V1Deployment>("deployments", "placement")!) == first, "back to the first revision");

        // Pods of the second revision still run until the rollout back completes: their settings must stay.
        await Task.Delay(300);
        Assert.NotNull(cluster.Get<V1ConfigMap>("configmaps", second));
        cluster.RollOut();
        await EventuallyAsync(() => cluster.Get<V1ConfigMap>("configmaps", second) is null, "the second revision's settings deleted");
        Assert.NotNull(cluster.Get<V1ConfigMap>("configmaps", first));
    }

    [Fact]
    public async Task A_new_revision_waits_for_a_sync_that_is_running_and_replaces_one_that_never_started()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        await cluster.CreateAsync(NewService(customise: s => s.Image = "placement-api:1"));
        var running = await cluster.SyncJobAsync();
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = $"{running.Metadata.Name}-p1", Labels = new Dictionary<string, string> { [DatabaseSync.JobNameLabel] = running.Metadata.Name } },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "placement-api", Image = "placement-api:1" }] },
        }, Namespace);
        cluster.Server.Store.Mutate(FakeApi.ResourceKind.ByPlural("pods"), Namespace, $"{running.Metadata.Name}-p1", pod => pod["status"] = new JsonObject { ["phase"] = "Running" });

        // A migration cut short can leave a MySQL schema half changed: the next revision waits for this one.
        await cluster.PatchSpecAsync("placement", new JsonObject { ["image"] = "placement-api:2" });
        await EventuallyAsync(() => Conditions.Find(cluster.Service().Status?.Conditions, Conditions.DatabaseSynced)?.Message.Contains($"waiting for database sync Job {running.Metadata.Name} of an earlier revision", StringComparison.Ordinal), "the wait reported");
        Assert.Single(cluster.All("jobs"));

        cluster.FinishJob(running.Metadata.Name, succeeded: true);
        var next = await cluster.SyncJobAsync();
        Assert.Equal("placement-api:2", next.Spec.Template.Spec.Containers[0].Image);

        // A sync whose pod never started migrated nothing: a newer revision replaces it at once.
        await cluster.PatchSpecAsync("placement", new JsonObject { ["image"] = "placement-api:3" });
        await EventuallyAsync(() => cluster.All("jobs").Any(j => KubernetesJson.Deserialize<V1Job>(j.ToJsonString()).Spec.Template.Spec.Containers[0].Image == "placement-api:3")
            && cluster.Get<V1Job>("jobs", next.Metadata.Name) is null, "the unstarted Job replaced");
    }
}
