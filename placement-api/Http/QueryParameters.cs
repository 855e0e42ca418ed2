using System.Text.Json.Nodes;
using NJsonSchema;

namespace Placement.Api.Http;

/// <summary>Upstream's validate_query_params: the query string, as a JSON object of strings, checked against a schema.</summary>
public static class QueryParameters
{
    public static void Validate(HttpRequest request, JsonSchema schema)
    {
        var query = new JsonObject();
        foreach (var (key, values) in request.Query)
        {
            // webob's dict(req.GET) keeps the last value of a repeated key.
            query[key] = values.LastOrDefault() ?? "";
        }
        var errors = schema.Validate(query.ToJsonString());
        if (errors.Count > 0)
        {
            throw PlacementException.BadRequest($"Invalid query string parameters: {SchemaErrors.Describe(errors, schema)}");
        }
    }
}
