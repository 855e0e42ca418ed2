using System.Text.Json.Nodes;
using Placement.Operator.Tests.FakeApi;

namespace Placement.Operator.Tests;

/// <summary>The parts of the custom resource contract the PlacementService CRD does not use, on a CRD of their own.</summary>
public class CustomResourceContractTests
{
    private const string Crd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.com}
        spec:
          group: example.com
          scope: Namespaced
          names: {kind: Widget, plural: widgets}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      size: {type: integer, default: 1}
                      colour: {type: string}
                      free:
                        type: object
                        x-kubernetes-preserve-unknown-fields: true
                        properties:
                          known: {type: object, properties: {a: {type: string}}}
        """;

    [Fact]
    public async Task Unknown_fields_are_kept_under_preserve_unknown_fields_but_pruned_under_its_known_ones_and_nulls_give_way_to_defaults()
    {
        var contract = await CustomResourceContract.LoadAsync(Crd);
        var widget = JsonNode.Parse("""
            {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
             "spec": {"size": null, "colour": null, "typo": 1,
                      "free": {"anything": {"deep": [1]}, "empty": null, "known": {"a": "x", "b": 1}}}}
            """)!.AsObject();

        var admitted = contract.Admit(widget, old: null, status: false);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"size": 1, "free": {"anything": {"deep": [1]}, "empty": null, "known": {"a": "x"}}}
            """), admitted["spec"]), admitted["spec"]!.ToJsonString());
    }
}
