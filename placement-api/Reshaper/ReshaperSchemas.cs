using System.Text.Json.Nodes;
using NJsonSchema;
using Placement.Api.Allocations;
using Placement.Api.Http;
using Placement.Api.Inventories;

namespace Placement.Api.Reshaper;

/// <summary>
/// The body of POST /reshaper, per microversion (upstream: placement/schemas/reshaper.py): each
/// provider's inventories as PUT /resource_providers/{uuid}/inventories takes them, and the
/// allocations as POST /allocations takes them, except that there may be no consumers at all.
/// </summary>
public static class ReshaperSchemas
{
    private const string ProviderUuidPattern = "^[0-9a-fA-F-]{36}$";

    private static readonly JsonSchema V1_30 = JsonBody.Schema(Body(AllocationSchemas.V1_28));
    private static readonly JsonSchema V1_34 = JsonBody.Schema(Body(AllocationSchemas.V1_34));
    private static readonly JsonSchema V1_38 = JsonBody.Schema(Body(AllocationSchemas.V1_38));

    /// <summary>The schema for a request at <paramref name="version"/> (1.30 or later).</summary>
    public static JsonSchema For(Microversion version) =>
        version.IsAtLeast("1.38") ? V1_38
        : version.IsAtLeast("1.34") ? V1_34
        : V1_30;

    /// <summary>Every inventory of a validated body with its paths, for <see cref="InventorySchemas.RequireRatiosInRange"/>.</summary>
    public static IEnumerable<(JsonNode Inventory, string InstancePath, string SchemaPath)> InventoriesOf(JsonNode body) =>
        from provider in body["inventories"]!.AsObject()
        from inventory in provider.Value!["inventories"]!.AsObject()
        select (inventory.Value!,
            $"['inventories'][{PythonRepr.String(provider.Key)}]['inventories'][{PythonRepr.String(inventory.Key)}]",
            $"['properties']['inventories']['patternProperties'][{PythonRepr.String(ProviderUuidPattern)}]"
            + "['properties']['inventories']['patternProperties']['^[A-Z0-9_]+$']");

    private static string Body(string consumerSchema) => $$"""
        {
            "type": "object",
            "properties": {
                "inventories": {
                    "type": "object",
                    "patternProperties": {"{{ProviderUuidPattern}}": {{InventorySchemas.ReplaceAllText}}},
                    "minProperties": 1,
                    "additionalProperties": false
                },
                "allocations": {{AllocationSchemas.ByConsumer(consumerSchema, minConsumers: 0)}}
            },
            "required": ["inventories", "allocations"],
            "additionalProperties": false
        }
        """;
}
