using System.Globalization;
using System.Text.Json.Nodes;
using NJsonSchema;
using Placement.Api.Http;

namespace Placement.Api.Inventories;

/// <summary>Request bodies of the inventory routes (upstream: placement/schemas/inventory.py).</summary>
public static class InventorySchemas
{
    /// <summary>Upstream's SQL_SP_FLOAT_MAX, the allocation_ratio bound (beyond what NJsonSchema's decimal bounds hold).</summary>
    public const double MaxAllocationRatio = 3.40282e+38;

    // The six fields of an inventory; integer bounds are upstream's MAX_INT. allocation_ratio's
    // maximum is checked by RequireRatiosInRange (see JsonBody.Schema). NJsonSchema reports missing properties in the
    // order of "properties", so total comes first, as in upstream's "required".
    private const string Fields = """
        "total": {"type": "integer", "maximum": 2147483647, "minimum": 1},
        "reserved": {"type": "integer", "maximum": 2147483647, "minimum": 0},
        "min_unit": {"type": "integer", "maximum": 2147483647, "minimum": 1},
        "max_unit": {"type": "integer", "maximum": 2147483647, "minimum": 1},
        "step_size": {"type": "integer", "maximum": 2147483647, "minimum": 1},
        "allocation_ratio": {"type": "number", "maximum": 3.40282e+38}
        """;

    /// <summary>PUT /resource_providers/{uuid}/inventories/{resource_class}.</summary>
    public static readonly JsonSchema UpdateOne = JsonBody.Schema($$"""
        {
            "type": "object",
            "properties": {
                {{Fields}},
                "resource_provider_generation": {"type": "integer"}
            },
            "required": ["total", "resource_provider_generation"],
            "additionalProperties": false
        }
        """);

    /// <summary>POST /resource_providers/{uuid}/inventories.</summary>
    public static readonly JsonSchema Create = JsonBody.Schema($$"""
        {
            "type": "object",
            "properties": {
                {{Fields}},
                "resource_provider_generation": {"type": "integer"},
                "resource_class": {"type": "string", "pattern": "^[A-Z0-9_]+$"}
            },
            "required": ["total", "resource_class"],
            "additionalProperties": false
        }
        """);

    /// <summary>PUT /resource_providers/{uuid}/inventories (keys that are no resource class name are left to the store to refuse).</summary>
    public static readonly JsonSchema ReplaceAll = JsonBody.Schema(ReplaceAllText);

    /// <summary><see cref="ReplaceAll"/> as text, for bodies that embed it (the reshaper's, once per provider).</summary>
    public const string ReplaceAllText = $$"""
        {
            "type": "object",
            "properties": {
                "resource_provider_generation": {"type": "integer"},
                "inventories": {
                    "type": "object",
                    "patternProperties": {
                        "^[A-Z0-9_]+$": {
                            "type": "object",
                            "properties": {
                                "resource_provider_generation": {"type": "integer"},
                                {{Fields}}
                            },
                            "required": ["total"],
                            "additionalProperties": false
                        }
                    }
                }
            },
            "required": ["resource_provider_generation", "inventories"],
            "additionalProperties": false
        }
        """;

    /// <summary>The six fields of a validated inventory, upstream's defaults (INVENTORY_DEFAULTS) for those left out.</summary>
    public static Capacity ReadCapacity(JsonNode inventory)
    {
        int IntOr(string field, int fallback) => inventory[field] is { } value ? (int)value.GetValue<double>() : fallback;
        var defaults = Capacity.WithDefaults(IntOr("total", 0));
        return defaults with
        {
            Reserved = IntOr("reserved", defaults.Reserved),
            MinUnit = IntOr("min_unit", defaults.MinUnit),
            MaxUnit = IntOr("max_unit", defaults.MaxUnit),
            StepSize = IntOr("step_size", defaults.StepSize),
            AllocationRatio = inventory["allocation_ratio"] is { } ratio ? ratio.GetValue<double>() : defaults.AllocationRatio,
        };
    }

    /// <summary>
    /// The allocation_ratio maximum of upstream's schemas, worded as Python's jsonschema words it.
    /// <paramref name="inventories"/> maps each inventory of a validated body to its path in the
    /// instance (e.g. <c>['inventories']['DISK_GB']</c>) and in the schema.
    /// </summary>
    public static void RequireRatiosInRange(IEnumerable<(JsonNode Inventory, string InstancePath, string SchemaPath)> inventories)
    {
        foreach (var (inventory, instancePath, schemaPath) in inventories)
        {
            if (inventory["allocation_ratio"] is { } ratio && ratio.GetValue<double>() > MaxAllocationRatio)
            {
                var value = PythonNumber(ratio);
                throw PlacementException.BadRequest(
                    $"JSON does not validate: {value} is greater than the maximum of 3.40282e+38\n\n"
                    + $"Failed validating 'maximum' in schema{schemaPath}['properties']['allocation_ratio']:\n"
                    + "    {'maximum': 3.40282e+38, 'type': 'number'}\n\n"
                    + $"On instance{instancePath}['allocation_ratio']:\n    {value}");
            }
        }
    }

    /// <summary>The paths of every inventory of a PUT /resource_providers/{uuid}/inventories body.</summary>
    public static IEnumerable<(JsonNode Inventory, string InstancePath, string SchemaPath)> InventoriesOf(JsonNode body) =>
        body["inventories"]!.AsObject().Select(pair =>
            (pair.Value!, $"['inventories'][{PythonRepr.String(pair.Key)}]", "['properties']['inventories']['patternProperties']['^[A-Z0-9_]+$']"));

    /// <summary>Python's repr of a JSON number: integers as written, floats in its exponent form.</summary>
    private static string PythonNumber(JsonNode number)
    {
        var text = number.ToJsonString();
        return text.IndexOfAny(['.', 'e', 'E']) < 0
            ? text
            : number.GetValue<double>().ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
    }
}
