using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Placement.Operator.Reconciliation;
using Placement.Operator.Resources;
using Placement.Operator.Tests.FakeApi;
using static Placement.Operator.Tests.OperatorHarness;

namespace Placement.Operator.Tests;

/// <summary>The operator end to end: real KubernetesClient, HTTP, the fake API server playing the cluster.</summary>
public class ReconcileTests
{
    private static PlacementService ExternalDatabase(string name = "placement", Action<PlacementServiceSpec>? customise = null) =>
        NewService(name, spec =>
        {
            spec.Database.ConnectionSecretRef = new SecretKeyRef { Name = "placement-db", Key = "url" };
            customise?.Invoke(spec);
        });

    [Fact]
    public async Task Create_syncs_the_database_then_deploys_and_reports_ready()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        await cluster.CreateAsync(NewService());

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
        Assert.Equal("0.1.0", status.CurrentVersion);
        Assert.Equal("http://placement.placement.svc:8778/", status.Url);
        Assert.Equal(1, status.ReadyReplicas);
        Assert.Equal(cluster.Service().Metadata.Generation, status.ObservedGeneration);
        Assert.Contains("serving at http://placement.placement.svc:8778/", ready.Message);
        Assert.NotNull(cluster.Get<V1Service>("services", "placement"));
        Assert.Null(cluster.Get<V1Ingress>("ingresses", "placement"));
        Assert.Single(cluster.All("configmaps"));
        Assert.Equal(true, cluster.Get<V1ConfigMap>("configmaps", Placement.Operator.Builders.Settings.ConfigMapName(cluster.Service()))!.Immutable);
        Assert.NotNull(cluster.Get<V1PersistentVolumeClaim>("persistentvolumeclaims", "placement-sqlite"));
        Assert.Null(cluster.Get<V2HorizontalPodAutoscaler>("horizontalpodautoscalers", "placement"));
        Assert.Equal(1, deployment.Spec.Replicas);
        Assert.All(new object[] { deployment, job }, o => Assert.Equal(cluster.Service().Metadata.Uid,
            ((IKubernetesObject<V1ObjectMeta>)o).Metadata.OwnerReferences.Single().Uid));

