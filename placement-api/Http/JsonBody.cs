using System.Text.Json;
using System.Text.Json.Nodes;
using NJsonSchema;
using NJsonSchema.Validation;

namespace Placement.Api.Http;

/// <summary>
/// Reads a JSON request body and validates it against a route's JSON schema (NJsonSchema),
/// reporting failures in the words of Python's jsonschema, which upstream's messages are.
/// </summary>
public static class JsonBody
{
    /// <summary>upstream's require_content + extract_json: 415 unless JSON, 400 when malformed or invalid.</summary>
    public static async Task<JsonNode> ReadAsync(HttpRequest request, JsonSchema schema)
    {
        RequestChecks.RequireJsonContent(request);
        // Left open: a request whose database connection was lost is run again and reads the body again.
        using var reader = new StreamReader(request.Body, leaveOpen: true);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        return Parse(text, schema);
    }

    public static JsonNode Parse(string text, JsonSchema schema)
    {
        JsonNode? node;
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
            node = LastPropertyWins(document.RootElement);
        }
        catch (JsonException e)
        {
            throw PlacementException.BadRequest($"Malformed JSON: {e.Message}");
        }
        ICollection<ValidationError> errors;
        try
        {
            errors = schema.Validate(text);
        }
        catch (InvalidCastException)
        {
            // NJsonSchema cannot compare integers beyond 64 bits (which Python takes) with a schema's bounds.
            throw PlacementException.BadRequest("JSON does not validate: an integer in the body is out of range");
        }
        if (errors.Count > 0)
        {
            throw PlacementException.BadRequest($"JSON does not validate: {SchemaErrors.Describe(errors, schema)}");
        }
        // A valid body is never JSON null: every schema asks for an object.
        return node ?? throw PlacementException.BadRequest("JSON does not validate: None is not of type 'object'");
    }

    /// <summary>
    /// The node of an element where, as in Python's json, the last of duplicate property names
    /// wins (a JsonObject parsed directly would throw on first access instead).
    /// </summary>
    private static JsonNode? LastPropertyWins(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var result = new JsonObject();
                foreach (var property in element.EnumerateObject())
                {
                    result[property.Name] = LastPropertyWins(property.Value);
                }
                return result;
            case JsonValueKind.Array:
                return new JsonArray([.. element.EnumerateArray().Select(LastPropertyWins)]);
            default:
                return JsonValue.Create(element.Clone());
        }
    }

    /// <summary>Loads a schema written as JSON text (schemas are constants beside each route).</summary>
    /// <remarks>
    /// NJsonSchema holds bounds as decimals: a bound beyond them (upstream's SQL_SP_FLOAT_MAX for allocation_ratio)
    /// is left out of what it checks, for the route to check itself, but stays in the schema its messages print.
    /// </remarks>
    public static JsonSchema Schema(string json)
    {
        var written = Newtonsoft.Json.Linq.JToken.Parse(json);
        var checkable = written.DeepClone();
        foreach (var bound in ((Newtonsoft.Json.Linq.JContainer)checkable).Descendants().OfType<Newtonsoft.Json.Linq.JProperty>()
                     .Where(p => p.Name is "maximum" or "minimum" && p.Value.Type == Newtonsoft.Json.Linq.JTokenType.Float
                         && Math.Abs((double)p.Value) > (double)decimal.MaxValue)
                     .ToList())
        {
            bound.Remove();
        }
        var schema = JsonSchema.FromJsonAsync(checkable.ToString(Newtonsoft.Json.Formatting.None)).GetAwaiter().GetResult();
        SchemaErrors.RememberText(schema, written);
        return schema;
    }
}

/// <summary>Formats NJsonSchema errors as Python's jsonschema words them (the best match only).</summary>
public static class SchemaErrors
{
    // Each schema's JSON as written: NJsonSchema's own serialization adds "$schema" and may reorder "type" lists.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<JsonSchema, Newtonsoft.Json.Linq.JToken> Texts = [];

