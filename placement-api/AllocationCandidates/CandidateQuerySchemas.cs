using NJsonSchema;
using Placement.Api.Http;

namespace Placement.Api.AllocationCandidates;

/// <summary>
/// upstream's GET_SCHEMA_* (placement/schemas/allocation_candidate.py): the query parameters each microversion knows.
/// </summary>
public static class CandidateQuerySchemas
{
    // Upstream also admits an integer, which a query string never holds; NJsonSchema would report a
    // failed pattern of a multi-typed property as a type error.
    private const string Limit = """
        "limit": {"type": "string", "pattern": "^[1-9][0-9]*$", "minLength": 1}
        """;

    private const string GroupPolicy = """
        "group_policy": {"type": "string", "enum": ["none", "isolate"]}
        """;

    private const string NumberSuffix = "[1-9][0-9]*";
    private const string AnySuffix = "[a-zA-Z0-9_-]{1,64}";

    private static readonly JsonSchema V1_10 = Unsuffixed([], ["resources"]);
    private static readonly JsonSchema V1_16 = Unsuffixed([Limit], ["resources"]);
    private static readonly JsonSchema V1_17 = Unsuffixed([Limit], ["resources", "required"]);
    private static readonly JsonSchema V1_21 = Unsuffixed([Limit], ["resources", "required", "member_of"]);
    private static readonly JsonSchema V1_25 = Suffixed([Limit, GroupPolicy], ["resources", "required", "member_of"], NumberSuffix);
    private static readonly JsonSchema V1_31 = Suffixed([Limit, GroupPolicy], ["resources", "required", "member_of", "in_tree"], NumberSuffix);
    private static readonly JsonSchema V1_33 = Suffixed([Limit, GroupPolicy], ["resources", "required", "member_of", "in_tree"], AnySuffix);
    private static readonly JsonSchema V1_35 = Suffixed(
        [Limit, GroupPolicy, """ "root_required": {"type": ["string"]} """], ["resources", "required", "member_of", "in_tree"], AnySuffix);
    private static readonly JsonSchema V1_36 = Suffixed(
        [Limit, GroupPolicy, """ "root_required": {"type": ["string"]} """, """ "same_subtree": {"type": ["string"]} """],
        ["resources", "required", "member_of", "in_tree"], AnySuffix);

    public static JsonSchema For(Microversion version) =>
        version.IsAtLeast("1.36") ? V1_36
        : version.IsAtLeast("1.35") ? V1_35
        : version.IsAtLeast("1.33") ? V1_33
        : version.IsAtLeast("1.31") ? V1_31
        : version.IsAtLeast("1.25") ? V1_25
        : version.IsAtLeast("1.21") ? V1_21
        : version.IsAtLeast("1.17") ? V1_17
        : version.IsAtLeast("1.16") ? V1_16
        : V1_10;

    /// <summary>Before 1.25: one group, <c>resources</c> required.</summary>
    private static JsonSchema Unsuffixed(string[] properties, string[] groupKeys) => JsonBody.Schema($$"""
        {
            "type": "object",
            "properties": {
                {{string.Join(", ", groupKeys.Select(StringProperty).Concat(properties))}}
            },
            "required": ["resources"],
            "additionalProperties": false
        }
        """);

    /// <summary>From 1.25: any number of groups, each key with an optional suffix.</summary>
    private static JsonSchema Suffixed(string[] properties, string[] groupKeys, string suffix) => JsonBody.Schema($$"""
        {
            "type": "object",
            "properties": {
                {{string.Join(", ", properties)}}
            },
            "patternProperties": {
                {{string.Join(", ", groupKeys.Select(k => StringProperty($"^{k}({suffix})?$")))}}
            },
            "additionalProperties": false
        }
        """);

    private static string StringProperty(string name) => $"\"{name}\": {{\"type\": \"string\"}}";
}
