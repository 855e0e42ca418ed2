using System.Globalization;
using NJsonSchema;
using Placement.Api.Http;

namespace Placement.Api.ResourceProviders;

/// <summary>
/// The filters of <c>GET /resource_providers</c>, parsed and validated from the query string as
/// upstream does it (placement/handlers/resource_provider.py and placement/util.py). Pure: no HTTP,
/// no database. The member_of, required and resources parsers are public for the allocation
/// candidates query, which takes the same parameters (with a group suffix).
/// </summary>
public sealed record ProviderListQuery
{
    public string? Name { get; init; }

    public string? Uuid { get; init; }

    /// <summary>A provider UUID: only providers of its tree.</summary>
    public string? InTree { get; init; }

    /// <summary>Aggregate UUID sets: a provider must be in one aggregate of every set.</summary>
    public IReadOnlyList<IReadOnlySet<string>> MemberOf { get; init; } = [];

    public IReadOnlySet<string> ForbiddenAggregates { get; init; } = new HashSet<string>();

    /// <summary>Amounts by resource class name: a provider must have capacity for each.</summary>
    public IReadOnlyDictionary<string, long> Resources { get; init; } = new Dictionary<string, long>();

    /// <summary>Trait name sets: a provider must have one trait of every set.</summary>
    public IReadOnlyList<IReadOnlySet<string>> RequiredTraits { get; init; } = [];

    public IReadOnlySet<string> ForbiddenTraits { get; init; } = new HashSet<string>();

    /// <summary>Parses the query string's parameters (in request order; a key may repeat).</summary>
    public static ProviderListQuery Parse(IReadOnlyList<KeyValuePair<string, string>> parameters, Microversion version)
    {
        // Like webob's dict(req.GET), validation sees the last value of a repeated key.
        var last = new Dictionary<string, string>();
        foreach (var (key, value) in parameters)
        {
            last[key] = value;
        }
        ValidateAgainstSchema(last, version);

        List<string> All(string key) => [.. parameters.Where(p => p.Key == key).Select(p => p.Value)];
        var query = new ProviderListQuery
        {
            Name = last.GetValueOrDefault("name"),
            Uuid = last.GetValueOrDefault("uuid"),
            InTree = last.GetValueOrDefault("in_tree"),
        };
        if (last.ContainsKey("member_of"))
        {
            var (required, forbidden) = ParseMemberOf(All("member_of"), version);
            query = query with { MemberOf = required, ForbiddenAggregates = forbidden };
        }
        if (last.ContainsKey("required"))
        {
            var (required, forbidden) = ParseRequiredTraits(All("required"), version);
            query = query with { RequiredTraits = required, ForbiddenTraits = forbidden };
        }
        if (last.TryGetValue("resources", out var resources))
        {
            query = query with { Resources = ParseResources(resources) };
        }
        return query;
    }

    /// <summary>
    /// upstream's normalize_member_of_qs_params: each value is a UUID, <c>!</c>UUID, <c>in:</c>UUIDs or
    /// <c>!in:</c>UUIDs; several values from 1.24, forbidden ones from 1.32.
    /// </summary>
    public static (List<IReadOnlySet<string>> Required, HashSet<string> Forbidden) ParseMemberOf(
        IReadOnlyList<string> values, Microversion version, string suffix = "")
    {
        if (!version.IsAtLeast("1.24") && values.Count > 1)
        {
            throw PlacementException.BadRequest($"Multiple member_of{suffix} parameters are not supported");
        }
        var required = new List<IReadOnlySet<string>>();
        var forbidden = new HashSet<string>();
        foreach (var value in values)
        {
            var (anyOf, noneOf) = ParseMemberOfValue(value);
            if (anyOf.Count > 0)
            {
                required.Add(anyOf);
            }
            if (noneOf.Count > 0)
            {
                if (!version.IsAtLeast("1.32"))
                {
                    throw PlacementException.BadRequest(
                        $"Forbidden member_of{suffix} parameters are not supported in the specified microversion");
                }
                forbidden.UnionWith(noneOf);
            }
        }
        return (required, forbidden);
    }

