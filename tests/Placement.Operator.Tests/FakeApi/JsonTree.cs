using System.Text.Json.Nodes;

namespace Placement.Operator.Tests.FakeApi;

/// <summary>The JSON tree operations of merge patch (RFC 7386) and of the fake's server-side apply.</summary>
public static class JsonTree
{
    /// <summary>RFC 7386: objects merge recursively, null removes, anything else replaces.</summary>
    public static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }
        var result = target as JsonObject is { } o ? (JsonObject)o.DeepClone() : new JsonObject();
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                result[name] = MergePatch(result[name], value);
            }
        }
        return result;
    }

    /// <summary>Paths of the leaves (scalars and lists, which apply treats as atomic) of a tree.</summary>
    public static IEnumerable<string[]> LeafPaths(JsonNode? node, string[]? prefix = null)
    {
        prefix ??= [];
        if (node is JsonObject o && o.Count > 0)
        {
            foreach (var (name, value) in o)
            {
                foreach (var path in LeafPaths(value, [.. prefix, name]))
                {
                    yield return path;
                }
            }
        }
        else
        {
            yield return prefix;
        }
    }

    public static bool Has(JsonNode? node, string[] path)
    {
        foreach (var name in path)
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(name, out node))
            {
                return false;
            }
        }
        return true;
    }

    public static void Remove(JsonObject root, string[] path)
    {
        JsonNode? node = root;
        foreach (var name in path[..^1])
        {
            node = (node as JsonObject)?[name];
        }
        (node as JsonObject)?.Remove(path[^1]);
    }
}
