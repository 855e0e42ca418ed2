using System.Text.Json.Nodes;
using Placement.Operator.Crd;
using Placement.Operator.Tests.FakeApi;

namespace Placement.Operator.Tests;

/// <summary>
/// The CRD's CEL rules, evaluated with a CEL implementation (the Cel package), not a copy of the rules in C#.
/// kube-apiserver checks every schema node's raw default against that node's rules when the CRD is created, without
/// the nested defaults applied first (apiextensions-apiserver, pkg/apiserver/schema/defaulting/validation.go,
/// <c>validate</c>: <c>celValidator.Validate(ctx, pth.Child("default"), s, s.Default.Object, ...)</c>): a rule that
/// reaches into a field the default lacks is an error there, and the CRD is refused. The samples must pass too, once
/// defaulted as kube-apiserver defaults them. Transition rules (oldSelf) are not run on defaults by kube-apiserver;
/// here they get oldSelf = self, an update that changes nothing, which must always pass.
/// </summary>
public class CrdCelRulesTests
{
    private static readonly JsonObject Schema = CrdGenerator.Generate()["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!.AsObject();

    private static readonly string[] SampleFiles = [.. Directory.GetFiles(RepositoryFiles.PathOf("config", "samples"), "placementservice_*.yaml").Select(Path.GetFileName)!];

    /// <summary>Every rule with the path of its node: property names, "[]" for a list's items.</summary>
    private static IEnumerable<(string Path, JsonObject Node, string Rule)> Rules(JsonObject node, string path)
    {
        foreach (var rule in node["x-kubernetes-validations"] as JsonArray ?? [])
        {
            yield return (path, node, (string)rule!["rule"]!);
        }
        var children = (node["properties"] as JsonObject ?? []).Select(p => ($"{path}.{p.Key}", p.Value!.AsObject()))
            .Concat(node["items"] is JsonObject items ? [($"{path}[]", items)] : []);
        foreach (var (childPath, child) in children)
        {
            foreach (var found in Rules(child, childPath))
            {
                yield return found;
            }
        }
    }

    private static IEnumerable<(string Path, JsonObject Node, string Rule)> AllRules() => Rules(Schema, "openAPIV3Schema");

    public static TheoryData<string, string> DefaultsUnderRules()
    {
        var data = new TheoryData<string, string>();
        foreach (var (path, node, rule) in AllRules().Where(r => r.Node["default"] is not null))
        {
            data.Add(path, rule);
        }
        return data;
    }

    public static TheoryData<string, string, string> SamplesUnderRules()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var file in SampleFiles)
        {
            foreach (var (path, _, rule) in AllRules().Where(r => ValueAt(DefaultedSample(file), r.Path) is not null))
            {
                data.Add(file, path, rule);
            }
        }
        return data;
    }

    [Fact]
    public void Some_defaults_and_every_sample_are_under_rules()
    {
        Assert.NotEmpty(DefaultsUnderRules());
        Assert.All(SampleFiles, file => Assert.Contains(SamplesUnderRules(), row => (string)row[0] == file));
    }

    [Theory]
    [MemberData(nameof(DefaultsUnderRules))]
    public void Every_default_passes_the_rules_of_its_node(string path, string rule) =>
        AssertPasses(rule, SchemaAt(path)["default"]!, $"{path}: the default");

    [Theory]
    [MemberData(nameof(SamplesUnderRules))]
    public void Every_sample_passes_every_rule_once_defaulted(string file, string path, string rule) =>
        AssertPasses(rule, ValueAt(DefaultedSample(file), path)!, $"config/samples/{file} at {path}");

    [Theory]
    [InlineData("placement", true)]
    [InlineData("placement-2", true)]
    [InlineData("Demo_1", false)]
    [InlineData("1placement", false)]
    [InlineData("placement-", false)]
    [InlineData("placement.one", false)]
    public void The_name_must_be_a_DNS_1035_label(string name, bool valid)
    {
        var rule = AllRules().Single(r => r.Path == "openAPIV3Schema" && r.Rule.Contains("matches", StringComparison.Ordinal)).Rule;

        Assert.Equal(valid, Evaluate(rule, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } }));
    }

    [Theory]
    [InlineData("placement.local", true)]
    [InlineData("api.example-1.org", true)]
    [InlineData("localhost", true)]
    [InlineData("Placement.local", false)]
    [InlineData("under_score.local", false)]
    [InlineData("-api.local", false)]
    [InlineData("api..local", false)]
    [InlineData("api.local.", false)]
    [InlineData("https://api.local", false)]
    public void The_ingress_host_must_be_a_DNS_1123_subdomain(string host, bool valid)
    {
        var rule = AllRules().Single(r => r.Path == "openAPIV3Schema.spec.ingress.host").Rule;

        Assert.Equal(valid, Evaluate(rule, JsonValue.Create(host)));
        Assert.Equal(253, (int)SchemaAt("openAPIV3Schema.spec.ingress.host")["maxLength"]!);
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData(null, "fast", true)]
    [InlineData("fast", "fast", true)]
    [InlineData("fast", "slow", false)]
    [InlineData("fast", null, false)]
    public void The_sqlite_storage_class_cannot_change_once_set(string? before, string? after, bool valid)
    {
        var rule = AllRules().Single(r => r.Path == "openAPIV3Schema.spec.database").Rule;
        JsonObject Database(string? storageClass) => storageClass is null
            ? new JsonObject { ["sqliteStorageSize"] = "1Gi" }
            : new JsonObject { ["sqliteStorageSize"] = "1Gi", ["sqliteStorageClassName"] = storageClass };

        Assert.True(new CustomResourceContract.CelProgram(rule).UsesOldSelf, "a transition rule: kube-apiserver only runs it on updates");
        Assert.Equal(valid, Evaluate(rule, Database(after), Database(before)));
    }

    [Theory]
    [InlineData("OS_API__MAX_LIMIT", true)]
    [InlineData("OS_PLACEMENT__ALLOCATION_CANDIDATES_TIME_LIMIT", true)]
    [InlineData("OS_API__AUTH_STRATEGY", false)]
    [InlineData("OS_PLACEMENT_DATABASE__CONNECTION", false)]
    [InlineData("OS_OSLO_POLICY__POLICY_FILE", false)]
    [InlineData("OS_KEYSTONE_AUTHTOKEN__AUTH_URL", false)]
    [InlineData("OS_DATABASE__PASSWORD", false)]
    [InlineData("OS_CACHE__MEMCACHE_SECRET_KEY", false)]
    [InlineData("OS_SERVICE_USER__TOKEN", false)]
    [InlineData("OS_Api__Auth_Strategy", false)]
    [InlineData("OS_keystone_authtoken__password", false)]
    [InlineData("OS_API__AUTH-STRATEGY", false)]
    [InlineData("DEBUG", false)]
    public void Config_env_cannot_set_what_the_spec_decides_nor_hold_secrets(string name, bool valid)
    {
        var rules = AllRules().Where(r => r.Path == "openAPIV3Schema.spec.config").Select(r => r.Rule).ToList();
        var config = new JsonObject { ["env"] = new JsonObject { [name] = "x" } };

        Assert.Equal(3, rules.Count);
        Assert.Equal(valid, rules.All(rule => Evaluate(rule, config) is true));
    }

    [Theory]
    [InlineData(false, "ClusterIP", false, true)]
    [InlineData(true, "ClusterIP", false, false)]
    [InlineData(false, "LoadBalancer", false, false)]
    [InlineData(false, "NodePort", false, false)]
    [InlineData(true, "ClusterIP", true, true)]
    [InlineData(false, "NodePort", true, true)]
    public void Noauth2_leaves_the_cluster_only_when_the_user_accepts_it(bool ingress, string serviceType, bool accepted, bool valid)
    {
        var rule = AllRules().Single(r => r.Path == "openAPIV3Schema.spec" && r.Rule.Contains("exposeUnauthenticated", StringComparison.Ordinal)).Rule;
        JsonObject Spec(string strategy) => new()
        {
            ["ingress"] = new JsonObject { ["enabled"] = ingress },
            ["service"] = new JsonObject { ["type"] = serviceType },
            ["auth"] = new JsonObject { ["strategy"] = strategy, ["exposeUnauthenticated"] = accepted },
        };

        Assert.Equal(valid, Evaluate(rule, Spec("noauth2")));
        Assert.True(Evaluate(rule, Spec("keystone")) is true);
    }

    [Theory]
    [InlineData(null, 10, true)]
    [InlineData(110, 10, true)]
    [InlineData(109, 10, false)]
    [InlineData(20, null, true)]
    [InlineData(19, null, false)]
    public void The_pools_of_the_most_pods_must_fit_the_databases_limit(int? maxConnections, int? maxReplicas, bool valid)
    {
        var rule = AllRules().Single(r => r.Path == "openAPIV3Schema.spec" && r.Rule.Contains("maxConnections", StringComparison.Ordinal)).Rule;
        var database = new JsonObject { ["maxPoolSize"] = 4, ["maxOverflow"] = 6 };
        if (maxConnections is { } allowed)
        {
            database["maxConnections"] = allowed;
        }
        // (4 + 6) connections x (the most pods + 1): 10 autoscaled pods need 110, one fixed replica 20.
        var spec = new JsonObject { ["database"] = database, ["replicas"] = 1 };
        if (maxReplicas is { } most)
        {
            spec["autoscaling"] = new JsonObject { ["minReplicas"] = 1, ["maxReplicas"] = most };
        }

        Assert.Equal(valid, Evaluate(rule, spec));
    }

    private static void AssertPasses(string rule, JsonNode self, string what)
    {
        object? result;
        try
        {
            result = Evaluate(rule, self);
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{what} fails rule `{rule}` with an error, and kube-apiserver refuses it: {e.Message}");
        }
        Assert.True(result is true, $"{what} does not satisfy rule `{rule}`");
    }

    private static object? Evaluate(string rule, JsonNode self, JsonNode? oldSelf = null) =>
        new CustomResourceContract.CelProgram(rule).Evaluate(self, oldSelf ?? self);

    private static JsonObject SchemaAt(string path)
    {
        var node = Schema;
        foreach (var step in path.Split('.').Skip(1))
        {
            node = step.EndsWith("[]", StringComparison.Ordinal) ? node["properties"]![step[..^2]]!["items"]!.AsObject() : node["properties"]![step]!.AsObject();
        }
        return node;
    }

    private static JsonNode? ValueAt(JsonNode? value, string path)
    {
        foreach (var step in path.Split('.').Skip(1))
        {
            // A rule under list items would need every item checked; the CRD has none yet.
            value = step.EndsWith("[]", StringComparison.Ordinal) ? throw new NotSupportedException($"a rule under list items: {path}") : value?[step];
        }
        return value;
    }

    private static JsonObject DefaultedSample(string file)
    {
        var sample = CustomResourceContract.YamlToJson(RepositoryFiles.Read("config", "samples", file)).AsObject();
        CustomResourceContract.Default(sample, Schema);
        return sample;
    }
}
