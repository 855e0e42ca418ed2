using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Placement.Operator.Crd;
using Placement.Operator.Resources;

namespace Placement.Operator.Tests;

public class CrdTests
{
    [Fact]
    public void The_committed_crd_is_what_the_operator_generates()
    {
        var committed = RepositoryFiles.Read("crds", "placementservices.yaml");

        Assert.True(committed == CrdGenerator.GenerateYaml(),
            "crds/placementservices.yaml is stale: run `dotnet run --project operator -- generate-crd --output crds/placementservices.yaml` from the repository root");
    }

    [Fact]
    public void The_crd_is_a_valid_custom_resource_definition_with_status_and_printer_columns()
    {
        var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(CrdGenerator.GenerateYaml());
        var version = crd.Spec.Versions.Single();

        Assert.Equal($"{PlacementService.Plural}.{PlacementService.Group}", crd.Metadata.Name);
        Assert.Equal("Namespaced", crd.Spec.Scope);
        Assert.Contains("plsvc", crd.Spec.Names.ShortNames);
        Assert.NotNull(version.Subresources.Status);
        Assert.Equal(["Ready", "Replicas", "Version", "URL", "Age"], version.AdditionalPrinterColumns.Select(c => c.Name));
    }

    private static JsonNode Spec() => CrdGenerator.Generate()["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!;

    [Fact]
    public void Schema_defaults_are_the_operator_defaults_so_a_three_line_manifest_works()
    {
        var spec = Spec()["properties"]!;

        // No image default in the schema: the operator fills in its own release's image (OperatorOptions.DefaultImage).
        Assert.Null(spec["image"]!["default"]);
        Assert.Equal(1, (int?)spec["replicas"]!["default"]);
        Assert.Equal("placement.local", (string?)spec["ingress"]!["properties"]!["host"]!["default"]);
        Assert.Equal("noauth2", (string?)spec["auth"]!["properties"]!["strategy"]!["default"]);
        Assert.Equal(10, (int?)spec["autoscaling"]!["properties"]!["maxReplicas"]!["default"]);
        Assert.Equal(50, (int?)spec["autoscaling"]!["properties"]!["targetCPUUtilizationPercentage"]!["default"]);
        Assert.Equal("250m", (string?)spec["resources"]!["default"]!["requests"]!["cpu"]);
        Assert.NotNull(Spec()["default"]);
    }

    [Fact]
    public void Schema_rejects_autoscaling_with_sqlite_saying_why()
    {
        var rules = Spec()["x-kubernetes-validations"]!.AsArray();

        Assert.Contains(rules, r => ((string?)r!["rule"])!.Contains("self.autoscaling.maxReplicas <= 1", StringComparison.Ordinal)
            && ((string?)r["message"])!.Contains("SQLite", StringComparison.Ordinal));
        Assert.Equal(new JsonArray("noauth2", "keystone").ToJsonString(), Spec()["properties"]!["auth"]!["properties"]!["strategy"]!["enum"]!.ToJsonString());
    }

    [Fact]
    public void Schema_limits_the_name_as_the_operator_does()
    {
        var root = CrdGenerator.Generate()["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;

        Assert.Contains(root["x-kubernetes-validations"]!.AsArray(),
            r => (string?)r!["rule"] == $"self.metadata.name.size() <= {Reconciliation.SpecValidation.MaxNameLength}");
    }

    [Fact]
    public void Kubernetes_types_get_the_schema_kubernetes_gives_them_so_a_wrong_type_is_refused_not_deserialised()
    {
        var spec = Spec()["properties"]!;
        var tolerations = spec["tolerations"]!;
        var preferred = spec["affinity"]!["properties"]!["nodeAffinity"]!["properties"]!["preferredDuringSchedulingIgnoredDuringExecution"]!;
        var nodeSelector = spec["affinity"]!["properties"]!["nodeAffinity"]!["properties"]!["requiredDuringSchedulingIgnoredDuringExecution"]!;

        Assert.DoesNotContain("x-kubernetes-preserve-unknown-fields", CrdGenerator.GenerateYaml(), StringComparison.Ordinal);
        Assert.Equal("atomic", (string?)tolerations["x-kubernetes-list-type"]);
        Assert.Equal(("integer", "int64"), ((string?)tolerations["items"]!["properties"]!["tolerationSeconds"]!["type"], (string?)tolerations["items"]!["properties"]!["tolerationSeconds"]!["format"]));
        Assert.Equal("atomic", (string?)preferred["x-kubernetes-list-type"]);
        Assert.Equal("int32", (string?)preferred["items"]!["properties"]!["weight"]!["format"]);
        Assert.Equal(new JsonArray("preference", "weight").ToJsonString(), preferred["items"]!["required"]!.ToJsonString());
        Assert.Equal("atomic", (string?)nodeSelector["x-kubernetes-map-type"]);
        Assert.Null(preferred["items"]!["properties"]!["weight"]!["default"]);
    }

    [Fact]
    public void Status_conditions_are_metav1_conditions_merged_by_type()
    {
        var conditions = CrdGenerator.Generate()["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["status"]!["properties"]!["conditions"]!;

        Assert.Equal("map", (string?)conditions["x-kubernetes-list-type"]);
        Assert.Equal(new JsonArray("type").ToJsonString(), conditions["x-kubernetes-list-map-keys"]!.ToJsonString());
        Assert.Equal(new JsonArray("type", "status", "lastTransitionTime", "reason", "message").ToJsonString(), conditions["items"]!["required"]!.ToJsonString());
        Assert.Equal(new JsonArray("True", "False", "Unknown").ToJsonString(), conditions["items"]!["properties"]!["status"]!["enum"]!.ToJsonString());
    }
}