    private static (HashSet<string> AnyOf, HashSet<string> NoneOf) ParseMemberOfValue(string value)
    {
        var inList = value.StartsWith("in:", StringComparison.Ordinal) || value.StartsWith("!in:", StringComparison.Ordinal);
        if (value.Contains(',', StringComparison.Ordinal) && !inList)
        {
            throw PlacementException.BadRequest(
                $"Multiple values for 'member_of' must be prefixed with the 'in:' or '!in:' keyword using the valid microversion. Got: {value}");
        }
        HashSet<string> anyOf = [], noneOf = [];
        if (value.StartsWith("!in:", StringComparison.Ordinal))
        {
            noneOf = [.. value[4..].Split(',')];
        }
        else if (value.StartsWith('!'))
        {
            noneOf = [value[1..]];
        }
        else if (value.StartsWith("in:", StringComparison.Ordinal))
        {
            anyOf = [.. value[3..].Split(',')];
        }
        else
        {
            anyOf = [value];
        }
        foreach (var uuid in anyOf.Concat(noneOf))
        {
            if (!UuidText.IsUuidLike(uuid))
            {
                throw PlacementException.BadRequest(
                    $"Invalid query string parameters: Expected 'member_of' parameter to contain valid UUID(s). Got: {uuid}");
            }
        }
        return (anyOf, noneOf);
    }

    /// <summary>
    /// upstream's normalize_traits_qs_params: comma-separated trait names, <c>!</c>-prefixed ones
    /// forbidden from 1.22; from 1.39 an <c>in:</c> list (any of) and repeated parameters (all of),
    /// before that only the last parameter counts.
    /// </summary>
    public static (List<IReadOnlySet<string>> Required, HashSet<string> Forbidden) ParseRequiredTraits(
        IReadOnlyList<string> values, Microversion version)
    {
        var allowForbidden = version.IsAtLeast("1.22");
        var allowAnyOf = version.IsAtLeast("1.39");
        var required = new List<IReadOnlySet<string>>();
        var forbidden = new HashSet<string>();
        foreach (var value in allowAnyOf ? values : values.TakeLast(1))
        {
            var (anyOfs, noneOf) = ParseRequiredValue(value, allowForbidden, allowAnyOf);
            required.AddRange(anyOfs);
            forbidden.UnionWith(noneOf);
        }
        return (required, forbidden);
    }

    private static (List<IReadOnlySet<string>> Required, HashSet<string> Forbidden) ParseRequiredValue(
        string value, bool allowForbidden, bool allowAnyOf)
    {
        const string Invalid = "Invalid query string parameters:";
        if (value.StartsWith("in:", StringComparison.Ordinal))
        {
            if (!allowAnyOf)
            {
                throw PlacementException.BadRequest(
                    $"{Invalid} The format 'in:HW_CPU_X86_VMX,CUSTOM_MAGIC' only supported since microversion 1.39. Got: {value}");
            }
            var anyOf = value[3..].Split(',').Select(t => t.Trim()).ToHashSet();
            if (anyOf.Contains(""))
            {
                throw PlacementException.BadRequest(
                    $"{Invalid} Expected 'required' parameter value of the form: in:HW_CPU_X86_VMX,CUSTOM_MAGIC. Got an empty trait in: {value}");
            }
            if (anyOf.Any(t => t.StartsWith('!')))
            {
                throw PlacementException.BadRequest(
                    $"{Invalid} The format 'in:HW_CPU_X86_VMX,CUSTOM_MAGIC' does not support forbidden traits. Got: {value}");
            }
            return ([anyOf], []);
        }
        var traits = value.Split(',').Select(t => t.Trim()).ToList();
        // Upstream strips every leading '!', so "!!FOO" forbids FOO (a bug kept for compatibility).
        var forbidden = traits.Where(t => t.StartsWith('!')).Select(t => t.TrimStart('!')).ToHashSet();
        if (traits.Contains("") || forbidden.Contains(""))
        {
            var form = allowForbidden ? "HW_CPU_X86_VMX,!CUSTOM_MAGIC" : "HW_CPU_X86_VMX,CUSTOM_MAGIC";
            throw PlacementException.BadRequest(
                $"{Invalid} Expected 'required' parameter value of the form: {form}. Got an empty trait in: {value}");
        }
        if (forbidden.Count > 0 && !allowForbidden)
        {
            throw PlacementException.BadRequest(
                $"{Invalid} Expected 'required' parameter value of the form: HW_CPU_X86_VMX,CUSTOM_MAGIC. Got: {value}");
        }
        List<IReadOnlySet<string>> required = [.. traits.Where(t => !t.StartsWith('!')).Select(t => new HashSet<string> { t })];
        return (required, forbidden);
    }

