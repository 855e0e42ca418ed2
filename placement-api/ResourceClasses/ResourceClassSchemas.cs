using NJsonSchema;
using Placement.Api.Http;

namespace Placement.Api.ResourceClasses;

/// <summary>Request schemas of /resource_classes (upstream: placement/schemas/resource_class.py).</summary>
public static class ResourceClassSchemas
{
    /// <summary>POST /resource_classes, and the new name of PUT before 1.7 (or the path's name from 1.7).</summary>
    public static readonly JsonSchema CustomName = JsonBody.Schema("""
        {
            "type": "object",
            "properties": {
                "name": {
                    "type": "string",
                    "pattern": "^CUSTOM_[A-Z0-9_]+$",
                    "maxLength": 255
                }
            },
            "required": ["name"],
            "additionalProperties": false
        }
        """);
}
