using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cel;
using NJsonSchema;
using NJsonSchema.Validation;
using YamlDotNet.Serialization;

namespace Placement.Operator.Tests.FakeApi;

/// <summary>
/// What kube-apiserver does with a custom resource on every write, driven by its CustomResourceDefinition (the
/// storage version's schema): prune unknown fields, apply the structural defaults, validate against the OpenAPI schema,
/// check the keys of x-kubernetes-list-type map lists, and evaluate the CEL rules (x-kubernetes-validations), and
/// answer 422 Invalid with kube-apiserver's messages. Sources, in k8s.io/apiextensions-apiserver:
/// pkg/apiserver/customresource_handler.go (prune, then default, on decoding), pkg/registry/customresource/strategy.go
/// and status_strategy.go (what is validated, in which order), validator.go (the status subresource validates the status
/// schema only), pkg/apiserver/validation/validation.go (OpenAPI errors as field errors), pkg/apiserver/schema/cel/validation.go.
/// Not modelled: metadata fields other than the name, int32/int64 ranges, nullable, CEL cost limits, messageExpression,
/// fieldPath and reason on rules, and ratcheting of OpenAPI errors on unchanged fields (the CEL rules do ratchet).
/// </summary>
public sealed partial class CustomResourceContract
{
    private readonly JsonObject schema;
    private readonly JsonSchema objectValidator;
    private readonly JsonSchema? statusValidator;
    private readonly Dictionary<string, CelProgram> programs = [];

    private CustomResourceContract(JsonObject crd, JsonObject schema, JsonSchema objectValidator, JsonSchema? statusValidator)
    {
        this.schema = schema;
        this.objectValidator = objectValidator;
        this.statusValidator = statusValidator;
        Group = (string)crd["spec"]!["group"]!;
        Kind = (string)crd["spec"]!["names"]!["kind"]!;
    }

    public string Group { get; }
    public string Kind { get; }

    public static async Task<CustomResourceContract> LoadAsync(string crdYaml)
    {
        var crd = YamlToJson(crdYaml).AsObject();
        var version = crd["spec"]!["versions"]!.AsArray().Single(v => (bool)v!["storage"]!)!;
        var schema = version["schema"]!["openAPIV3Schema"]!.AsObject();
        // NJsonSchema reads the OpenAPI v3 schema as the JSON Schema it is and reports each failure with the schema node
        // and the value, from which kube-openapi's messages are rebuilt (SchemaErrors).
        var objectValidator = await JsonSchema.FromJsonAsync(schema.ToJsonString());
        var statusValidator = schema["properties"]?["status"] is { } status ? await JsonSchema.FromJsonAsync(status.ToJsonString()) : null;
        return new CustomResourceContract(crd, schema, objectValidator, statusValidator);
    }

    /// <summary>YAML as JSON: unquoted scalars typed as YAML reads them, keys as strings.</summary>
    public static JsonNode YamlToJson(string yaml)
    {
        var value = new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build().Deserialize(new StringReader(yaml));
        return JsonNode.Parse(new SerializerBuilder().JsonCompatible().Build().Serialize(value))!;
    }

    /// <summary>
    /// A write as kube-apiserver admits it: the object pruned and defaulted, or a 422 with every error found. old is
    /// the stored object on updates; status says the write came through the status subresource.
    /// </summary>
    public JsonObject Admit(JsonObject item, JsonObject? old, bool status)
    {
        var result = item.DeepClone().AsObject();
        Prune(result, schema, root: true);
        Default(result, schema);
        // kube-apiserver defaults what it reads from storage too (the decoder does), so a field a newer CRD gave a
        // default does not make an unchanged object look changed.
        if (old is not null)
        {
            old = old.DeepClone().AsObject();
            Default(old, schema);
        }
        var errors = new List<FieldError>();
        if (old is null)
        {
            errors.AddRange(NameErrors((string?)result["metadata"]?["name"]));
        }
        if (!status)
        {
            errors.AddRange(SchemaErrors(objectValidator, result, prefix: null));
        }
        else if (result["status"] is { } statusValue && statusValidator is not null)
        {
            // kube-openapi names the field relative to the status schema it validates, the field path does not.
            errors.AddRange(SchemaErrors(statusValidator, statusValue, prefix: "status"));
        }
        errors.AddRange(DuplicateKeys(result, schema, path: null));
        if (errors.Any(e => e.Blocking))
        {
            errors.Add(FieldError.Invalid(null, null, "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"));
        }
        else
        {
            EvaluateRules(result, schema, path: null, new Correlation(old, Correlated: old is not null, NearestUnchanged: false), errors);
        }
        if (errors.Count > 0)
        {
            throw FieldError.NewInvalid(Group, Kind, (string?)result["metadata"]?["name"] ?? "", errors);
        }
        return result;
    }