    /// <summary>upstream's normalize_resources_qs_param: <c>VCPU:2,MEMORY_MB:1024</c>, amounts at least 1.</summary>
    public static Dictionary<string, long> ParseResources(string value)
    {
        const string Form = "Badly formed resources parameter. Expected resources query string parameter in form: ?resources=VCPU:2,MEMORY_MB:1024.";
        if (string.IsNullOrWhiteSpace(value))
        {
            throw PlacementException.BadRequest($"{Form} Got: empty string.");
        }
        var amounts = new Dictionary<string, long>();
        foreach (var item in value.Split(','))
        {
            var parts = item.Split(':');
            if (parts.Length != 2)
            {
                throw PlacementException.BadRequest($"{Form} Got: {item}.");
            }
            var (name, text) = (parts[0], parts[1]);
            // Python's int() takes surrounding blanks and a sign.
            if (!long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount))
            {
                throw PlacementException.BadRequest($"Requested resource {name} expected positive integer amount. Got: {text}.");
            }
            if (amount < 1)
            {
                throw PlacementException.BadRequest($"Requested resource {name} requires amount >= 1. Got: {amount}.");
            }
            amounts[name] = amount;
        }
        return amounts;
    }

    private static void ValidateAgainstSchema(Dictionary<string, string> parameters, Microversion version) =>
        QueryParameters.Validate(parameters.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value)),
            version.IsAtLeast("1.18") ? Schemas.V1_18
            : version.IsAtLeast("1.14") ? Schemas.V1_14
            : version.IsAtLeast("1.4") ? Schemas.V1_4
            : version.IsAtLeast("1.3") ? Schemas.V1_3
            : Schemas.V1_0);

    /// <summary>upstream's GET_RPS_SCHEMA_* (placement/schemas/resource_provider.py): the parameters each version knows.</summary>
    private static class Schemas
    {
        public static readonly JsonSchema V1_0 = Build("");

        public static readonly JsonSchema V1_3 = Build("""
            , "member_of": {"type": "string"}
            """);

        public static readonly JsonSchema V1_4 = Build("""
            , "member_of": {"type": "string"}, "resources": {"type": "string"}
            """);

        public static readonly JsonSchema V1_14 = Build("""
            , "member_of": {"type": "string"}, "resources": {"type": "string"},
            "in_tree": {"type": "string", "format": "uuid"}
            """);

        public static readonly JsonSchema V1_18 = Build("""
            , "member_of": {"type": "string"}, "resources": {"type": "string"},
            "in_tree": {"type": "string", "format": "uuid"}, "required": {"type": "string"}
            """);

        private static JsonSchema Build(string moreProperties) => JsonBody.Schema($$"""
            {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "uuid": {"type": "string", "format": "uuid"}
                    {{moreProperties}}
                },
                "additionalProperties": false
            }
            """);
    }
}
