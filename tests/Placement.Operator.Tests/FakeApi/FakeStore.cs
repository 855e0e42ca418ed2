using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Placement.Operator.Tests.FakeApi;

/// <summary>A failure of an API call, rendered as a Kubernetes Status.</summary>
public sealed class ApiException(HttpStatusCode code, string reason, string message) : Exception(message)
{
    public HttpStatusCode Code { get; } = code;
    public string Reason { get; } = reason;
}

/// <summary>
/// The state of the fake API server: objects with resource versions and generations, an event log for watches
/// (with compaction: too old a version gets 410 Gone), server-side apply by field manager, the status subresource,
/// and the garbage collection of dependents through owner references.
/// </summary>
public sealed class FakeStore
{
    internal sealed record Key(ResourceKind Kind, string Namespace, string Name);

    private sealed record LogEntry(long Revision, Key Key, string Type, JsonObject Object);

    public sealed class Subscription(ResourceKind kind, string? @namespace, IReadOnlyDictionary<string, string> selector, bool bookmarks)
    {
        public Channel<string> Lines { get; } = Channel.CreateUnbounded<string>();
        internal bool Matches(Key key, JsonObject item) =>
            key.Kind == kind && (@namespace is null || key.Namespace == @namespace) && FakeStore.Matches(item, selector);
        internal ResourceKind Kind => kind;
        internal bool Bookmarks => bookmarks;
    }

    private readonly Lock gate = new();
    private readonly Dictionary<Key, JsonObject> objects = [];
    private readonly Dictionary<(Key, string Manager), JsonObject> appliedConfigs = [];
    private readonly List<LogEntry> log = [];
    private readonly List<Subscription> subscriptions = [];
    private long revision = 100;
    private long compactedRevision;

    public long Revision
    {
        get
        {
            lock (gate)
            {
                return revision;
            }
        }
    }

    public JsonObject? Get(ResourceKind kind, string @namespace, string name)
    {
        lock (gate)
        {
            return objects.GetValueOrDefault(new Key(kind, @namespace, name))?.DeepClone().AsObject();
        }
    }

    public (List<JsonObject> Items, long Revision) List(ResourceKind kind, string? @namespace, IReadOnlyDictionary<string, string> selector)
    {
        lock (gate)
        {
            var items = objects.Where(p => p.Key.Kind == kind && (@namespace is null || p.Key.Namespace == @namespace) && Matches(p.Value, selector))
                .OrderBy(p => p.Key.Namespace, StringComparer.Ordinal).ThenBy(p => p.Key.Name, StringComparer.Ordinal)
                .Select(p => p.Value.DeepClone().AsObject()).ToList();
            return (items, revision);
        }
    }

    public JsonObject Create(ResourceKind kind, string @namespace, JsonObject item)
    {
        lock (gate)
        {
            var metadata = Metadata(item);
            var name = (string?)metadata["name"] ?? throw new ApiException(HttpStatusCode.UnprocessableEntity, "Invalid", "metadata.name: Required value");
            var key = new Key(kind, @namespace, name);
            if (objects.ContainsKey(key))
            {
                throw new ApiException(HttpStatusCode.Conflict, "AlreadyExists", $"{kind.Plural} \"{name}\" already exists");
            }
            return CreateLocked(key, item);
        }
    }

    /// <summary>PUT: optimistic concurrency on metadata.resourceVersion; the main resource cannot change status and vice versa.</summary>
    public JsonObject Replace(ResourceKind kind, string @namespace, string name, JsonObject item, bool statusSubresource)
    {
        lock (gate)
        {
            var key = new Key(kind, @namespace, name);
            var existing = objects.GetValueOrDefault(key) ?? throw NotFound(kind, name);
            var version = (string?)Metadata(item)["resourceVersion"];
            if (!string.IsNullOrEmpty(version) && version != (string?)existing["metadata"]!["resourceVersion"])
            {
                throw new ApiException(HttpStatusCode.Conflict, "Conflict",
                    $"Operation cannot be fulfilled on {kind.Plural} \"{name}\": the object has been modified; please apply your changes to the latest version and try again");
            }
            JsonObject updated;
            if (statusSubresource)
            {
                updated = existing.DeepClone().AsObject();
                updated["status"] = item["status"]?.DeepClone();
            }
            else
            {
                updated = item.DeepClone().AsObject();
                updated["metadata"] = MergeMetadata(existing, Metadata(item));
                if (kind.HasStatus)
                {
                    updated["status"] = existing["status"]?.DeepClone();
                }
            }
            return UpdateLocked(key, existing, updated);
        }
    }

    public JsonObject MergePatch(ResourceKind kind, string @namespace, string name, JsonObject patch, bool statusSubresource)
    {
        lock (gate)
        {
            var key = new Key(kind, @namespace, name);
            var existing = objects.GetValueOrDefault(key) ?? throw NotFound(kind, name);
            var patched = JsonTree.MergePatch(existing, patch)!.AsObject();
            if (kind.HasStatus)
            {
                // Each endpoint changes only its own part.
                var fromExisting = statusSubresource ? patched.Where(p => p.Key != "status").Select(p => p.Key).ToList() : ["status"];
                foreach (var field in fromExisting)
                {
                    if (existing[field] is { } kept)
                    {
                        patched[field] = kept.DeepClone();
                    }
                    else
                    {
                        patched.Remove(field);
                    }
                }
            }
            return UpdateLocked(key, existing, patched);
        }
    }

