using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Placement.Operator.Controller;
using Placement.Operator.Resources;
using Placement.Operator.Tests.FakeApi;

namespace Placement.Operator.Tests;

/// <summary>A fake API server with operators running against it over HTTP, and the steps tests take on that cluster.</summary>
public sealed class OperatorHarness : IAsyncDisposable
{
    public const string Namespace = "placement";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly List<RunningOperator> operators = [];

    private OperatorHarness(FakeApiServer server)
    {
        Server = server;
        Client = server.Client();
    }

    public FakeApiServer Server { get; }

    /// <summary>The client of the user (kubectl) and of the cluster's own controllers.</summary>
    public Kubernetes Client { get; }

    public static async Task<OperatorHarness> StartAsync() => new(await FakeApiServer.StartAsync());

    public sealed class RunningOperator(string identity, OperatorHealth health, CancellationTokenSource stop, Task run, Kubernetes client)
    {
        public string Identity => identity;
        public OperatorHealth Health => health;
        public Task Run => run;

        public async Task StopAsync()
        {
            await stop.CancelAsync();
            await run.WaitAsync(Timeout);
            client.Dispose();
        }
    }

    public RunningOperator StartOperator(string identity = "operator-a", bool leaderElection = false, OperatorHealth? health = null,
        Action<OperatorOptions>? customise = null)
    {
        var client = Server.Client(userAgent: identity);
        var options = new OperatorOptions
        {
            Identity = identity,
            LeaderElection = leaderElection,
            LeaseNamespace = Namespace,
            LeaseDuration = TimeSpan.FromSeconds(3),
            RenewDeadline = TimeSpan.FromSeconds(2),
            RetryPeriod = TimeSpan.FromMilliseconds(200),
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
            RetryMaxDelay = TimeSpan.FromMilliseconds(500),
            UnwatchedRecheckInterval = TimeSpan.FromMilliseconds(200),
            PodRecheckInterval = TimeSpan.FromMilliseconds(100),
        };
        customise?.Invoke(options);
        health ??= new OperatorHealth(TimeProvider.System, TimeSpan.FromMinutes(3));
        var stop = new CancellationTokenSource();
        var placementOperator = new PlacementOperator(client, options, NullLoggerFactory.Instance, health, TimeProvider.System);
        var running = new RunningOperator(identity, health, stop, Task.Run(() => placementOperator.RunAsync(stop.Token)), client);
        operators.Add(running);
        return running;
    }