    /// <summary>The structural defaults (pkg/apiserver/schema/defaulting/algorithm.go): missing or null fields get their default, nested defaults included.</summary>
    public static void Default(JsonNode? value, JsonObject? schema)
    {
        switch (value)
        {
            case JsonObject o when schema is not null:
                foreach (var (name, property) in schema["properties"] as JsonObject ?? [])
                {
                    if (property!["default"] is { } @default && o[name] is null)
                    {
                        o[name] = @default.DeepClone();
                    }
                }
                foreach (var (name, child) in o.ToList())
                {
                    Default(child, PropertySchema(schema, name));
                }
                break;
            case JsonArray a when schema is not null:
                foreach (var item in a)
                {
                    Default(item, schema["items"] as JsonObject);
                }
                break;
        }
    }

    /// <summary>
    /// The keys server-side apply merges a list's items on: those of an x-kubernetes-list-type map list, found by the
    /// path of property names ("[]" for a list's items).
    /// </summary>
    public IReadOnlyList<string>? ListMapKeys(IReadOnlyList<string> schemaPath)
    {
        JsonObject? node = schema;
        foreach (var step in schemaPath)
        {
            node = step == "[]" ? node?["items"] as JsonObject : node is null ? null : PropertySchema(node, step);
        }
        return (string?)node?["x-kubernetes-list-type"] == "map" ? [.. node!["x-kubernetes-list-map-keys"]!.AsArray().Select(k => (string)k!)] : null;
    }

    /// <summary>JSON as CEL sees it: objects as maps, arrays as lists, integers as int.</summary>
    public static object? CelValue(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => CelValue(p.Value)),
        JsonArray a => a.Select(CelValue).ToList(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => long.TryParse(node.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer)
            ? integer : double.Parse(node.ToJsonString(), CultureInfo.InvariantCulture),
    };

    /// <summary>A compiled rule: oldSelf makes it a transition rule, evaluated on updates only.</summary>
    public sealed partial class CelProgram(string rule)
    {
        private readonly CelProgramDelegate program = new CelEnvironment(null, null).Compile(rule);

        public bool UsesOldSelf { get; } = OldSelf().IsMatch(rule);

        public object? Evaluate(JsonNode self, JsonNode? oldSelf)
        {
            var variables = new Dictionary<string, object?> { ["self"] = CelValue(self) };
            if (UsesOldSelf)
            {
                variables["oldSelf"] = CelValue(oldSelf);
            }
            return program(variables);
        }

        [GeneratedRegex(@"\boldSelf\b")]
        private static partial Regex OldSelf();
    }

    private static JsonObject? PropertySchema(JsonObject schema, string name) =>
        schema["properties"]?[name] as JsonObject ?? schema["additionalProperties"] as JsonObject;

