using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Placement.Differential;

/// <summary>
/// An answer as compared: the status, the headers clients read and the body, after the normalisations below, each of
/// which hides only what two correct servers may answer differently.
/// </summary>
internal sealed partial record Reply(int Status, IReadOnlyDictionary<string, string> Headers, JsonNode? Json, string Text)
{
    private const string Present = "(present)";

    // Headers compared by value. content-length is not: bodies are compared parsed (clients parse them), and its value
    // follows from the body's formatting.
    private static readonly string[] ComparedHeaders =
        ["content-type", "openstack-api-version", "vary", "cache-control", "allow", "www-authenticate"];

    // Headers compared by presence only: last-modified is a time (the object's update, or now), the request id is
    // random.
    private static readonly string[] PresenceHeaders = ["last-modified", "x-openstack-request-id"];

    // Arrays whose order no version of the API defines: upstream builds them from database queries without ORDER BY
    // (there is none in placement/objects) or from Python sets (allocation requests), so their order is the database's
    // or the hash seed's. They are compared as multisets. Every other array (links, errors, versions) is compared in
    // order.
    private static readonly HashSet<string> UnorderedArrays =
        ["resource_providers", "resource_classes", "traits", "aggregates", "allocation_requests", "allocations"];

    public static Reply From(Answer answer, Side side, Call call)
    {
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in ComparedHeaders)
        {
            if (answer.Headers.TryGetValue(name, out var value))
            {
                headers[name] = value;
            }
        }
        foreach (var name in PresenceHeaders)
        {
            if (answer.Headers.ContainsKey(name))
            {
                headers[name] = Present;
            }
        }
        if (answer.Headers.TryGetValue("location", out var location))
        {
            // The servers listen on different ports: the path is compared, not the origin.
            headers["location"] = Unalias(StripOrigin(location), side);
        }
        // The uuids a server made (providers created without one) are named by their order of appearance.
        var text = Unalias(answer.Body, side);
        if (call.CreatesProvider)
        {
            // A create without uuid that fails names the uuid the server made for it, in the error only.
            text = Uuid().Replace(text, match => call.ToString().Contains(match.Value, StringComparison.Ordinal) ? match.Value : "(made by the server)");
        }
        JsonNode? json = null;
        if (text.Length > 0 && headers.GetValueOrDefault("content-type", "").Contains("json", StringComparison.Ordinal))
        {
            try
            {
                json = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                json = null;
            }
        }
        if (json is not null)
        {
            NormaliseErrors(json, call);
            json = SortUnordered(json, null);
        }
        return new Reply(answer.Status, headers, json, text);
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Uuid();

    private static string StripOrigin(string location) =>
        Uri.TryCreate(location, UriKind.Absolute, out var uri) ? uri.PathAndQuery : location;

    private static string Unalias(string text, Side side)
    {
        foreach (var (alias, uuid) in side.UuidByAlias)
        {
            text = text.Replace(uuid, alias, StringComparison.Ordinal);
        }
        return text;
    }

    // Texts in upstream's error details that are not Placement's own, compared only up to where they start. A 500's
    // detail ends with the escaped exception's text (Python's there, .NET's here). After "Malformed JSON: " comes the
    // message of Python's json module (it changes between Python versions; ours is .NET's). After "Update conflict: "
    // comes either Placement's ConcurrentUpdateDetected message, compared, or the database driver's duplicate-entry
    // exception with the failed SQL and a timestamp (upstream adding an inventory of a class the provider has), which
    // differs between SQLite, MySQL and PostgreSQL and from second to second.
    private const string MalformedJson = "Malformed JSON: ";
    private const string InternalError = "The server has either erred or is incapable of performing the requested operation.\n\n ";
    private const string UpdateConflict = "Update conflict: ";
    private const string ConcurrentUpdate = "Another thread concurrently updated the data";
    private const string NotPlacementsText = "(not Placement's text)";

    // Lists that upstream writes from a Python set of strings, whose order changes with the process's hash seed:
    // jsonschema 4.10's unexpected properties, the unknown traits of PUT /resource_providers/{uuid}/traits, and the
    // providers without the inventory an allocation names. They are compared sorted. (The resource classes of that
    // last message come from a set of integers, whose order does not change: compared as they are.)
    [GeneratedRegex(@"(?<=Additional properties are not allowed \()(?<list>'[^)]*')(?= (were|was) unexpected\))")]
    private static partial Regex UnexpectedProperties();

    [GeneratedRegex(@"(?<=No such trait )(?<list>[A-Za-z0-9_]+(, [A-Za-z0-9_]+)*)")]
    private static partial Regex UnknownTraits();

    [GeneratedRegex(@"(?<=Inventory for '[^']*' on resource provider ')(?<list>[^']+)(?=' invalid)")]
    private static partial Regex ProvidersWithoutInventory();

    // Upstream names the first unknown trait of a set (hash order again) when looking traits up for a query: any trait
    // of the request is as good.
    [GeneratedRegex(@"(?<=No such trait\(s\): )(?<name>[^.]+)(?=\.)")]
    private static partial Regex FirstUnknownTrait();

    // An error's request_id is the random id of the request (also in x-openstack-request-id); its detail loses the
    // texts above.
    private static void NormaliseErrors(JsonNode json, Call call)
    {
        if (json is JsonObject root && root["errors"] is JsonArray errors)
        {
            foreach (var error in errors.OfType<JsonObject>())
            {
                error.Remove("request_id");
                if (error["detail"] is JsonValue detail && detail.GetValueKind() == JsonValueKind.String)
                {
                    error["detail"] = WithoutSetOrder(WithoutForeignText(detail.GetValue<string>()), call);
                }
            }
        }
    }