    /// <summary>
    /// Server-side apply, reduced to what the operator relies on: the applied configuration is merged into the object
    /// (maps merge, lists and scalars replace) and fields this manager applied before but no longer applies are removed,
    /// unless another manager applies them too.
    /// Conflicts between managers are always forced (the operator applies with force).
    /// </summary>
    public JsonObject Apply(ResourceKind kind, string @namespace, string name, JsonObject applied, string manager, bool statusSubresource)
    {
        lock (gate)
        {
            var key = new Key(kind, @namespace, name);
            var config = applied.DeepClone().AsObject();
            if (kind.HasStatus && !statusSubresource)
            {
                config.Remove("status");
            }
            var existing = objects.GetValueOrDefault(key);
            JsonObject result;
            if (existing is null)
            {
                if (statusSubresource)
                {
                    throw NotFound(kind, name);
                }
                result = CreateLocked(key, config);
            }
            else
            {
                var merged = existing.DeepClone().AsObject();
                if (appliedConfigs.GetValueOrDefault((key, manager)) is { } previous)
                {
                    // A field nobody applies any more is removed; one another manager still applies stays.
                    var others = appliedConfigs.Where(a => a.Key.Item1 == key && a.Key.Manager != manager).Select(a => a.Value).ToList();
                    foreach (var path in JsonTree.LeafPaths(previous).Where(p => p.Length > 0 && !JsonTree.Has(config, p) && !others.Any(o => JsonTree.Has(o, p))))
                    {
                        JsonTree.Remove(merged, path);
                    }
                }
                merged = JsonTree.MergePatch(merged, StripNulls(config))!.AsObject();
                result = UpdateLocked(key, existing, merged);
            }
            appliedConfigs[(key, manager)] = config;
            return result;
        }
    }

    public JsonObject Delete(ResourceKind kind, string @namespace, string name)
    {
        lock (gate)
        {
            var key = new Key(kind, @namespace, name);
            var existing = objects.GetValueOrDefault(key) ?? throw NotFound(kind, name);
            DeleteLocked(key, existing);
            return existing;
        }
    }

    /// <summary>Changes an object as one of the cluster's own controllers would (job and deployment status).</summary>
    public JsonObject Mutate(ResourceKind kind, string @namespace, string name, Action<JsonObject> change)
    {
        lock (gate)
        {
            var key = new Key(kind, @namespace, name);
            var existing = objects.GetValueOrDefault(key) ?? throw NotFound(kind, name);
            var updated = existing.DeepClone().AsObject();
            change(updated);
            return UpdateLocked(key, existing, updated);
        }
    }

    /// <summary>Starts a watch from a resource version: the events after it, then live ones; null when it is compacted away.</summary>
    public Subscription? Watch(ResourceKind kind, string? @namespace, IReadOnlyDictionary<string, string> selector, long? from, bool bookmarks)
    {
        lock (gate)
        {
            var subscription = new Subscription(kind, @namespace, selector, bookmarks);
            if (from is null)
            {
                foreach (var (key, item) in objects.Where(p => subscription.Matches(p.Key, p.Value)))
                {
                    subscription.Lines.Writer.TryWrite(EventLine("ADDED", item));
                }
            }
            else if (from < compactedRevision)
            {
                return null;
            }
            else
            {
                foreach (var entry in log.Where(e => e.Revision > from && subscription.Matches(e.Key, e.Object)))
                {
                    subscription.Lines.Writer.TryWrite(EventLine(entry.Type, entry.Object));
                }
            }
            subscriptions.Add(subscription);
            return subscription;
        }
    }

    public void Unsubscribe(Subscription subscription)
    {
        lock (gate)
        {
            subscriptions.Remove(subscription);
        }
    }

    /// <summary>Sends a BOOKMARK carrying the current resource version to the watches that asked for bookmarks.</summary>
    public void SendBookmarks()
    {
        lock (gate)
        {
            foreach (var subscription in subscriptions.Where(s => s.Bookmarks))
            {
                var bookmark = new JsonObject
                {
                    ["kind"] = subscription.Kind.Kind,
                    ["apiVersion"] = subscription.Kind.ApiVersion,
                    ["metadata"] = new JsonObject { ["resourceVersion"] = revision.ToString() },
                };
                subscription.Lines.Writer.TryWrite(EventLine("BOOKMARK", bookmark));
            }
        }
    }

    /// <summary>
    /// Ends every open watch, as an API server restart or a watch cache reset does. With compactTo, resource versions
    /// older than it can no longer be watched from (410 Gone): clients must list again unless a bookmark brought them up to it.
    /// </summary>
    public void CloseWatches(long? compactTo = null)
    {
        lock (gate)
        {
            if (compactTo is { } compacted)
            {
                compactedRevision = compacted;
            }
            foreach (var subscription in subscriptions)
            {
                subscription.Lines.Writer.TryComplete();
            }
            subscriptions.Clear();
        }
    }

