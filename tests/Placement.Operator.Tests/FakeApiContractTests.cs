using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Placement.Operator.Resources;
using Placement.Operator.Tests.FakeApi;

namespace Placement.Operator.Tests;

/// <summary>
/// The fake API server holds a PlacementService to the committed CRD as kube-apiserver does (defaults, pruning,
/// OpenAPI and CEL validation with its messages, the status subresource), and merges keyed lists in server-side apply.
/// Everything goes through the real KubernetesClient.
/// </summary>
public class FakeApiContractTests
{
    private const string Ns = "fake";
    private const string Invalid = "PlacementService.operator.placement.dev \"demo\" is invalid: ";
    private const string SqliteReplicas = "spec: Invalid value: replicas above 1 need database.connectionSecretRef: the embedded SQLite database is a file on one volume and cannot be shared by several pods";
    private const string NotChecked = "<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation";
    private static readonly JsonObject ExternalDatabase = new() { ["connectionSecretRef"] = new JsonObject { ["name"] = "db", ["key"] = "url" } };

    private static JsonObject Service(JsonObject spec, string name = "demo") => new()
    {
        ["apiVersion"] = PlacementService.ApiVersionName,
        ["kind"] = PlacementService.KindName,
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = spec,
    };

    private static Task<object> Create(Kubernetes client, JsonObject service) =>
        client.CustomObjects.CreateNamespacedCustomObjectAsync(service, PlacementService.Group, PlacementService.Version, Ns, PlacementService.Plural);