        // Events follow the status write that records the transition.
        bool Recorded(string reason) => cluster.All("events").Any(e => (string?)e["reason"] == reason && (string?)e["involvedObject"]!["name"] == "placement");
        await EventuallyAsync(() => Recorded("DatabaseSyncedFalse") && Recorded("DatabaseSyncedTrue") && Recorded("ReadyTrue"), "transition events");
    }

    [Fact]
    public async Task Reconciling_an_unchanged_service_writes_nothing()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        await cluster.CreateReadyAsync(NewService());
        var deploymentVersion = cluster.Get<V1Deployment>("deployments", "placement")!.Metadata.ResourceVersion;
        int ConfigMapApplies() => cluster.Server.Requests.Count(r => r.Method == "PATCH" && r.Path.Contains("/configmaps/placement-config-", StringComparison.Ordinal));
        int StatusWrites() => cluster.Server.Requests.Count(r => r.Method == "PUT" && r.Path.EndsWith("/status", StringComparison.Ordinal));
        var statusWrites = StatusWrites();

        // A label of someone else's on the Service wakes the operator; the reconcile that follows changes nothing.
        // The second wake-up proves the first reconcile finished: one key is never reconciled twice at once.
        foreach (var value in new[] { "one", "two" })
        {
            var applies = ConfigMapApplies();
            await cluster.Client.CoreV1.PatchNamespacedServiceAsync(new V1Patch($"{{\"metadata\":{{\"labels\":{{\"team\":\"{value}\"}}}}}}", V1Patch.PatchType.MergePatch), "placement", Namespace);
            await EventuallyAsync(() => ConfigMapApplies() > applies, "a reconcile");
        }

        Assert.Equal(deploymentVersion, cluster.Get<V1Deployment>("deployments", "placement")!.Metadata.ResourceVersion);
        Assert.Equal(statusWrites, StatusWrites());
        Assert.Equal("two", cluster.Get<V1Service>("services", "placement")!.Metadata.Labels["team"]);
    }

    [Fact]
    public async Task The_three_line_sample_becomes_a_running_placement()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        var manifest = new YamlDotNet.Serialization.DeserializerBuilder().Build()
            .Deserialize<Dictionary<string, object>>(RepositoryFiles.Read("config", "samples", "placementservice_minimal.yaml"));
        await cluster.Client.CustomObjects.CreateNamespacedCustomObjectAsync(manifest, PlacementService.Group, PlacementService.Version, Namespace, PlacementService.Plural);

        cluster.FinishJob((await cluster.SyncJobAsync()).Metadata.Name, succeeded: true);
        await cluster.EventuallyAsync<V1Deployment>("deployments", "placement");
        cluster.RollOut();

        await cluster.ConditionAsync(Conditions.Ready, "True");
        Assert.Equal(Controller.OperatorOptions.ReleaseImage, cluster.Get<V1Deployment>("deployments", "placement")!.Spec.Template.Spec.Containers[0].Image);
    }

    [Fact]
    public async Task Scaling_changes_the_replica_count_without_a_new_database_sync_and_stays_ready()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        await cluster.CreateReadyAsync(ExternalDatabase());
        // Ready's transition is the last event of a status write: once it is there, the count is settled.
        await EventuallyAsync(() => cluster.All("events").Any(e => (string?)e["reason"] == "ReadyTrue"), "the ReadyTrue event");
        var events = cluster.All("events").Count;

        await cluster.PatchSpecAsync("placement", new JsonObject { ["replicas"] = 3 });
        await EventuallyAsync(() => cluster.Get<V1Deployment>("deployments", "placement")!.Spec.Replicas == 3, "3 replicas");
        // The Deployment controller has made two more pods, not yet ready: a scale-up, not a rollout.
        cluster.Server.Store.Mutate(ResourceKind.ByPlural("deployments"), Namespace, "placement", d => d["status"] = new JsonObject
        {
            ["observedGeneration"] = d["metadata"]!["generation"]!.DeepClone(),
            ["replicas"] = 3,
            ["updatedReplicas"] = 3,
            ["readyReplicas"] = 1,
            ["availableReplicas"] = 1,
        });
        await cluster.ConditionAsync(Conditions.Available, "True", "MinimumReplicasAvailable");
        await EventuallyAsync(() => Conditions.Find(cluster.Service().Status!.Conditions, Conditions.Available)!.Message.StartsWith("1 of 3", StringComparison.Ordinal), "1 of 3 available");
        Assert.Equal("True", Conditions.Find(cluster.Service().Status!.Conditions, Conditions.Ready)!.Status);
        Assert.Equal("False", Conditions.Find(cluster.Service().Status!.Conditions, Conditions.Progressing)!.Status);

        cluster.RollOut();
        await EventuallyAsync(() => cluster.Service().Status!.ReadyReplicas == 3, "3 ready replicas");
        Assert.Single(cluster.All("jobs"));
        Assert.Equal(events, cluster.All("events").Count);
    }

    [Fact]
    public async Task The_trial_flow_exposes_noauth2_only_when_told_to_and_says_what_that_means()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        await cluster.CreateReadyAsync(NewService());
        Assert.Null(cluster.Get<V1Ingress>("ingresses", "placement"));
        await cluster.ConditionAsync(Conditions.Authenticated, "False", "Noauth2");

        // An Ingress alone, under noauth2, is refused by the API server with the reason.
        var refused = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() =>
            cluster.PatchSpecAsync("placement", new JsonObject { ["ingress"] = new JsonObject { ["enabled"] = true } }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Response.StatusCode);
        Assert.Contains("needs auth.exposeUnauthenticated: true", refused.Response.Content, StringComparison.Ordinal);

        // The README's one added line.
        await cluster.PatchSpecAsync("placement", new JsonObject
        {
            ["ingress"] = new JsonObject { ["enabled"] = true },
            ["auth"] = new JsonObject { ["exposeUnauthenticated"] = true },
        });
        var ingress = await cluster.EventuallyAsync<V1Ingress>("ingresses", "placement");
        Assert.Equal("placement.local", ingress.Spec.Rules.Single().Host);
        var warning = await cluster.ConditionAsync(Conditions.Authenticated, "False", Conditions.Noauth2Exposed);
        Assert.Contains("anyone who reaches it is admin", warning.Message, StringComparison.Ordinal);
        await EventuallyAsync(() => cluster.All("events").Any(e => (string?)e["type"] == "Warning" && (string?)e["reason"] == "AuthenticatedFalse"), "a Warning event");
        await cluster.ConditionAsync(Conditions.Ready, "True");
    }

    [Fact]
    public async Task Ingress_is_removed_and_restored_with_the_spec()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        await cluster.CreateReadyAsync(NewService(customise: s => { s.Ingress.Enabled = true; s.Auth.ExposeUnauthenticated = true; }));
        await cluster.EventuallyAsync<V1Ingress>("ingresses", "placement");

        await cluster.PatchSpecAsync("placement", new JsonObject { ["ingress"] = new JsonObject { ["enabled"] = false } });
        await EventuallyAsync(() => cluster.Get<V1Ingress>("ingresses", "placement") is null, "the Ingress deleted");
        await EventuallyAsync(() => cluster.Service().Status!.Url == "http://placement.placement.svc:8778/", "the in-cluster URL");

        await cluster.PatchSpecAsync("placement", new JsonObject
        {
            ["ingress"] = new JsonObject { ["enabled"] = true, ["host"] = "api.example.org", ["className"] = "nginx", ["tls"] = new JsonObject { ["secretName"] = "api-tls" } },
        });
        var ingress = await cluster.EventuallyAsync<V1Ingress>("ingresses", "placement");
        Assert.Equal("api.example.org", ingress.Spec.Rules.Single().Host);
        Assert.Equal("nginx", ingress.Spec.IngressClassName);
        await EventuallyAsync(() => cluster.Service().Status!.Url == "https://api.example.org/", "the Ingress URL");
    }

    [Fact]
    public async Task Several_pods_get_a_disruption_budget_and_a_network_policy_which_the_spec_can_remove()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        await cluster.CreateReadyAsync(ExternalDatabase(customise: s => s.NetworkPolicy.AllowedNamespaces = ["nova"]));

        var budget = await cluster.EventuallyAsync<V1PodDisruptionBudget>("poddisruptionbudgets", "placement");
        var policy = await cluster.EventuallyAsync<V1NetworkPolicy>("networkpolicies", "placement");
        Assert.Equal("1", budget.Spec.MaxUnavailable.Value);
        Assert.Equal([Namespace, "nova"], policy.Spec.Ingress.Single().FromProperty.Single().NamespaceSelector.MatchExpressions.Single().Values);

        await cluster.PatchSpecAsync("placement", new JsonObject
        {
            ["availability"] = new JsonObject { ["podDisruptionBudget"] = false },
            ["networkPolicy"] = new JsonObject { ["enabled"] = false },
        });
        await EventuallyAsync(() => cluster.Get<V1PodDisruptionBudget>("poddisruptionbudgets", "placement") is null
            && cluster.Get<V1NetworkPolicy>("networkpolicies", "placement") is null, "both deleted");
    }

    [Fact]
    public async Task A_second_service_on_a_taken_host_is_told_instead_of_colliding()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        static void Exposed(PlacementServiceSpec s)
        {
            s.Ingress.Enabled = true;
            s.Auth.ExposeUnauthenticated = true;
        }
        await cluster.CreateReadyAsync(NewService("first", Exposed));

        await cluster.CreateAsync(NewService("second", Exposed));

        var degraded = await cluster.ConditionAsync(Conditions.Degraded, "True", Conditions.IngressHostTaken, name: "second");
        Assert.Equal($"ingress.host placement.local is already served by PlacementService {Namespace}/first; set another ingress.host", degraded.Message);
        Assert.Null(cluster.Get<V1Ingress>("ingresses", "second"));
        await cluster.PatchSpecAsync("second", new JsonObject { ["ingress"] = new JsonObject { ["host"] = "second.placement.local" } });
        await cluster.EventuallyAsync<V1Ingress>("ingresses", "second");

        // The older service moving onto the younger one's host does not take it: the Ingress serving a host keeps it.
        await cluster.PatchSpecAsync("first", new JsonObject { ["ingress"] = new JsonObject { ["host"] = "second.placement.local" } });
        var told = await cluster.ConditionAsync(Conditions.Degraded, "True", Conditions.IngressHostTaken, name: "first");
        Assert.Contains($"{Namespace}/second", told.Message, StringComparison.Ordinal);
        Assert.Equal("second.placement.local", cluster.Get<V1Ingress>("ingresses", "second")!.Spec.Rules.Single().Host);
        Assert.Null(cluster.Get<V1Ingress>("ingresses", "first"));

        // Once the host is free again the waiting service takes it, though nothing of its own changed.
        await cluster.PatchSpecAsync("second", new JsonObject { ["ingress"] = new JsonObject { ["enabled"] = false } });
        await EventuallyAsync(() => cluster.Get<V1Ingress>("ingresses", "first")?.Spec.Rules.Single().Host == "second.placement.local", "the freed host taken");
    }

    [Fact]
    public async Task An_ingress_nobody_accepted_under_noauth2_is_removed_even_while_the_spec_is_blocked()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        await cluster.CreateReadyAsync(NewService(customise: s => { s.Ingress.Enabled = true; s.Auth.ExposeUnauthenticated = true; }));
        await cluster.EventuallyAsync<V1Ingress>("ingresses", "placement");

        // As a resource created under the earlier CRD, whose default was an Ingress, is stored: no acceptance field.
        cluster.Server.Store.Mutate(ResourceKind.ByPlural(PlacementService.Plural), Namespace, "placement",
            ps => ps["spec"]!["auth"]!.AsObject().Remove("exposeUnauthenticated"));

        await cluster.ConditionAsync(Conditions.Degraded, "True", Conditions.InvalidSpec);
        await EventuallyAsync(() => cluster.Get<V1Ingress>("ingresses", "placement") is null, "the Ingress removed");
    }

    [Fact]
    public async Task Autoscaling_creates_an_autoscaler_that_owns_the_replica_count_and_removing_it_restores_replicas()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        await cluster.CreateReadyAsync(ExternalDatabase(customise: s => s.Replicas = 2));

        await cluster.PatchSpecAsync("placement", new JsonObject { ["autoscaling"] = new JsonObject { ["minReplicas"] = 1, ["maxReplicas"] = 10, ["targetCPUUtilizationPercentage"] = 50 } });
        var hpa = await cluster.EventuallyAsync<V2HorizontalPodAutoscaler>("horizontalpodautoscalers", "placement");
        Assert.Equal((1, 10, 50), (hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas, hpa.Spec.Metrics.Single().Resource.Target.AverageUtilization));
        // The autoscaler is applied after the Deployment: by now the Deployment no longer carries the operator's count,
        // yet the running count survived the switch (server-side apply alone would have reset it).
        Assert.Equal(2, cluster.Get<V1Deployment>("deployments", "placement")!.Spec.Replicas);

        // The autoscaler scales; the operator must not fight it.
        await cluster.Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("{\"spec\":{\"replicas\":4}}", V1Patch.PatchType.MergePatch), "placement", Namespace);
        cluster.RollOut();
        await EventuallyAsync(() => cluster.Service().Status!.ReadyReplicas == 4, "4 ready replicas");
        Assert.Equal(4, cluster.Get<V1Deployment>("deployments", "placement")!.Spec.Replicas);
        // The running count is handed over once, when autoscaling is switched on; applied again later from the
        // operator's cache, it could undo a newer decision of the autoscaler.
        Assert.Single(cluster.Server.Requests, r => r.Query.Contains($"fieldManager={Cluster.HandoverFieldManager}", StringComparison.Ordinal));

        await cluster.PatchSpecAsync("placement", new JsonObject { ["autoscaling"] = null });
        await EventuallyAsync(() => cluster.Get<V2HorizontalPodAutoscaler>("horizontalpodautoscalers", "placement") is null, "the autoscaler deleted");
        await EventuallyAsync(() => cluster.Get<V1Deployment>("deployments", "placement")!.Spec.Replicas == 2, "the fixed replica count back");
    }

    [Fact]
    public async Task Upgrade_syncs_with_the_new_image_before_rolling_the_deployment()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        await cluster.CreateReadyAsync(NewService(customise: s => s.Image = "registry.local/placement-api:1.0"));
        var oldJob = cluster.All("jobs").Single();

        await cluster.PatchSpecAsync("placement", new JsonObject { ["image"] = "registry.local/placement-api:2.0" });
        var job = await cluster.SyncJobAsync();
        Assert.Equal("registry.local/placement-api:2.0", job.Spec.Template.Spec.Containers[0].Image);
        await cluster.ConditionAsync(Conditions.Progressing, "True", "Syncing");
        Assert.Equal("registry.local/placement-api:1.0", cluster.Get<V1Deployment>("deployments", "placement")!.Spec.Template.Spec.Containers[0].Image);

        cluster.FinishJob(job.Metadata.Name, succeeded: true);
        await EventuallyAsync(() => cluster.Get<V1Deployment>("deployments", "placement")!.Spec.Template.Spec.Containers[0].Image == "registry.local/placement-api:2.0", "the new image rolled");
        Assert.Equal("1.0", cluster.Service().Status!.CurrentVersion);
        cluster.RollOut();
        await cluster.ConditionAsync(Conditions.Ready, "True");
        Assert.Equal("2.0", cluster.Service().Status!.CurrentVersion);
        await EventuallyAsync(() => cluster.All("jobs").All(j => (string?)j["metadata"]!["name"] != (string?)oldJob["metadata"]!["name"]), "the old sync Job deleted");
    }

    [Fact]
    public async Task Failed_sync_leaves_the_running_deployment_untouched_and_says_why()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        await cluster.CreateReadyAsync(NewService(customise: s => s.Image = "placement-api:1.0"));
        var before = cluster.Get<V1Deployment>("deployments", "placement")!;

        await cluster.PatchSpecAsync("placement", new JsonObject { ["image"] = "placement-api:broken" });
        var job = await cluster.SyncJobAsync();
        cluster.FinishJob(job.Metadata.Name, succeeded: false);

        var degraded = await cluster.ConditionAsync(Conditions.Degraded, "True", "SyncFailed");
        Assert.Contains("BackoffLimitExceeded", degraded.Message);
        Assert.Contains(job.Metadata.Name, degraded.Message);
        await cluster.ConditionAsync(Conditions.DatabaseSynced, "False", "SyncFailed");
        await cluster.ConditionAsync(Conditions.Ready, "False", "SyncFailed");
        var after = cluster.Get<V1Deployment>("deployments", "placement")!;
        Assert.Equal(before.Metadata.ResourceVersion, after.Metadata.ResourceVersion);
        Assert.Equal("1.0", cluster.Service().Status!.CurrentVersion);
        await EventuallyAsync(() => cluster.All("events").Any(e => (string?)e["type"] == "Warning" && (string?)e["reason"] == "DegradedTrue"), "a warning event");

        // Going back to the synced image needs no new sync: its Job is still the record.
        await cluster.PatchSpecAsync("placement", new JsonObject { ["image"] = "placement-api:1.0" });
        await cluster.ConditionAsync(Conditions.Ready, "True");
    }

    [Fact]
    public async Task Deleting_the_resource_removes_everything_it_made()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        await cluster.CreateReadyAsync(ExternalDatabase(customise: s => s.Autoscaling = new AutoscalingSpec()));
        Assert.NotEmpty(cluster.All("horizontalpodautoscalers"));

        await cluster.DeleteAsync("placement");

        foreach (var plural in new[] { "deployments", "jobs", "services", "ingresses", "horizontalpodautoscalers", "configmaps", "persistentvolumeclaims" })
        {
            await EventuallyAsync(() => cluster.All(plural).Count == 0, $"no {plural} left");
        }
    }

    [Fact]
    public async Task Manual_edits_to_owned_objects_are_reverted()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        await cluster.CreateReadyAsync(NewService(customise: s => s.Image = "placement-api:1.0"));

        await cluster.Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(
            "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"placement-api\",\"image\":\"evil:1\"}]}}}}", V1Patch.PatchType.MergePatch), "placement", Namespace);
        await cluster.Client.CoreV1.DeleteNamespacedServiceAsync("placement", Namespace);
        var configMap = (string)cluster.All("configmaps").Single()["metadata"]!["name"]!;
        await cluster.Client.CoreV1.DeleteNamespacedConfigMapAsync(configMap, Namespace);

        await EventuallyAsync(() => cluster.Get<V1Deployment>("deployments", "placement")!.Spec.Template.Spec.Containers.Single().Image == "placement-api:1.0", "the image restored");
        await cluster.EventuallyAsync<V1Service>("services", "placement");
        await EventuallyAsync(() => cluster.Get<V1ConfigMap>("configmaps", configMap)?.Data["OS_API__AUTH_STRATEGY"] == "noauth2", "the settings restored");
    }

    [Fact]
    public async Task A_spec_the_schema_should_have_rejected_is_reported_not_deployed()
    {
        await using var cluster = await StartAsync();
        // The API server refuses this spec now; it was stored while an older CRD without the rule was installed.
        await cluster.CreateAsync(NewService());
        cluster.Server.Store.Mutate(FakeApi.ResourceKind.ByPlural(PlacementService.Plural), Namespace, "placement",
            ps => ps["spec"]!["autoscaling"] = new JsonObject { ["minReplicas"] = 1, ["maxReplicas"] = 5, ["targetCPUUtilizationPercentage"] = 50 });
        cluster.StartOperator();

        var degraded = await cluster.ConditionAsync(Conditions.Degraded, "True", "InvalidSpec");
        Assert.Contains("connectionSecretRef", degraded.Message);
        Assert.Empty(cluster.All("jobs"));
        Assert.Empty(cluster.All("deployments"));
    }

    [Fact]
    public async Task A_status_write_conflict_is_retried()
    {
        await using var cluster = await StartAsync();
        cluster.Server.FailNext("PUT", PlacementService.Plural, status: true, HttpStatusCode.Conflict);
        cluster.Server.FailNext("PUT", PlacementService.Plural, status: true, HttpStatusCode.Conflict);
        cluster.StartOperator();

        await cluster.CreateReadyAsync(NewService());

        Assert.True(cluster.Server.Requests.Count(r => r.Method == "PUT" && r.Path.EndsWith("/status", StringComparison.Ordinal)) >= 3);
    }

    [Fact]
    public async Task A_real_conflict_from_a_concurrent_spec_change_ends_with_the_latest_spec()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        await cluster.CreateReadyAsync(ExternalDatabase());

        // Two edits in a row: whichever status write carries the older resourceVersion is refused with 409.
        await cluster.PatchSpecAsync("placement", new JsonObject { ["replicas"] = 2 });
        await cluster.PatchSpecAsync("placement", new JsonObject { ["replicas"] = 5 });
        await EventuallyAsync(() => cluster.Get<V1Deployment>("deployments", "placement")!.Spec.Replicas == 5, "5 replicas");
        cluster.RollOut();
        await EventuallyAsync(() => cluster.Service() is { Status: { ReadyReplicas: 5 } s } ps && s.ObservedGeneration == ps.Metadata.Generation, "the latest generation observed");
    }
}
