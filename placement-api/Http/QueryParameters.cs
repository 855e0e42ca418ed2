using System.Text.Json.Nodes;
using NJsonSchema;

namespace Placement.Api.Http;

/// <summary>Checks a query string against a route's JSON schema (upstream: util.validate_query_params).</summary>
public static class QueryParameters
{
    /// <summary>
    /// Validates the query string as upstream does: an object of strings, the last value of a repeated
    /// key winning (webob's dict(req.GET)). Throws 400 "Invalid query string parameters: ..." when invalid.
    /// </summary>
    public static void Validate(HttpRequest request, JsonSchema schema) =>
        Validate(request.Query.Select(q => KeyValuePair.Create(q.Key, (string?)q.Value[^1])), schema);

    /// <summary>The same for parameters already read from a request, in request order.</summary>
    public static void Validate(IEnumerable<KeyValuePair<string, string?>> parameters, JsonSchema schema)
    {
        var query = new JsonObject();
        foreach (var (key, value) in parameters)
        {
            query[key] = value;
        }
        var errors = schema.Validate(query.ToJsonString());
        if (errors.Count > 0)
        {
            throw PlacementException.BadRequest($"Invalid query string parameters: {SchemaErrors.Describe(errors, schema)}");
        }
    }
}