    private static Task<object> MergePatch(Kubernetes client, JsonObject patch, bool status = false) => status
        ? client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), PlacementService.Group, PlacementService.Version, Ns, PlacementService.Plural, "demo")
        : client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), PlacementService.Group, PlacementService.Version, Ns, PlacementService.Plural, "demo");

    private static Task<object> Apply(Kubernetes client, JsonObject config, string manager, bool status = false) => status
        ? client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch(config.ToJsonString(), V1Patch.PatchType.ApplyPatch), PlacementService.Group, PlacementService.Version, Ns, PlacementService.Plural, "demo", fieldManager: manager, force: true)
        : client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(config.ToJsonString(), V1Patch.PatchType.ApplyPatch), PlacementService.Group, PlacementService.Version, Ns, PlacementService.Plural, "demo", fieldManager: manager, force: true);

    private static async Task<JsonObject> Read(Kubernetes client) =>
        JsonNode.Parse(KubernetesJson.Serialize(await client.CustomObjects.GetNamespacedCustomObjectAsync(PlacementService.Group, PlacementService.Version, Ns, PlacementService.Plural, "demo")))!.AsObject();

    /// <summary>The Status of a refused call: 422, reason Invalid, and its message.</summary>
    private static async Task<string> Refused(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(call);
        var status = JsonNode.Parse(error.Response.Content)!;
        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        Assert.Equal("Invalid", (string?)status["reason"]);
        Assert.Equal(PlacementService.KindName, (string?)status["details"]!["kind"]);
        return (string)status["message"]!;
    }

    public static TheoryData<string, string> InvalidSpecs() => new()
    {
        { """{"replicas": 3}""", Invalid + SqliteReplicas },
        { """{"replicas": 200, "database": {"connectionSecretRef": {"name": "db", "key": "url"}}}""",
            Invalid + "spec.replicas: Invalid value: 200: spec.replicas in body should be less than or equal to 100" },
        // Range errors do not stop the CEL rules; several errors are listed in brackets.
        { """{"replicas": 200}""", Invalid + "[spec.replicas: Invalid value: 200: spec.replicas in body should be less than or equal to 100, " + SqliteReplicas + "]" },
        // A type error does stop them, and says so.
        { """{"tolerations": [{"key": "dedicated", "operator": "Exists", "tolerationSeconds": "60"}]}""",
            Invalid + "[spec.tolerations[0].tolerationSeconds: Invalid value: \"string\": spec.tolerations[0].tolerationSeconds in body must be of type integer: \"string\", " + NotChecked + "]" },
        { """{"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "zone"}]}]}}}}""",
            Invalid + "[spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: Required value, " + NotChecked + "]" },
        { """{"ingress": {"host": "Placement.Local"}}""",
            Invalid + "spec.ingress.host: Invalid value: \"Placement.Local\": ingress.host must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit" },
        { """{"auth": {"strategy": "basic"}}""",
            Invalid + "[spec.auth.strategy: Unsupported value: \"basic\": supported values: \"noauth2\", \"keystone\", " + NotChecked + "]" },
        { """{"image": ""}""", Invalid + "spec.image: Invalid value: \"\": spec.image in body should be at least 1 chars long" },
        { """{"replicas": -1}""", Invalid + "spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0" },
        { new JsonObject { ["config"] = new JsonObject { ["env"] = new JsonObject([.. Enumerable.Range(0, 257).Select(i => KeyValuePair.Create($"OS_A__B{i}", (JsonNode?)"1"))]) } }.ToJsonString(),
            Invalid + "[spec.config.env: Too many: 257: must have at most 256 items, " + NotChecked + "]" },
        { new JsonObject { ["ingress"] = new JsonObject { ["host"] = new string('a', 254) } }.ToJsonString(),
            Invalid + "[spec.ingress.host: Too long: may not be more than 253 bytes, " + NotChecked + "]" },
        { """{"database": {"sqliteStorageSize": "1 Gi"}}""",
            Invalid + @"spec.database.sqliteStorageSize: Invalid value: ""1 Gi"": spec.database.sqliteStorageSize in body should match '^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$'" },
        { """{"database": {"sqliteStorageSize": true}}""",
            Invalid + "[spec.database.sqliteStorageSize: Invalid value: \"boolean\": spec.database.sqliteStorageSize in body must be of type integer,string: \"boolean\", "
                + "<nil>: Invalid value: \"\": \"spec.database.sqliteStorageSize\" must validate at least one schema (anyOf), "
                + "spec.database.sqliteStorageSize: Invalid value: \"boolean\": spec.database.sqliteStorageSize in body must be of type integer: \"boolean\", " + NotChecked + "]" },
    };

    [Theory]
    [MemberData(nameof(InvalidSpecs))]
    public async Task An_invalid_spec_is_refused_with_kube_apiservers_message(string spec, string message)
    {
        await using var server = await FakeApiServer.StartAsync();
        using var client = server.Client();

        Assert.Equal(message, await Refused(() => Create(client, Service(JsonNode.Parse(spec)!.AsObject()))));
        Assert.Empty((await client.CustomObjects.ListNamespacedCustomObjectAsync<PlacementServiceList>(PlacementService.Group, PlacementService.Version, Ns, PlacementService.Plural)).Items);
    }

    [Fact]
    public async Task A_name_that_cannot_name_a_service_is_refused()
    {
        await using var server = await FakeApiServer.StartAsync();
        using var client = server.Client();

        var message = await Refused(() => Create(client, Service([], name: "Demo_1")));

        Assert.Equal("PlacementService.operator.placement.dev \"Demo_1\" is invalid: ["
            + "metadata.name: Invalid value: \"Demo_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), "
            + "<nil>: Invalid value: metadata.name must be a DNS-1035 label (lowercase letters, digits and '-', starting with a letter and ending with a letter or digit): it names the Service]",
            message);
        // A valid subdomain but not a DNS-1035 label: only the CRD's rule refuses it.
        Assert.Equal("PlacementService.operator.placement.dev \"demo.one\" is invalid: <nil>: Invalid value: metadata.name must be a DNS-1035 label (lowercase letters, digits and '-', starting with a letter and ending with a letter or digit): it names the Service",
            await Refused(() => Create(client, Service([], name: "demo.one"))));
    }

    [Fact]
    public async Task The_sqlite_storage_class_cannot_change_once_set_but_the_rest_of_the_spec_can()
    {
        await using var server = await FakeApiServer.StartAsync();
        using var client = server.Client();
        await Create(client, Service(new JsonObject { ["database"] = new JsonObject { ["sqliteStorageClassName"] = "fast" } }));
        const string immutable = Invalid + "spec.database: Invalid value: database.sqliteStorageClassName cannot change once set: the storage class of the SQLite volume (a PersistentVolumeClaim) is immutable";

        Assert.Equal(immutable, await Refused(() => MergePatch(client, new JsonObject { ["spec"] = new JsonObject { ["database"] = new JsonObject { ["sqliteStorageClassName"] = "slow" } } })));
        Assert.Equal(immutable, await Refused(() => MergePatch(client, new JsonObject { ["spec"] = new JsonObject { ["database"] = new JsonObject { ["sqliteStorageClassName"] = null } } })));
        await MergePatch(client, new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 0 } });

        var stored = await Read(client);
        Assert.Equal("fast", (string?)stored["spec"]!["database"]!["sqliteStorageClassName"]);
        Assert.Equal(0, (int?)stored["spec"]!["replicas"]);
    }

    [Fact]
    public async Task Create_fills_the_defaults_and_prunes_unknown_fields()
    {
        await using var server = await FakeApiServer.StartAsync();
        using var client = server.Client();
        var service = Service(new JsonObject { ["replicas"] = 1, ["replicaCount"] = 3, ["ingress"] = new JsonObject { ["host"] = "api.example.org", ["hostname"] = "typo" } });
        service["extra"] = true;

        await Create(client, service);

        var stored = await Read(client);
        var spec = stored["spec"]!;
        Assert.Null(spec["image"]); // no schema default: the operator fills in its release's image
        Assert.Equal("1Gi", (string?)spec["database"]!["sqliteStorageSize"]);
        Assert.Equal("250m", (string?)spec["resources"]!["requests"]!["cpu"]);
        Assert.Equal(8778, (int?)spec["service"]!["port"]);
        Assert.False((bool?)spec["ingress"]!["enabled"]);
        Assert.Equal("api.example.org", (string?)spec["ingress"]!["host"]);
        Assert.Null(spec["ingress"]!["hostname"]);
        Assert.Null(spec["replicaCount"]);
        Assert.Null(stored["extra"]);
        Assert.Null(spec["autoscaling"]);
    }

    [Fact]
    public async Task Every_kind_of_write_to_the_main_resource_ignores_status_and_to_status_everything_else()
    {
        await using var server = await FakeApiServer.StartAsync();
        using var client = server.Client();
        await Create(client, Service([]));
        var status = new JsonObject { ["currentVersion"] = "1.0" };

        var mainApply = Service(new JsonObject { ["image"] = "placement-api:1.0" });
        mainApply["status"] = status.DeepClone();
        var statusApply = Service(new JsonObject { ["image"] = "ignored:2" });
        statusApply["status"] = new JsonObject { ["url"] = "http://demo/" };

        await MergePatch(client, new JsonObject { ["spec"] = new JsonObject { ["image"] = "placement-api:1.0" }, ["status"] = status.DeepClone() });
        await Apply(client, mainApply, "user");
        Assert.Null((await Read(client))["status"]);

        await MergePatch(client, new JsonObject { ["spec"] = new JsonObject { ["image"] = "ignored:1" }, ["status"] = status.DeepClone() }, status: true);
        await Apply(client, statusApply, "operator", status: true);

        var stored = await Read(client);
        Assert.Equal("placement-api:1.0", (string?)stored["spec"]!["image"]);
        Assert.Equal("1.0", (string?)stored["status"]!["currentVersion"]);
        Assert.Equal("http://demo/", (string?)stored["status"]!["url"]);
        Assert.Equal(2, (long?)stored["metadata"]!["generation"]);
    }

    [Fact]
    public async Task A_status_write_is_held_to_the_status_schema()
    {
        await using var server = await FakeApiServer.StartAsync();
        using var client = server.Client();
        await Create(client, Service([]));
        JsonObject Condition(string status, string reason) => new()
        {
            ["type"] = "Ready",
            ["status"] = status,
            ["reason"] = reason,
            ["message"] = "",
            ["lastTransitionTime"] = "2025-01-01T00:00:00Z",
        };

        Assert.Equal(Invalid + "[status.conditions[0].status: Unsupported value: \"Maybe\": supported values: \"True\", \"False\", \"Unknown\", " + NotChecked + "]",
            await Refused(() => MergePatch(client, new JsonObject { ["status"] = new JsonObject { ["conditions"] = new JsonArray(Condition("Maybe", "Ready")) } }, status: true)));
        Assert.Equal(Invalid + "status.conditions[1]: Duplicate value: {\"type\":\"Ready\"}",
            await Refused(() => MergePatch(client, new JsonObject { ["status"] = new JsonObject { ["conditions"] = new JsonArray(Condition("True", "Ready"), Condition("False", "Ready")) } }, status: true)));
        Assert.Equal(Invalid + "status.conditions[0].reason: Invalid value: \"not ready\": conditions[0].reason in body should match '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$'",
            await Refused(() => MergePatch(client, new JsonObject { ["status"] = new JsonObject { ["conditions"] = new JsonArray(Condition("False", "not ready")) } }, status: true)));
        var undated = Condition("True", "Ready");
        undated["lastTransitionTime"] = "yesterday";
        Assert.Equal(Invalid + "[status.conditions[0].lastTransitionTime: Invalid value: \"yesterday\": conditions[0].lastTransitionTime in body must be of type date-time: \"yesterday\", " + NotChecked + "]",
            await Refused(() => MergePatch(client, new JsonObject { ["status"] = new JsonObject { ["conditions"] = new JsonArray(undated) } }, status: true)));
        undated.Remove("lastTransitionTime");
        Assert.Equal(Invalid + "[status.conditions[0].lastTransitionTime: Required value, " + NotChecked + "]",
            await Refused(() => MergePatch(client, new JsonObject { ["status"] = new JsonObject { ["conditions"] = new JsonArray(undated.DeepClone()) } }, status: true)));
    }

    [Fact]
    public async Task A_status_write_is_not_refused_for_a_rule_the_unchanged_spec_breaks()
    {
        await using var server = await FakeApiServer.StartAsync();
        using var client = server.Client();
        await Create(client, Service([]));
        // Stored while a laxer CRD was installed: kube-apiserver ratchets the rules of fields an update leaves as they were.
        server.Store.Mutate(ResourceKind.ByPlural(PlacementService.Plural), Ns, "demo", ps => ps["spec"]!["replicas"] = 3);

        await MergePatch(client, new JsonObject { ["status"] = new JsonObject { ["url"] = "http://demo/" } }, status: true);
        await MergePatch(client, new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["team"] = "a" } } });

        Assert.Equal(Invalid + SqliteReplicas, await Refused(() => MergePatch(client, new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 4 } })));
    }

    [Fact]
    public async Task Apply_merges_keyed_lists_so_another_managers_entries_survive_the_operators_apply()
    {
        await using var server = await FakeApiServer.StartAsync();
        using var client = server.Client();
        V1Deployment Deployment(params V1Container[] containers) => new()
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = "api", NamespaceProperty = Ns },
            Spec = new V1DeploymentSpec { Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = containers } } },
        };
        Task<V1Deployment> ApplyDeployment(V1Deployment d, string manager) =>
            client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(d, V1Patch.PatchType.ApplyPatch), "api", Ns, fieldManager: manager, force: true);
        static V1EnvVar Env(string name) => new() { Name = name, Value = "1" };

        await ApplyDeployment(Deployment(new V1Container { Name = "api", Image = "api:1", Env = [Env("A"), Env("B")] }), "placement-operator");
        await ApplyDeployment(Deployment(new V1Container { Name = "api", Env = [Env("INJECTED")] }, new V1Container { Name = "sidecar", Image = "proxy:1" }), "injector");
        var result = await ApplyDeployment(Deployment(new V1Container { Name = "api", Image = "api:2", Env = [Env("A")] }), "placement-operator");

        var containers = result.Spec.Template.Spec.Containers;
        Assert.Equal(["api", "sidecar"], containers.Select(c => c.Name));
        Assert.Equal("api:2", containers[0].Image);
        Assert.Equal(["A", "INJECTED"], containers[0].Env.Select(e => e.Name));
    }

    [Fact]
    public async Task Apply_merges_the_crds_map_lists_by_their_keys()
    {
        await using var server = await FakeApiServer.StartAsync();
        using var client = server.Client();
        await Create(client, Service([]));
        JsonObject Conditions(params string[] types) => new()
        {
            ["apiVersion"] = PlacementService.ApiVersionName,
            ["kind"] = PlacementService.KindName,
            ["metadata"] = new JsonObject { ["name"] = "demo" },
            ["status"] = new JsonObject
            {
                ["conditions"] = new JsonArray([.. types.Select(t => (JsonNode)new JsonObject
                {
                    ["type"] = t, ["status"] = "True", ["reason"] = "Fine", ["message"] = "", ["lastTransitionTime"] = "2025-01-01T00:00:00Z",
                })]),
            },
        };

        await Apply(client, Conditions("Ready", "Available"), "placement-operator", status: true);
        await Apply(client, Conditions("Audited"), "auditor", status: true);
        await Apply(client, Conditions("Ready"), "placement-operator", status: true);

        var types = (await Read(client))["status"]!["conditions"]!.AsArray().Select(c => (string?)c!["type"]);
        Assert.Equal(["Ready", "Audited"], types);
    }
}
