using NJsonSchema;
using Placement.Api.Http;

namespace Placement.Api.Usages;

/// <summary>Query strings of GET /usages (upstream: placement/schemas/usage.py).</summary>
public static class UsageSchemas
{
    /// <summary>From microversion 1.9: a project, optionally narrowed to a user.</summary>
    public static readonly JsonSchema TotalUsages = JsonBody.Schema("""
        {
            "type": "object",
            "properties": {
                "project_id": {"type": "string", "minLength": 1, "maxLength": 255},
                "user_id": {"type": "string", "minLength": 1, "maxLength": 255}
            },
            "required": ["project_id"],
            "additionalProperties": false
        }
        """);

    /// <summary>From microversion 1.38: also a consumer type, or "all" / "unknown".</summary>
    public static readonly JsonSchema TotalUsagesByConsumerType = JsonBody.Schema("""
        {
            "type": "object",
            "properties": {
                "project_id": {"type": "string", "minLength": 1, "maxLength": 255},
                "user_id": {"type": "string", "minLength": 1, "maxLength": 255},
                "consumer_type": {"type": "string", "pattern": "^[A-Z0-9_]+$|^all|^unknown$", "minLength": 1, "maxLength": 255}
            },
            "required": ["project_id"],
            "additionalProperties": false
        }
        """);
}
