using NJsonSchema;
using Placement.Api.Http;

namespace Placement.Api.Allocations;

/// <summary>
/// The bodies of PUT /allocations/{consumer_uuid} and POST /allocations, per microversion
/// (upstream: placement/schemas/allocation.py). Each variant is the previous one plus what its
/// microversion added, so the shared pieces are spelled once below.
/// </summary>
public static class AllocationSchemas
{
    private const string Resources = """
        {
            "type": "object",
            "minProperties": 1,
            "patternProperties": {"^[A-Z0-9_]+$": {"type": "integer", "minimum": 1}},
            "additionalProperties": false
        }
        """;

    /// <summary>Before 1.12: a list of {resource_provider: {uuid}, resources}.</summary>
    private const string ListAllocations = $$$"""
        {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "resource_provider": {
                        "type": "object",
                        "properties": {"uuid": {"type": "string", "format": "uuid"}},
                        "additionalProperties": false,
                        "required": ["uuid"]
                    },
                    "resources": {{{Resources}}}
                },
                "required": ["resource_provider", "resources"],
                "additionalProperties": false
            }
        }
        """;

    /// <summary>From 1.12: a dict by provider UUID, as GET /allocations/{consumer_uuid} shows it.</summary>
    private const string DictAllocationsProvider = $$$"""
        {
            "^[0-9a-fA-F-]{36}$": {
                "type": "object",
                "properties": {
                    "generation": {"type": "integer"},
                    "resources": {{{Resources}}}
                },
                "required": ["resources"],
                "additionalProperties": false
            }
        }
        """;

    private const string ExternalId = """{"type": "string", "minLength": 1, "maxLength": 255}""";

    private const string ConsumerGeneration = """{"type": ["integer", "null"], "additionalProperties": false}""";

    /// <summary>1.34: request group suffix to provider UUIDs (accepted, not stored, as upstream).</summary>
    private const string Mappings = """
        {
            "type": "object",
            "minProperties": 1,
            "patternProperties": {
                "[a-zA-Z0-9_-]{1,64}": {"type": "array", "minItems": 1, "items": {"type": "string", "format": "uuid"}}
            }
        }
        """;

    private const string ConsumerType = """{"type": "string", "pattern": "^[A-Z0-9_]+$", "minLength": 1, "maxLength": 255}""";

    private const string V1_0 = $$$"""
        {
            "type": "object",
            "properties": {"allocations": {{{ListAllocations}}}},
            "required": ["allocations"],
            "additionalProperties": false
        }
        """;

    private const string V1_8 = $$$"""
        {
            "type": "object",
            "properties": {"allocations": {{{ListAllocations}}}, "project_id": {{{ExternalId}}}, "user_id": {{{ExternalId}}}},
            "required": ["allocations", "project_id", "user_id"],
            "additionalProperties": false
        }
        """;

    private const string V1_12 = $$$"""
        {
            "type": "object",
            "properties": {
                "allocations": {"type": "object", "minProperties": 1, "patternProperties": {{{DictAllocationsProvider}}}, "additionalProperties": false},
                "project_id": {{{ExternalId}}},
                "user_id": {{{ExternalId}}}
            },
            "additionalProperties": false,
            "required": ["allocations", "project_id", "user_id"]
        }
        """;

    /// <summary>1.12's body with empty allocations allowed: what POST /allocations takes per consumer.</summary>
    private const string Deletable = $$$"""
        {
            "type": "object",
            "properties": {
                "allocations": {"type": "object", "minProperties": 0, "patternProperties": {{{DictAllocationsProvider}}}, "additionalProperties": false},
                "project_id": {{{ExternalId}}},
                "user_id": {{{ExternalId}}}
            },
            "additionalProperties": false,
            "required": ["allocations", "project_id", "user_id"]
        }
        """;