    public static PlacementService NewService(string name = "placement", Action<PlacementServiceSpec>? customise = null)
    {
        var ps = new PlacementService { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace } };
        customise?.Invoke(ps.Spec);
        return ps;
    }

    public Task CreateAsync(PlacementService ps) =>
        Client.CustomObjects.CreateNamespacedCustomObjectAsync(ps, PlacementService.Group, PlacementService.Version, Namespace, PlacementService.Plural);

    /// <summary>A user's `kubectl patch --type merge` of the spec.</summary>
    public Task PatchSpecAsync(string name, JsonObject spec) =>
        Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(new JsonObject { ["spec"] = spec }.ToJsonString(), V1Patch.PatchType.MergePatch),
            PlacementService.Group, PlacementService.Version, Namespace, PlacementService.Plural, name);

    public Task DeleteAsync(string name) =>
        Client.CustomObjects.DeleteNamespacedCustomObjectAsync(PlacementService.Group, PlacementService.Version, Namespace, PlacementService.Plural, name);

    public T? Get<T>(string plural, string name) where T : class =>
        Server.Store.Get(ResourceKind.ByPlural(plural), Namespace, name) is { } item ? KubernetesJson.Deserialize<T>(item.ToJsonString()) : null;

    public PlacementService Service(string name = "placement") => Get<PlacementService>(PlacementService.Plural, name)!;

    public List<JsonObject> All(string plural) => Server.Store.List(ResourceKind.ByPlural(plural), Namespace, new Dictionary<string, string>()).Items;

    public static async Task<T> EventuallyAsync<T>(Func<T?> probe, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (probe() is { } value && value is not false)
            {
                return value;
            }
            if (clock.Elapsed > Timeout)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }
            await Task.Delay(20);
        }
    }

    public Task<T> EventuallyAsync<T>(string plural, string name) where T : class =>
        EventuallyAsync(() => Get<T>(plural, name), $"{plural}/{name}");

    public async Task<V1Condition> ConditionAsync(string type, string status, string? reason = null, string name = "placement") =>
        await EventuallyAsync(() => Service(name).Status?.Conditions?.FirstOrDefault(c =>
            c.Type == type && c.Status == status && (reason is null || c.Reason == reason)), $"condition {type}={status} {reason}");

    /// <summary>The Job controller: the sync Job's pod ran to success, or failed past its backoff limit.</summary>
    public void FinishJob(string jobName, bool succeeded) =>
        Server.Store.Mutate(ResourceKind.ByPlural("jobs"), Namespace, jobName, job => job["status"] = succeeded
            ? new JsonObject { ["succeeded"] = 1, ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Complete", ["status"] = "True" }) }
            : new JsonObject
            {
                ["failed"] = 3,
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Failed", ["status"] = "True", ["reason"] = "BackoffLimitExceeded", ["message"] = "Job has reached the specified backoff limit" }),
            });

    /// <summary>The Deployment controller and kubelet: every replica of the current template is up and ready.</summary>
    public void RollOut(string name = "placement", int? replicas = null) =>
        Server.Store.Mutate(ResourceKind.ByPlural("deployments"), Namespace, name, deployment =>
        {
            var count = replicas ?? (int?)deployment["spec"]!["replicas"] ?? 1;
            deployment["status"] = new JsonObject
            {
                ["observedGeneration"] = deployment["metadata"]!["generation"]!.DeepClone(),
                ["replicas"] = count,
                ["updatedReplicas"] = count,
                ["readyReplicas"] = count,
                ["availableReplicas"] = count,
            };
        });

    public async Task<V1Job> SyncJobAsync(string name = "placement") =>
        await EventuallyAsync(() => All("jobs").Select(j => KubernetesJson.Deserialize<V1Job>(j.ToJsonString()))
            .FirstOrDefault(j => j.Metadata.Name.StartsWith($"{name}-db-sync-", StringComparison.Ordinal) && j.Status?.Conditions is null), "a running db sync Job");

    /// <summary>The user's Secret with one key, as `kubectl create secret generic NAME --from-literal=KEY=VALUE` makes it.</summary>
    public async Task PutSecretAsync(string name, string key, string value)
    {
        var secret = new V1Secret { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace }, Data = new Dictionary<string, byte[]> { [key] = System.Text.Encoding.UTF8.GetBytes(value) } };
        if (Get<V1Secret>("secrets", name) is null)
        {
            await Client.CoreV1.CreateNamespacedSecretAsync(secret, Namespace);
        }
        else
        {
            await Client.CoreV1.ReplaceNamespacedSecretAsync(secret, name, Namespace);
        }
    }

    /// <summary>Creates the Secrets a service references and the service, and drives it to Ready: sync Job succeeds, Deployment rolls out.</summary>
    public async Task<PlacementService> CreateReadyAsync(PlacementService ps)
    {
        foreach (var reference in Placement.Operator.Builders.Settings.SecretInputs(ps.Spec).Values)
        {
            await PutSecretAsync(reference.Name, reference.Key, $"value of {reference.Name}");
        }
        await CreateAsync(ps);
        var job = await SyncJobAsync(ps.Metadata.Name);
        FinishJob(job.Metadata.Name, succeeded: true);
        await EventuallyAsync<V1Deployment>("deployments", ps.Metadata.Name);
        RollOut(ps.Metadata.Name);
        await ConditionAsync(Reconciliation.Conditions.Ready, "True", name: ps.Metadata.Name);
        return Service(ps.Metadata.Name);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var running in operators.Where(o => !o.Run.IsCompleted))
        {
            await running.StopAsync();
        }
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