    // pkg/apiserver/schema/pruning/algorithm.go: fields the schema does not declare are dropped, except under
    // x-kubernetes-preserve-unknown-fields and apiVersion, kind, metadata at the root. Nulls are dropped too unless a
    // default replaces them (defaulting/prunenulls.go).
    private static void Prune(JsonNode? value, JsonObject? schema, bool root = false)
    {
        var preserve = schema?["x-kubernetes-preserve-unknown-fields"] is JsonValue p && (bool)p;
        switch (value)
        {
            case JsonObject o:
                foreach (var (name, child) in o.ToList())
                {
                    if (root && name is "apiVersion" or "kind" or "metadata")
                    {
                        continue;
                    }
                    var childSchema = schema is null ? null : PropertySchema(schema, name);
                    if (childSchema is null)
                    {
                        if (!preserve)
                        {
                            o.Remove(name);
                        }
                    }
                    else if (child is null && childSchema["default"] is null)
                    {
                        o.Remove(name);
                    }
                    else
                    {
                        Prune(child, childSchema);
                    }
                }
                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Prune(item, schema?["items"] as JsonObject);
                }
                break;
        }
    }

    // validator.go validates metadata with NameIsDNSSubdomain (k8s.io/apimachinery pkg/api/validation/generic.go,
    // pkg/util/validation/validation.go IsDNS1123Subdomain for the words).
    private static IEnumerable<FieldError> NameErrors(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            yield return FieldError.Required("metadata.name", "name or generateName is required");
            yield break;
        }
        if (name.Length > 253)
        {
            yield return FieldError.Invalid("metadata.name", name, "must be no more than 253 characters");
        }
        if (!Dns1123Subdomain().IsMatch(name))
        {
            yield return FieldError.Invalid("metadata.name", name,
                @"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
        }
    }

    // NJsonSchema's failures in kube-apiserver's words: kube-openapi pkg/validation/errors/schema.go writes the
    // message ("<name> in body ..."), apiextensions' kubeOpenAPIResultToFieldErrors picks the field error type.
    private static IEnumerable<FieldError> SchemaErrors(JsonSchema validator, JsonNode value, string? prefix)
    {
        foreach (var error in Flatten(validator.Validate(value.ToJsonString())))
        {
            var name = error.Path?.TrimStart('#', '/') ?? "";
            var field = prefix is null ? name : name.Length == 0 ? prefix : $"{prefix}.{name}";
            var bad = error.Token is null ? null : JsonNode.Parse(error.Token.ToString(Newtonsoft.Json.Formatting.None));
            var node = error.Schema;
            if (error.Kind == ValidationErrorKind.NotAnyOf)
            {
                // Only an int-or-string has anyOf here; kube-apiserver types it "integer,string", then kube-openapi's
                // anyOf adds its own error and the first alternative's (schema_props.go).
                yield return TypeError(field, name, "integer,string", error.Token!);
                yield return FieldError.Invalid(prefix, "", $"\"{name}\" must validate at least one schema (anyOf)");
                yield return TypeError(field, name, "integer", error.Token!);
                continue;
            }
            yield return error.Kind switch
            {
                ValidationErrorKind.PropertyRequired => FieldError.Required(field),
                ValidationErrorKind.NumberTooBig => FieldError.Invalid(field, bad, $"{name} in body should be less than or equal to {Number(node.Maximum)}"),
                ValidationErrorKind.NumberTooSmall => FieldError.Invalid(field, bad, $"{name} in body should be greater than or equal to {Number(node.Minimum)}"),
                ValidationErrorKind.StringTooShort => FieldError.Invalid(field, bad, $"{name} in body should be at least {node.MinLength} chars long"),
                ValidationErrorKind.StringTooLong => new FieldError(FieldError.Kind.TooLong, field, null, $"may not be more than {node.MaxLength} bytes"),
                ValidationErrorKind.PatternMismatch => FieldError.Invalid(field, bad, $"{name} in body should match '{node.Pattern}'"),
                ValidationErrorKind.NotInEnumeration => new FieldError(FieldError.Kind.NotSupported, field, bad,
                    "supported values: " + string.Join(", ", node.Enumeration.Select(v => $"\"{v}\""))),
                ValidationErrorKind.TooManyItems => new FieldError(FieldError.Kind.TooMany, field, (bad as JsonArray)?.Count, $"must have at most {node.MaxItems} {Items(node.MaxItems)}"),
                ValidationErrorKind.TooManyProperties => new FieldError(FieldError.Kind.TooMany, field, (bad as JsonObject)?.Count, $"must have at most {node.MaxProperties} {Items(node.MaxProperties)}"),
                ValidationErrorKind.DateTimeExpected => new FieldError(FieldError.Kind.TypeInvalid, field, bad, $"{name} in body must be of type date-time: {bad?.ToJsonString()}"),
                _ when error.Kind.ToString().EndsWith("Expected", StringComparison.Ordinal) => TypeError(field, name, node.Type.ToString().ToLowerInvariant(), error.Token!),
                _ => FieldError.Invalid(field, bad, $"{name} in body: {error.Kind}"),
            };
        }
    }

    private static IEnumerable<ValidationError> Flatten(IEnumerable<ValidationError> errors) =>
        errors.SelectMany(e => e is ChildSchemaValidationError child && e.Kind != ValidationErrorKind.NotAnyOf
            ? Flatten(child.Errors.Values.SelectMany(v => v))
            : [e]);

    private static FieldError TypeError(string field, string name, string expected, Newtonsoft.Json.Linq.JToken value)
    {
        var actual = value.Type switch
        {
            Newtonsoft.Json.Linq.JTokenType.Integer => "integer",
            Newtonsoft.Json.Linq.JTokenType.Float => "number",
            var other => other.ToString().ToLowerInvariant(),
        };
        return new FieldError(FieldError.Kind.TypeInvalid, field, actual, $"{name} in body must be of type {expected}: \"{actual}\"");
    }

    private static string Number(decimal? bound) => bound?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static string Items(int count) => count == 1 ? "item" : "items";

    // pkg/apiserver/schema/listtype/validation.go: the items of a map list must differ in their keys.
    private static IEnumerable<FieldError> DuplicateKeys(JsonNode? value, JsonObject? schema, string? path)
    {
        switch (value)
        {
            case JsonObject o when schema is not null:
                foreach (var (name, child) in o)
                {
                    var isProperty = schema["properties"]?[name] is not null;
                    foreach (var error in DuplicateKeys(child, PropertySchema(schema, name), isProperty ? Child(path, name) : $"{path}[{name}]"))
                    {
                        yield return error;
                    }
                }
                break;
            case JsonArray a when schema is not null:
                var keys = (string?)schema["x-kubernetes-list-type"] == "map" ? schema["x-kubernetes-list-map-keys"]!.AsArray().Select(k => (string)k!).ToList() : null;
                var seen = new List<JsonObject>();
                for (var i = 0; i < a.Count; i++)
                {
                    if (keys is not null && a[i] is JsonObject item)
                    {
                        var key = new JsonObject(keys.Where(item.ContainsKey).Select(k => KeyValuePair.Create(k, item[k]?.DeepClone())));
                        if (seen.Any(s => JsonNode.DeepEquals(s, key)))
                        {
                            yield return new FieldError(FieldError.Kind.Duplicate, $"{path}[{i}]", key, "");
                        }
                        seen.Add(key);
                    }
                    foreach (var error in DuplicateKeys(a[i], schema["items"] as JsonObject, $"{path}[{i}]"))
                    {
                        yield return error;
                    }
                }
                break;
        }
    }

    /// <summary>
    /// Where a node's old value stands for CEL ratcheting (cel/validation.go ratchetingOptions): Old is its old value
    /// when it is correlatable (reached through object fields and map-list keys), else NearestUnchanged says whether its
    /// nearest correlatable ancestor is unchanged.
    /// </summary>
    private sealed record Correlation(JsonNode? Old, bool Correlated, bool NearestUnchanged)
    {
        public bool Unchanged(JsonNode value) => Correlated ? Old is not null && JsonNode.DeepEquals(value, Old) : NearestUnchanged;

        public Correlation Field(JsonNode value, string name) =>
            Correlated ? new(Old is JsonObject o ? o[name] : null, true, Unchanged(value)) : this;

        public Correlation Item(JsonNode value, JsonNode item, IReadOnlyList<string>? mapKeys) =>
            Correlated && mapKeys is not null
                ? new((Old as JsonArray)?.OfType<JsonObject>().FirstOrDefault(o => mapKeys.All(k => JsonNode.DeepEquals(o[k], item[k]))), true, Unchanged(value))
                : Correlated ? new(null, false, Unchanged(value)) : this;
    }

    private void EvaluateRules(JsonNode? value, JsonObject? schema, string? path, Correlation correlation, List<FieldError> errors)
    {
        if (value is null || schema is null)
        {
            return;
        }
        foreach (var rule in schema["x-kubernetes-validations"] as JsonArray ?? [])
        {
            EvaluateRule(value, schema, path, correlation, (string)rule!["rule"]!, ((string?)rule["message"] ?? (string)rule["rule"]!).Trim(), errors);
        }
        switch (value)
        {
            case JsonObject o:
                foreach (var (name, child) in o)
                {
                    var isProperty = schema["properties"]?[name] is not null;
                    EvaluateRules(child, PropertySchema(schema, name), isProperty ? Child(path, name) : $"{path}[{name}]", correlation.Field(value, name), errors);
                }
                break;
            case JsonArray a:
                var mapKeys = (string?)schema["x-kubernetes-list-type"] == "map" ? schema["x-kubernetes-list-map-keys"]!.AsArray().Select(k => (string)k!).ToList() : null;
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is { } item)
                    {
                        EvaluateRules(item, schema["items"] as JsonObject, $"{path}[{i}]", correlation.Item(value, item, mapKeys), errors);
                    }
                }
                break;
        }
    }

    private void EvaluateRule(JsonNode value, JsonObject schema, string? path, Correlation correlation, string rule, string message, List<FieldError> errors)
    {
        if (!programs.TryGetValue(rule, out var program))
        {
            program = programs[rule] = new CelProgram(rule);
        }
        // Transition rules need the old value; they are skipped on create and for new nodes.
        if (program.UsesOldSelf && !(correlation.Correlated && correlation.Old is not null))
        {
            return;
        }
        var type = (string?)schema["type"] ?? "";
        object? result;
        try
        {
            result = program.Evaluate(value, correlation.Old);
        }
        catch (Exception e)
        {
            errors.Add(FieldError.Invalid(path, type, $"{e.Message} evaluating rule: {message}"));
            return;
        }
        // A rule that fails on a value the update left as it was is only a warning: ratcheting, which never applies to transition rules.
        if (result is true || (!program.UsesOldSelf && correlation.Unchanged(value)))
        {
            return;
        }
        // Since Kubernetes 1.35 the value of an object or a list is left out; before, its type was printed
        // ("spec: Invalid value: \"object\": ..."): kubernetes/kubernetes a67468717c, "Omit value type from validation rule failures".
        errors.Add(new FieldError(FieldError.Kind.Invalid, path, value.DeepClone(), message, OmitValue: type is "object" or "array"));
    }

    private static string Child(string? path, string name) => path is null ? name : $"{path}.{name}";

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z")]
    private static partial Regex Dns1123Subdomain();
}
