using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Placement.Operator.Reconciliation;
using Placement.Operator.Resources;
using Placement.Operator.Tests.FakeApi;
using static Placement.Operator.Tests.OperatorHarness;

namespace Placement.Operator.Tests;

/// <summary>Whatever stops the operator reaches the resource's status and a Warning event, in the API server's words.</summary>
public class ReportingTests
{
    private static bool Warned(OperatorHarness cluster, string text) =>
        cluster.All("events").Any(e => (string?)e["type"] == "Warning" && ((string?)e["message"])!.Contains(text, StringComparison.Ordinal));

    [Fact]
    public async Task A_write_the_api_server_refuses_is_reported_with_its_message_until_it_goes_through()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        await cluster.CreateReadyAsync(NewService(customise: s => { s.Ingress.Enabled = true; s.Auth.ExposeUnauthenticated = true; }));
        const string reason = "host \"placement.local\" and path \"/\" is already defined in ingress default/other";

        cluster.Server.DenyWrites("ingresses", "validate.nginx.ingress.kubernetes.io", reason);
        await cluster.PatchSpecAsync("placement", new JsonObject { ["ingress"] = new JsonObject { ["className"] = "nginx" } });

        var degraded = await cluster.ConditionAsync(Conditions.Degraded, "True", Conditions.WriteRefused);
        Assert.Equal($"apply Ingress placement: admission webhook \"validate.nginx.ingress.kubernetes.io\" denied the request: {reason}", degraded.Message);
        Assert.Equal(degraded.Message, Conditions.Find(cluster.Service().Status!.Conditions, Conditions.Ready)!.Message);
        await EventuallyAsync(() => Warned(cluster, reason), "a Warning event");

