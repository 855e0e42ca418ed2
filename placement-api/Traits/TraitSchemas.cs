using NJsonSchema;
using Placement.Api.Http;

namespace Placement.Api.Traits;

/// <summary>Request schemas of the trait routes (upstream: placement/schemas/trait.py).</summary>
public static class TraitSchemas
{
    /// <summary>The name of a trait a client may create (PUT /traits/{name}).</summary>
    public static readonly JsonSchema CustomTraitName = JsonBody.Schema("""
        {
            "type": "string",
            "minLength": 1,
            "maxLength": 255,
            "pattern": "^CUSTOM_[A-Z0-9_]+$"
        }
        """);

    /// <summary>The query string of GET /traits.</summary>
    public static readonly JsonSchema ListQuery = JsonBody.Schema("""
        {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "associated": {"type": "string"}
            },
            "additionalProperties": false
        }
        """);

    /// <summary>PUT /resource_providers/{uuid}/traits.</summary>
    public static readonly JsonSchema SetProviderTraits = JsonBody.Schema("""
        {
            "type": "object",
            "properties": {
                "traits": {
                    "type": "array",
                    "items": {"type": "string", "minLength": 1, "maxLength": 255}
                },
                "resource_provider_generation": {"type": "integer"}
            },
            "required": ["traits", "resource_provider_generation"],
            "additionalProperties": false
        }
        """);
}