    /// <summary>Ends every watch and compacts history up to now: every client's resource version is too old.</summary>
    public void ExpireWatches()
    {
        lock (gate)
        {
            revision++;
            CloseWatches(compactTo: revision);
        }
    }

    public static string EventLine(string type, JsonObject item) =>
        new JsonObject { ["type"] = type, ["object"] = item.DeepClone() }.ToJsonString() + "\n";

    private JsonObject CreateLocked(Key key, JsonObject item)
    {
        var created = item.DeepClone().AsObject();
        created["apiVersion"] = key.Kind.ApiVersion;
        created["kind"] = key.Kind.Kind;
        var metadata = Metadata(created);
        metadata["namespace"] = key.Namespace;
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");
        if (key.Kind.HasStatus)
        {
            metadata["generation"] = 1L;
            created.Remove("status");
        }
        Commit(key, created, "ADDED");
        // The garbage collector removes objects whose owner is already gone.
        if (metadata["ownerReferences"] is JsonArray owners && owners.Any(o => !objects.Values.Any(x => (string?)x["metadata"]!["uid"] == (string?)o!["uid"])))
        {
            DeleteLocked(key, created);
        }
        return created.DeepClone().AsObject();
    }

    private JsonObject UpdateLocked(Key key, JsonObject existing, JsonObject updated)
    {
        updated["apiVersion"] = key.Kind.ApiVersion;
        updated["kind"] = key.Kind.Kind;
        var metadata = Metadata(updated);
        metadata["resourceVersion"] = existing["metadata"]!["resourceVersion"]?.DeepClone();
        if (JsonNode.DeepEquals(existing, updated))
        {
            // A no-op write changes nothing, not even the resource version: no event, no reconcile loop.
            return existing.DeepClone().AsObject();
        }
        if (key.Kind.HasStatus && !JsonNode.DeepEquals(existing["spec"], updated["spec"]))
        {
            metadata["generation"] = (existing["metadata"]!["generation"] is { } generation ? long.Parse(generation.ToJsonString()) : 0) + 1;
        }
        Commit(key, updated, "MODIFIED");
        return updated.DeepClone().AsObject();
    }

    private void DeleteLocked(Key key, JsonObject existing)
    {
        objects.Remove(key);
        foreach (var applied in appliedConfigs.Keys.Where(k => k.Item1 == key).ToList())
        {
            appliedConfigs.Remove(applied);
        }
        var deleted = existing.DeepClone().AsObject();
        Commit(key, deleted, "DELETED", store: false);
        var uid = (string?)existing["metadata"]!["uid"];
        var dependents = objects.Where(p => p.Value["metadata"]!["ownerReferences"] is JsonArray owners && owners.Any(o => (string?)o!["uid"] == uid)).ToList();
        foreach (var (dependentKey, dependent) in dependents.Where(d => objects.ContainsKey(d.Key)))
        {
            DeleteLocked(dependentKey, dependent);
        }
    }

    private void Commit(Key key, JsonObject item, string type, bool store = true)
    {
        revision++;
        Metadata(item)["resourceVersion"] = revision.ToString();
        if (store)
        {
            objects[key] = item;
        }
        var snapshot = item.DeepClone().AsObject();
        log.Add(new LogEntry(revision, key, type, snapshot));
        foreach (var subscription in subscriptions.Where(s => s.Matches(key, snapshot)))
        {
            subscription.Lines.Writer.TryWrite(EventLine(type, snapshot));
        }
    }

    private static JsonObject MergeMetadata(JsonObject existing, JsonObject given)
    {
        var metadata = given.DeepClone().AsObject();
        foreach (var field in new[] { "uid", "creationTimestamp", "generation", "namespace", "name" })
        {
            metadata[field] = existing["metadata"]![field]?.DeepClone();
        }
        return metadata;
    }

    private static JsonObject Metadata(JsonObject item)
    {
        if (item["metadata"] is not JsonObject metadata)
        {
            metadata = new JsonObject();
            item["metadata"] = metadata;
        }
        return metadata;
    }

    // Apply configurations never mean "delete" with a null; serializers that emit nulls mean "not set".
    private static JsonObject StripNulls(JsonObject config)
    {
        var copy = config.DeepClone().AsObject();
        foreach (var (name, value) in copy.ToList())
        {
            if (value is null)
            {
                copy.Remove(name);
            }
            else if (value is JsonObject o)
            {
                copy[name] = StripNulls(o);
            }
        }
        return copy;
    }

    private static bool Matches(JsonObject item, IReadOnlyDictionary<string, string> selector) =>
        selector.All(s => (string?)item["metadata"]?["labels"]?[s.Key] == s.Value);

    private static ApiException NotFound(ResourceKind kind, string name) =>
        new(HttpStatusCode.NotFound, "NotFound", $"{kind.Plural} \"{name}\" not found");
}
