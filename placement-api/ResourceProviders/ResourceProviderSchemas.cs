using NJsonSchema;
using Placement.Api.Http;

namespace Placement.Api.ResourceProviders;

/// <summary>Request bodies of POST and PUT /resource_providers (upstream: placement/schemas/resource_provider.py).</summary>
public static class ResourceProviderSchemas
{
    public static readonly JsonSchema Post = Body(withUuid: true, withParent: false);

    /// <summary>1.14 adds the optional parent_provider_uuid.</summary>
    public static readonly JsonSchema PostV1_14 = Body(withUuid: true, withParent: true);

    public static readonly JsonSchema Put = Body(withUuid: false, withParent: false);

    public static readonly JsonSchema PutV1_14 = Body(withUuid: false, withParent: true);

    private static JsonSchema Body(bool withUuid, bool withParent) => JsonBody.Schema($$"""
        {
            "type": "object",
            "properties": {
                "name": {"type": "string", "maxLength": 200}
                {{(withUuid ? """, "uuid": {"type": "string", "format": "uuid"}""" : "")}}
                {{(withParent ? """, "parent_provider_uuid": {"anyOf": [{"type": "string", "format": "uuid"}, {"type": "null"}]}""" : "")}}
            },
            "required": ["name"],
            "additionalProperties": false
        }
        """);
}
