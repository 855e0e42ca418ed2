using System.Text.Json.Nodes;

namespace Placement.Operator.Tests.FakeApi;

/// <summary>The keys a list's items are merged on by server-side apply, by the list's path of property names ("[]" for items); null: atomic.</summary>
public delegate IReadOnlyList<string>? ListKeysAt(string[] schemaPath);

/// <summary>
/// The JSON tree operations of merge patch (RFC 7386) and of the fake's server-side apply. A field path is a list of
/// property names; an item of a keyed list is named by its keys, as "[{"name":"api"}]".
/// </summary>
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

    /// <summary>
    /// Server-side apply's merge: objects merge, items of keyed lists merge with the item of the same keys (new ones are
    /// appended), anything else (scalars, atomic lists) is replaced.
    /// </summary>
    public static JsonNode Apply(JsonNode? target, JsonNode config, ListKeysAt keysAt, string[]? schemaPath = null)
    {
        schemaPath ??= [];
        switch (config)
        {
            case JsonObject configObject:
                var merged = new JsonObject();
                var targetObject = target as JsonObject;
                foreach (var (name, value) in targetObject ?? [])
                {
                    merged[name] = configObject[name] is { } applied ? Apply(value, applied, keysAt, [.. schemaPath, name]) : value?.DeepClone();
                }
                foreach (var (name, value) in configObject.Where(p => targetObject?.ContainsKey(p.Key) != true))
                {
                    merged[name] = Apply(null, value!, keysAt, [.. schemaPath, name]);
                }
                return merged;
            case JsonArray configList when keysAt(schemaPath) is { } keys:
                var list = new JsonArray([.. (target as JsonArray ?? []).Select(i => i?.DeepClone())]);
                foreach (var item in configList.OfType<JsonObject>())
                {
                    if (FindItem(list, ItemName(item, keys)) is { } existing)
                    {
                        list[list.IndexOf(existing)] = Apply(existing, item, keysAt, [.. schemaPath, "[]"]);
                    }
                    else
                    {
                        list.Add(item.DeepClone());
                    }
                }
                return list;
            default:
                return config.DeepClone();
        }
    }

    /// <summary>Paths of the leaves of a tree: scalars, atomic lists, empty objects; the items of keyed lists are entered.</summary>
    public static IEnumerable<string[]> LeafPaths(JsonNode? node, ListKeysAt keysAt, string[]? path = null, string[]? schemaPath = null)
    {
        path ??= [];
        schemaPath ??= [];
        switch (node)
        {
            case JsonObject o when o.Count > 0:
                foreach (var (name, value) in o)
                {
                    foreach (var leaf in LeafPaths(value, keysAt, [.. path, name], [.. schemaPath, name]))
                    {
                        yield return leaf;
                    }
                }
                break;
            case JsonArray a when keysAt(schemaPath) is { } keys:
                foreach (var item in a.OfType<JsonObject>())
                {
                    foreach (var leaf in LeafPaths(item, keysAt, [.. path, ItemName(item, keys)], [.. schemaPath, "[]"]))
                    {
                        yield return leaf;
                    }
                }
                break;
            default:
                yield return path;
                break;
        }
    }

    public static JsonNode? Get(JsonNode? node, string[] path)
    {
        foreach (var name in path)
        {
            node = Child(node, name);
        }
        return node;
    }

    /// <summary>Removes a field; removing a key field of a keyed list's item removes the item.</summary>
    public static void Remove(JsonObject root, string[] path)
    {
        JsonNode? parent = root;
        JsonArray? list = null;
        string? itemName = null;
        foreach (var name in path[..^1])
        {
            (list, itemName) = parent is JsonArray a ? (a, name) : (null, null);
            parent = Child(parent, name);
        }
        if (parent is JsonObject o && o.Remove(path[^1]) && list is not null && JsonNode.Parse(itemName![1..^1])!.AsObject().ContainsKey(path[^1]))
        {
            list.Remove(o);
        }
    }

    private static string ItemName(JsonObject item, IEnumerable<string> keys) =>
        $"[{new JsonObject(keys.Select(k => KeyValuePair.Create(k, item[k]?.DeepClone()))).ToJsonString()}]";

    private static JsonNode? Child(JsonNode? node, string name) => node switch
    {
        JsonObject o => o[name],
        JsonArray a => FindItem(a, name),
        _ => null,
    };

    private static JsonObject? FindItem(JsonArray list, string itemName)
    {
        var keys = JsonNode.Parse(itemName[1..^1])!.AsObject();
        return list.OfType<JsonObject>().FirstOrDefault(item => keys.All(k => JsonNode.DeepEquals(item[k.Key], k.Value)));
    }
}
