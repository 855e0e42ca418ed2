using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Placement.Operator.Tests.FakeApi;

/// <summary>
/// A field-level validation error as kube-apiserver words it (k8s.io/apimachinery pkg/util/validation/field/errors.go:
/// <c>Error()</c> is "&lt;field&gt;: &lt;ErrorBody()&gt;"; a nil path prints as "&lt;nil&gt;", path.go <c>String</c>).
/// </summary>
public sealed record FieldError(FieldError.Kind Type, string? Field, JsonNode? BadValue, string Detail, bool OmitValue = false)
{
    /// <summary>field.ErrorType: the cause's reason, and the words ErrorBody starts with.</summary>
    public sealed record Kind(string Reason, string Words, bool ShowsValue)
    {
        public static readonly Kind Invalid = new("FieldValueInvalid", "Invalid value", true);
        public static readonly Kind TypeInvalid = new("FieldValueTypeInvalid", "Invalid value", true);
        public static readonly Kind NotSupported = new("FieldValueNotSupported", "Unsupported value", true);
        public static readonly Kind Duplicate = new("FieldValueDuplicate", "Duplicate value", true);
        public static readonly Kind TooMany = new("FieldValueTooMany", "Too many", true);
        public static readonly Kind Required = new("FieldValueRequired", "Required value", false);
        public static readonly Kind TooLong = new("FieldValueTooLong", "Too long", false);
    }

    public static FieldError Invalid(string? field, JsonNode? value, string detail) => new(Kind.Invalid, field, value, detail);

    public static FieldError Required(string? field, string detail = "") => new(Kind.Required, field, null, detail);

    /// <summary>
    /// The errors after which kube-apiserver does not run the CEL rules, because they may not hold for the types the
    /// rules expect (apiextensions-apiserver pkg/registry/customresource/strategy.go, <c>hasBlockingErr</c>).
    /// </summary>
    public bool Blocking => Type == Kind.NotSupported || Type == Kind.Required || Type == Kind.TooLong || Type == Kind.TooMany || Type == Kind.TypeInvalid;

    public string Body
    {
        get
        {
            var body = Type.ShowsValue && !OmitValue ? $"{Type.Words}: {Render(BadValue)}" : Type.Words;
            return Detail.Length > 0 ? $"{body}: {Detail}" : body;
        }
    }

    public override string ToString() => $"{Field ?? "<nil>"}: {Body}";

    /// <summary>
    /// The 422 of k8s.io/apimachinery pkg/api/errors/errors.go <c>NewInvalid</c>: "&lt;Kind.group&gt; "&lt;name&gt;" is
    /// invalid: &lt;errors&gt;", the errors joined as an aggregate prints them (pkg/util/errors/errors.go: one alone, several
    /// in brackets separated by ", ", duplicates once), and a cause per error.
    /// </summary>
    public static ApiException NewInvalid(string group, string kind, string name, IReadOnlyList<FieldError> errors)
    {
        var messages = errors.Select(e => e.ToString()).Distinct().ToList();
        var joined = messages.Count == 1 ? messages[0] : $"[{string.Join(", ", messages)}]";
        var details = new JsonObject
        {
            ["name"] = name,
            ["group"] = group,
            ["kind"] = kind,
            ["causes"] = new JsonArray([.. errors.Select(e => (JsonNode)new JsonObject { ["reason"] = e.Type.Reason, ["message"] = e.Body, ["field"] = e.Field ?? "<nil>" })]),
        };
        return new ApiException(HttpStatusCode.UnprocessableEntity, "Invalid", $"{kind}.{group} \"{name}\" is invalid: {joined}", details);
    }

    // Go's %v for numbers and booleans, %q for strings, JSON for the rest (field/errors.go ErrorBody).
    private static string Render(JsonNode? value) => value switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Quote(v.GetValue<string>()),
        null => "null",
        _ => value.ToJsonString(),
    };

    // Go's %q for the printable text of these messages.
    private static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal) + "\"";
}