    /// <summary>One consumer's allocations from 1.28 (PUT's body, and each consumer of POST's and the reshaper's).</summary>
    internal const string V1_28 = $$$"""
        {
            "type": "object",
            "properties": {
                "allocations": {"type": "object", "minProperties": 0, "patternProperties": {{{DictAllocationsProvider}}}, "additionalProperties": false},
                "project_id": {{{ExternalId}}},
                "user_id": {{{ExternalId}}},
                "consumer_generation": {{{ConsumerGeneration}}}
            },
            "additionalProperties": false,
            "required": ["allocations", "project_id", "user_id", "consumer_generation"]
        }
        """;

    /// <summary>1.28's consumer plus mappings.</summary>
    internal const string V1_34 = $$$"""
        {
            "type": "object",
            "properties": {
                "allocations": {"type": "object", "minProperties": 0, "patternProperties": {{{DictAllocationsProvider}}}, "additionalProperties": false},
                "project_id": {{{ExternalId}}},
                "user_id": {{{ExternalId}}},
                "consumer_generation": {{{ConsumerGeneration}}},
                "mappings": {{{Mappings}}}
            },
            "additionalProperties": false,
            "required": ["allocations", "project_id", "user_id", "consumer_generation"]
        }
        """;

    /// <summary>1.34's consumer plus consumer_type.</summary>
    internal const string V1_38 = $$$"""
        {
            "type": "object",
            "properties": {
                "allocations": {"type": "object", "minProperties": 0, "patternProperties": {{{DictAllocationsProvider}}}, "additionalProperties": false},
                "project_id": {{{ExternalId}}},
                "user_id": {{{ExternalId}}},
                "consumer_generation": {{{ConsumerGeneration}}},
                "mappings": {{{Mappings}}},
                "consumer_type": {{{ConsumerType}}}
            },
            "additionalProperties": false,
            "required": ["allocations", "project_id", "user_id", "consumer_generation", "consumer_type"]
        }
        """;

    private static readonly JsonSchema PutV1_0 = JsonBody.Schema(V1_0);
    private static readonly JsonSchema PutV1_8 = JsonBody.Schema(V1_8);
    private static readonly JsonSchema PutV1_12 = JsonBody.Schema(V1_12);
    private static readonly JsonSchema PutV1_28 = JsonBody.Schema(V1_28);
    private static readonly JsonSchema PutV1_34 = JsonBody.Schema(V1_34);
    private static readonly JsonSchema PutV1_38 = JsonBody.Schema(V1_38);

    private static readonly JsonSchema PostV1_13 = JsonBody.Schema(ByConsumer(Deletable));
    private static readonly JsonSchema PostV1_28 = JsonBody.Schema(ByConsumer(V1_28));
    private static readonly JsonSchema PostV1_34 = JsonBody.Schema(ByConsumer(V1_34));
    private static readonly JsonSchema PostV1_38 = JsonBody.Schema(ByConsumer(V1_38));

    /// <summary>PUT /allocations/{consumer_uuid}.</summary>
    public static JsonSchema ForPut(Microversion version) =>
        version.IsAtLeast("1.38") ? PutV1_38
        : version.IsAtLeast("1.34") ? PutV1_34
        : version.IsAtLeast("1.28") ? PutV1_28
        : version.IsAtLeast("1.12") ? PutV1_12
        : version.IsAtLeast("1.8") ? PutV1_8
        : PutV1_0;

    /// <summary>POST /allocations (from 1.13).</summary>
    public static JsonSchema ForPost(Microversion version) =>
        version.IsAtLeast("1.38") ? PostV1_38
        : version.IsAtLeast("1.34") ? PostV1_34
        : version.IsAtLeast("1.28") ? PostV1_28
        : PostV1_13;

    /// <summary>
    /// POST /allocations' body: consumers by UUID, each <paramref name="consumerSchema"/>. The reshaper
    /// embeds it with <paramref name="minConsumers"/> 0: a reshape may move inventory nobody uses.
    /// </summary>
    internal static string ByConsumer(string consumerSchema, int minConsumers = 1) => $$$"""
        {
            "type": "object",
            "minProperties": {{{minConsumers}}},
            "additionalProperties": false,
            "patternProperties": {"^[0-9a-fA-F-]{36}$": {{{consumerSchema}}}}
        }
        """;
}