    private static string WithoutSetOrder(string detail, Call call)
    {
        static string Sorted(Match match) =>
            string.Join(", ", match.Groups["list"].Value.Split(", ").Order(StringComparer.Ordinal));
        detail = UnexpectedProperties().Replace(detail, Sorted);
        detail = UnknownTraits().Replace(detail, Sorted);
        detail = ProvidersWithoutInventory().Replace(detail, Sorted);
        var request = call.ToString();
        return FirstUnknownTrait().Replace(
            detail, match => request.Contains(match.Value, StringComparison.Ordinal) ? "(a trait of the request)" : match.Value);
    }

    private static string WithoutForeignText(string detail)
    {
        // A 500's detail ends with the text of the exception that escaped, Python's upstream and .NET's here.
        var at = detail.IndexOf(InternalError, StringComparison.Ordinal);
        if (at >= 0)
        {
            return detail[..(at + InternalError.Length)] + NotPlacementsText;
        }
        at = detail.IndexOf(MalformedJson, StringComparison.Ordinal);
        if (at >= 0)
        {
            return detail[..(at + MalformedJson.Length)] + NotPlacementsText;
        }
        at = detail.IndexOf(UpdateConflict, StringComparison.Ordinal);
        if (at >= 0 && !detail.AsSpan(at + UpdateConflict.Length).StartsWith(ConcurrentUpdate, StringComparison.Ordinal))
        {
            return detail[..(at + UpdateConflict.Length)] + NotPlacementsText;
        }
        return detail;
    }

    private static JsonNode? SortUnordered(JsonNode? node, string? propertyName)
    {
        switch (node)
        {
            case JsonObject obj:
                var sorted = new JsonObject();
                foreach (var (name, value) in obj.ToList())
                {
                    obj.Remove(name);
                    // mappings: request group suffix -> providers, built from sets upstream.
                    sorted[name] = propertyName == "mappings" ? SortUnordered(value, "mappings-list") : SortUnordered(value, name);
                }
                return sorted;
            case JsonArray array:
                var items = array.Select(item => SortUnordered(item?.DeepClone(), null)).ToList();
                if (propertyName is not null && (UnorderedArrays.Contains(propertyName) || propertyName == "mappings-list"))
                {
                    items = [.. items.OrderBy(item => item?.ToJsonString() ?? "null", StringComparer.Ordinal)];
                }
                return new JsonArray([.. items]);
            default:
                return node?.DeepClone();
        }
    }

    /// <summary>The first difference between the reference's reply and ours, or null when they agree.</summary>
    public static string? FirstDifference(Reply reference, Reply ours)
    {
        if (reference.Status != ours.Status)
        {
            return $"status {reference.Status} vs {ours.Status}";
        }
        foreach (var name in reference.Headers.Keys.Union(ours.Headers.Keys).Order(StringComparer.Ordinal))
        {
            var left = reference.Headers.GetValueOrDefault(name);
            var right = ours.Headers.GetValueOrDefault(name);
            if (left != right)
            {
                return $"header {name}: {left ?? "(absent)"} vs {right ?? "(absent)"}";
            }
        }
        if (reference.Json is not null && ours.Json is not null)
        {
            return JsonDifference(reference.Json, ours.Json, "$");
        }
        return reference.Text == ours.Text ? null : "body text differs";
    }

    public static string? JsonDifference(JsonNode? left, JsonNode? right, string path)
    {
        switch (left, right)
        {
            case (null, null):
                return null;
            case (JsonObject a, JsonObject b):
                foreach (var name in a.Select(p => p.Key).Union(b.Select(p => p.Key)).Order(StringComparer.Ordinal))
                {
                    if (!a.ContainsKey(name) || !b.ContainsKey(name))
                    {
                        return $"{path}.{name}: {(a.ContainsKey(name) ? "present" : "absent")} vs {(b.ContainsKey(name) ? "present" : "absent")}";
                    }
                    var difference = JsonDifference(a[name], b[name], $"{path}.{name}");
                    if (difference is not null)
                    {
                        return difference;
                    }
                }
                return null;
            case (JsonArray a, JsonArray b):
                for (var i = 0; i < Math.Min(a.Count, b.Count); i++)
                {
                    var difference = JsonDifference(a[i], b[i], $"{path}[{i.ToString(CultureInfo.InvariantCulture)}]");
                    if (difference is not null)
                    {
                        return difference;
                    }
                }
                return a.Count == b.Count ? null : $"{path}: {a.Count} items vs {b.Count}";
            case (JsonValue a, JsonValue b):
                // Strings compare decoded; numbers by their text, since 1 and 1.0 parse to different types in clients.
                if (a.GetValueKind() == JsonValueKind.String && b.GetValueKind() == JsonValueKind.String)
                {
                    return a.GetValue<string>() == b.GetValue<string>() ? null : $"{path}: {a.ToJsonString()} vs {b.ToJsonString()}";
                }
                return a.ToJsonString() == b.ToJsonString() ? null : $"{path}: {a.ToJsonString()} vs {b.ToJsonString()}";
            default:
                return $"{path}: {left?.ToJsonString() ?? "null"} vs {right?.ToJsonString() ?? "null"}";
        }
    }
}