    public static void RememberText(JsonSchema schema, Newtonsoft.Json.Linq.JToken written) => Texts.AddOrUpdate(schema, written);

    public static string Describe(ICollection<ValidationError> errors, JsonSchema root)
    {
        var flat = errors.SelectMany(ItemErrors).ToList();
        // jsonschema's best_match prefers the error closest to the document root.
        var best = flat.OrderBy(e => PathSegments(e).Count).First();
        var (keyword, message) = Message(best, flat);
        var (schemaPath, instancePath, failedSchema) = PythonPaths(best, root);
        return $"{message}\n\nFailed validating '{keyword}' in schema{schemaPath}:\n{Indented(failedSchema)}\n\nOn instance{instancePath}:\n{Indented(Instance(best))}";
    }

    /// <summary>As jsonschema prints a schema or an instance: pformat, every line indented by four spaces.</summary>
    private static string Indented(Newtonsoft.Json.Linq.JToken? value) =>
        "    " + PythonPrettyPrint.Format(value).Replace("\n", "\n    ", StringComparison.Ordinal);

    /// <summary>
    /// The failed subschema as written: found along the error's path in the route's schema text when that path
    /// leads to the schema NJsonSchema reports, else NJsonSchema's rendering of it.
    /// </summary>
    private static Newtonsoft.Json.Linq.JToken? Written(ValidationError error, JsonSchema? atPath, Newtonsoft.Json.Linq.JToken? textAtPath)
    {
        if (textAtPath is not null && ReferenceEquals(error.Schema?.ActualSchema, atPath))
        {
            return textAtPath;
        }
        if (error.Schema is null)
        {
            return null;
        }
        var rendered = Newtonsoft.Json.Linq.JObject.Parse(error.Schema.ToJson(Newtonsoft.Json.Formatting.None));
        rendered.Remove("$schema");
        return rendered;
    }

    /// <summary>
    /// NJsonSchema wraps the errors of an array item, and of a property checked by patternProperties or an
    /// additionalProperties schema; jsonschema reports the item's or the property's own errors.
    /// </summary>
    private static IEnumerable<ValidationError> ItemErrors(ValidationError error) =>
        error is ChildSchemaValidationError { Kind: ValidationErrorKind.ArrayItemNotValid or ValidationErrorKind.AdditionalPropertiesNotValid } item
            ? item.Errors.Values.SelectMany(e => e).SelectMany(ItemErrors)
            : [error];

    private static Newtonsoft.Json.Linq.JToken? Instance(ValidationError error) =>
        error.Kind is ValidationErrorKind.PropertyRequired or ValidationErrorKind.NoAdditionalPropertiesAllowed
            or ValidationErrorKind.AdditionalPropertiesNotValid or ValidationErrorKind.TooFewProperties or ValidationErrorKind.TooManyProperties
            ? error.Token?.Parent as Newtonsoft.Json.Linq.JToken ?? error.Token
            : error.Token;