        cluster.Server.AdmitWrites("ingresses");
        await cluster.ConditionAsync(Conditions.Ready, "True");
        await cluster.ConditionAsync(Conditions.Degraded, "False");
        Assert.Equal("nginx", cluster.Get<V1Ingress>("ingresses", "placement")!.Spec.IngressClassName);
    }

    [Fact]
    public async Task A_missing_secret_is_named_and_nothing_is_started_until_it_exists()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        await cluster.CreateAsync(NewService(customise: s => s.Database.ConnectionSecretRef = new SecretKeyRef { Name = "placement-db", Key = "url" }));

        var degraded = await cluster.ConditionAsync(Conditions.Degraded, "True", Conditions.SecretMissing);
        Assert.Equal($"Secret {Namespace}/placement-db does not exist", degraded.Message);
        Assert.Empty(cluster.All("jobs"));
        await EventuallyAsync(() => Warned(cluster, "placement-db does not exist"), "a Warning event");

        await cluster.PutSecretAsync("placement-db", "uri", "postgresql+psycopg2://placement@db/placement");
        await EventuallyAsync(() => Conditions.Find(cluster.Service().Status!.Conditions, Conditions.Degraded)!.Message == $"Secret {Namespace}/placement-db has no key url", "the missing key named");

        // Secrets are not watched: the operator looks again by itself.
        await cluster.PutSecretAsync("placement-db", "url", "postgresql+psycopg2://placement@db/placement");
        await cluster.SyncJobAsync();
    }

    [Fact]
    public async Task A_sync_pod_that_cannot_start_is_reported_with_the_kubelets_reason()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        await cluster.CreateAsync(NewService(customise: s => s.Image = "registry.example/placement-api:typo"));
        var job = await cluster.SyncJobAsync();

        await cluster.Client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = $"{job.Metadata.Name}-x7k2p", Labels = new Dictionary<string, string> { [DatabaseSync.JobNameLabel] = job.Metadata.Name } },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "placement-api", Image = "registry.example/placement-api:typo" }] },
        }, Namespace);
        const string pullError = "Back-off pulling image \"registry.example/placement-api:typo\"";
        cluster.Server.Store.Mutate(ResourceKind.ByPlural("pods"), Namespace, $"{job.Metadata.Name}-x7k2p", pod => pod["status"] = new JsonObject
        {
            ["phase"] = "Pending",
            ["containerStatuses"] = new JsonArray(new JsonObject
            {
                ["name"] = "placement-api",
                ["image"] = "registry.example/placement-api:typo",
                ["imageID"] = "",
                ["ready"] = false,
                ["restartCount"] = 0,
                ["state"] = new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "ImagePullBackOff", ["message"] = pullError } },
            }),
        });

        var blocked = await cluster.ConditionAsync(Conditions.DatabaseSynced, "False", Conditions.SyncBlocked);
        Assert.Equal($"database sync Job {job.Metadata.Name} cannot run: pod {job.Metadata.Name}-x7k2p: ImagePullBackOff: {pullError}", blocked.Message);
        await cluster.ConditionAsync(Conditions.Degraded, "True", Conditions.SyncBlocked);
        await EventuallyAsync(() => Warned(cluster, "ImagePullBackOff"), "a Warning event");
    }

    [Fact]
    public async Task A_failed_sync_reports_the_end_of_its_output()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        await cluster.CreateAsync(NewService());
        var job = await cluster.SyncJobAsync();
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = $"{job.Metadata.Name}-a1", Labels = new Dictionary<string, string> { [DatabaseSync.JobNameLabel] = job.Metadata.Name } },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "placement-api", Image = "placement-api" }] },
        }, Namespace);
        cluster.Server.Store.Mutate(ResourceKind.ByPlural("pods"), Namespace, $"{job.Metadata.Name}-a1", pod => pod["status"] = new JsonObject
        {
            ["phase"] = "Failed",
            ["containerStatuses"] = new JsonArray(new JsonObject
            {
                ["name"] = "placement-api",
                ["image"] = "placement-api",
                ["imageID"] = "",
                ["ready"] = false,
                ["restartCount"] = 0,
                ["state"] = new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = 1, ["reason"] = "Error", ["message"] = "placement: database is locked\n" } },
            }),
        });

        cluster.FinishJob(job.Metadata.Name, succeeded: false);

        var failed = await cluster.ConditionAsync(Conditions.DatabaseSynced, "False", Conditions.SyncFailed);
        Assert.Contains("(BackoffLimitExceeded: Job has reached the specified backoff limit); exit code 1: placement: database is locked;", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resource_the_operator_cannot_read_is_reported_and_the_others_are_still_reconciled()
    {
        await using var cluster = await StartAsync();
        // Stored before the CRD typed tolerations (kube-apiserver does not validate stored objects again on read).
        // Mutate writes to storage as it is, as an older CRD's validation would have let it through.
        var kind = ResourceKind.ByPlural(PlacementService.Plural);
        cluster.Server.Store.Create(kind, Namespace, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "legacy" } });
        cluster.Server.Store.Mutate(kind, Namespace, "legacy", ps => ps["spec"]!["tolerations"] =
            new JsonArray(new JsonObject { ["key"] = "dedicated", ["operator"] = "Exists", ["tolerationSeconds"] = "60" }));
        cluster.StartOperator();

        await cluster.CreateReadyAsync(NewService());

        await EventuallyAsync(() => cluster.All("events").Any(e => (string?)e["reason"] == "Unreadable" && (string?)e["involvedObject"]!["name"] == "legacy"
            && (string?)e["type"] == "Warning"), "a Warning event on the unreadable resource");
        Assert.DoesNotContain(cluster.All("jobs"), j => ((string)j["metadata"]!["name"]!).StartsWith("legacy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_passing_server_error_is_retried_without_alarming_anyone()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        await cluster.CreateReadyAsync(NewService());

        cluster.Server.FailNext("PATCH", "services", false, System.Net.HttpStatusCode.ServiceUnavailable);
        await cluster.PatchSpecAsync("placement", new JsonObject { ["service"] = new JsonObject { ["port"] = 9000 } });

        await EventuallyAsync(() => cluster.Get<V1Service>("services", "placement")!.Spec.Ports.Single().Port == 9000, "the Service updated");
        await cluster.ConditionAsync(Conditions.Ready, "True");
        Assert.DoesNotContain(cluster.All("events"), e => ((string?)e["message"])!.Contains(Conditions.WriteRefused, StringComparison.Ordinal));
    }
}
