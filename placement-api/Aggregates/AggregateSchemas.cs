using NJsonSchema;
using Placement.Api.Http;

namespace Placement.Api.Aggregates;

/// <summary>Request bodies of PUT /resource_providers/{uuid}/aggregates (upstream: placement/schemas/aggregate.py).</summary>
public static class AggregateSchemas
{
    private const string AggregateList = """{"type": "array", "items": {"type": "string", "format": "uuid"}, "uniqueItems": true}""";

    /// <summary>1.1 to 1.18: the bare list of aggregate UUIDs.</summary>
    public static readonly JsonSchema PutV1_1 = JsonBody.Schema(AggregateList);

    /// <summary>1.19: the list and the provider generation the client saw.</summary>
    public static readonly JsonSchema PutV1_19 = JsonBody.Schema($$"""
        {
            "type": "object",
            "properties": {
                "aggregates": {{AggregateList}},
                "resource_provider_generation": {"type": "integer"}
            },
            "required": ["aggregates", "resource_provider_generation"],
            "additionalProperties": false
        }
        """);
}