    private static (string Keyword, string Message) Message(ValidationError error, List<ValidationError> all)
    {
        var value = PythonRepr.Of(error.Token);
        var schema = error.Schema;
        switch (error.Kind)
        {
            case ValidationErrorKind.PropertyRequired:
                return ("required", $"'{error.Property}' is a required property");
            case ValidationErrorKind.NoAdditionalPropertiesAllowed:
            case ValidationErrorKind.AdditionalPropertiesNotValid:
                var extras = all.Where(e => e.Kind == error.Kind && e.Path?.Split('.').Length == error.Path?.Split('.').Length)
                    .Select(e => e.Property).Distinct().ToList();
                // The object schema that refuses the property; NJsonSchema may point at its additionalProperties schema.
                var owner = error.Schema is { AllowAdditionalProperties: false } ? error.Schema : error.Schema?.ParentSchema ?? error.Schema;
                if (owner?.PatternProperties.Count > 0)
                {
                    var patterns = string.Join(", ", owner.PatternProperties.Keys.Order(StringComparer.Ordinal).Select(p => PythonRepr.String(p)));
                    var names = string.Join(", ", extras.Order(StringComparer.Ordinal).Select(p => PythonRepr.String(p ?? "")));
                    return ("additionalProperties", $"{names} {(extras.Count == 1 ? "does" : "do")} not match any of the regexes: {patterns}");
                }
                var listed = string.Join(", ", extras.Select(p => PythonRepr.String(p ?? "")));
                return ("additionalProperties", $"Additional properties are not allowed ({listed} {(extras.Count == 1 ? "was" : "were")} unexpected)");
            case ValidationErrorKind.StringTooLong:
                return ("maxLength", $"{value} is too long");
            case ValidationErrorKind.StringTooShort:
                return ("minLength", $"{value} is too short");
            case ValidationErrorKind.TooManyItems:
                return ("maxItems", $"{value} is too long");
            case ValidationErrorKind.TooFewItems:
                return ("minItems", $"{value} is too short");
            case ValidationErrorKind.ItemsNotUnique:
                return ("uniqueItems", $"{value} has non-unique elements");
            case ValidationErrorKind.NumberTooSmall:
                return ("minimum", $"{value} is less than the minimum of {schema?.Minimum}");
            case ValidationErrorKind.NumberTooBig:
            case ValidationErrorKind.IntegerTooBig:
                return ("maximum", $"{value} is greater than the maximum of {schema?.Maximum}");
            case ValidationErrorKind.PatternMismatch:
                return ("pattern", $"{value} does not match {PythonRepr.String(schema?.Pattern ?? "")}");
            case ValidationErrorKind.TooFewProperties:
                return ("minProperties", $"{PythonRepr.Of(Instance(error))} does not have enough properties");
            case ValidationErrorKind.TooManyProperties:
                return ("maxProperties", $"{PythonRepr.Of(Instance(error))} has too many properties");
            case ValidationErrorKind.NotInEnumeration:
                var options = string.Join(", ", schema?.Enumeration.Select(o => PythonRepr.OfObject(o)) ?? []);
                return ("enum", $"{value} is not one of [{options}]");
            case ValidationErrorKind.GuidExpected:
            case ValidationErrorKind.UuidExpected:
                return ("format", $"{value} is not a 'uuid'");
            case ValidationErrorKind.NotAnyOf:
                return ("anyOf", $"{value} is not valid under any of the given schemas");
            case ValidationErrorKind.NotOneOf:
                return ("oneOf", $"{value} is not valid under any of the given schemas");
            default:
                return ("type", $"{value} is not of type {TypeNames(schema)}");
        }
    }

    private static string TypeNames(JsonSchema? schema)
    {
        if (schema is null)
        {
            return "'object'";
        }
        var names = Enum.GetValues<JsonObjectType>()
            .Where(t => t != JsonObjectType.None && t != JsonObjectType.File && schema.Type.HasFlag(t))
            .Select(t => $"'{t.ToString().ToLowerInvariant()}'");
        return string.Join(", ", names);
    }

    /// <summary>
    /// jsonschema's two paths of an error: to the subschema holding the failed keyword (e.g.
    /// <c>['properties']['inventories']['patternProperties']['^[A-Z0-9_]+$']['properties']['total']</c>)
    /// and to the failing value (<c>['inventories']['DISK_GB']['total']</c>).
    /// </summary>
    private static (string SchemaPath, string InstancePath, Newtonsoft.Json.Linq.JToken? FailedSchema) PythonPaths(ValidationError error, JsonSchema root)
    {
        var schemaPath = new System.Text.StringBuilder();
        var instancePath = new System.Text.StringBuilder();
        var schema = root.ActualSchema;
        var text = Texts.TryGetValue(root, out var rootText) ? rootText : null;
        foreach (var segment in PathSegments(error))
        {
            if (segment is int index)
            {
                instancePath.Append('[').Append(index).Append(']');
                schemaPath.Append("['items']");
                text = text?["items"];
                schema = schema.Item?.ActualSchema ?? schema;
                continue;
            }
            var name = (string)segment;
            instancePath.Append('[').Append(PythonRepr.String(name)).Append(']');
            if (schema.Properties.TryGetValue(name, out var property))
            {
                schemaPath.Append("['properties'][").Append(PythonRepr.String(name)).Append(']');
                text = text?["properties"]?[name];
                schema = property.ActualSchema;
            }
            else if (schema.PatternProperties.FirstOrDefault(p => System.Text.RegularExpressions.Regex.IsMatch(name, p.Key)) is { Key: not null } pattern)
            {
                schemaPath.Append("['patternProperties'][").Append(PythonRepr.String(pattern.Key)).Append(']');
                text = text?["patternProperties"]?[pattern.Key];
                schema = pattern.Value.ActualSchema;
            }
            else if (schema.AdditionalPropertiesSchema is { } additional)
            {
                schemaPath.Append("['additionalProperties']");
                text = text?["additionalProperties"];
                schema = additional.ActualSchema;
            }
        }
        return (schemaPath.ToString(), instancePath.ToString(), Written(error, schema, text));
    }

    /// <summary>
    /// The property names (strings) and array indexes (ints) of an error's NJsonSchema path such as
    /// <c>#/allocations[0].resources</c>. A missing or unexpected property belongs to its parent object.
    /// </summary>
    private static List<object> PathSegments(ValidationError error)
    {
        var segments = new List<object>();
        var path = (error.Path ?? "#").TrimStart('#').TrimStart('/');
        foreach (var part in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            if (bracket != 0)
            {
                segments.Add(bracket < 0 ? part : part[..bracket]);
            }
            if (bracket >= 0)
            {
                segments.AddRange(part[bracket..].Split(['[', ']'], StringSplitOptions.RemoveEmptyEntries)
                    .Select(i => (object)int.Parse(i, System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
        if (error.Kind is ValidationErrorKind.PropertyRequired or ValidationErrorKind.NoAdditionalPropertiesAllowed && segments.Count > 0)
        {
            segments.RemoveAt(segments.Count - 1);
        }
        return segments;
    }
}

/// <summary>Python's repr() of JSON values, as upstream's messages quote them.</summary>
public static class PythonRepr
{
    public static string String(string value)
    {
        var quote = value.Contains('\'', StringComparison.Ordinal) && !value.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var text = new System.Text.StringBuilder(value.Length + 2).Append(quote);
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => text.Append(@"\\"),
                '\t' => text.Append(@"\t"),
                '\n' => text.Append(@"\n"),
                '\r' => text.Append(@"\r"),
                _ when c == quote => text.Append('\\').Append(c),
                < ' ' or '\x7f' => text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => text.Append(c),
            };
        }
        return text.Append(quote).ToString();
    }

    public static string OfObject(object? value) => value switch
    {
        null => "None",
        string s => String(s),
        bool b => b ? "True" : "False",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "None",
    };

    public static string Of(Newtonsoft.Json.Linq.JToken? token) => token switch
    {
        null => "None",
        Newtonsoft.Json.Linq.JProperty p => Of(p.Value),
        Newtonsoft.Json.Linq.JObject o => "{" + string.Join(", ", o.Properties().Select(p => $"{String(p.Name)}: {Of(p.Value)}")) + "}",
        Newtonsoft.Json.Linq.JArray a => "[" + string.Join(", ", a.Select(Of)) + "]",
        Newtonsoft.Json.Linq.JValue v => v.Type switch
        {
            Newtonsoft.Json.Linq.JTokenType.String => String((string)v.Value!),
            Newtonsoft.Json.Linq.JTokenType.Boolean => (bool)v.Value! ? "True" : "False",
            Newtonsoft.Json.Linq.JTokenType.Null or Newtonsoft.Json.Linq.JTokenType.Undefined => "None",
            Newtonsoft.Json.Linq.JTokenType.Float => PythonFloatConverter.Format(Convert.ToDouble(v.Value, System.Globalization.CultureInfo.InvariantCulture)),
            _ => Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "None",
        },
        _ => token.ToString(),
    };
}
