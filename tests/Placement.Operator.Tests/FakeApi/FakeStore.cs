using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Placement.Operator.Tests.FakeApi;

/// <summary>A failure of an API call, rendered as a Kubernetes Status (with details, for 422 Invalid).</summary>
public sealed class ApiException(HttpStatusCode code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public HttpStatusCode Code { get; } = code;
    public string Reason { get; } = reason;
    public JsonObject? Details { get; } = details;
}

/// <summary>
/// The state of the fake API server: objects with resource versions and generations, an event log for watches
/// (with compaction: too old a version gets 410 Gone), server-side apply by field manager, the status subresource,
/// the garbage collection of dependents through owner references, and for custom resources the contract of their
/// CustomResourceDefinition (CustomResourceContract: pruning, defaults, validation) on every write but Mutate.
/// </summary>
public sealed class FakeStore(params CustomResourceContract[] customResources)
{
    internal sealed record Key(ResourceKind Kind, string Namespace, string Name);

    /// <summary>A field manager's entry in managedFields: apply to the main resource and to /status are owned apart.</summary>
    private sealed record Owner(Key Key, string Manager, bool Status);

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
    private readonly Dictionary<Owner, HashSet<string>> managedFields = [];
    private readonly Dictionary<ResourceKind, CustomResourceContract> contracts =
        customResources.ToDictionary(c => ResourceKind.All.Single(k => k.Group == c.Group && k.Kind == c.Kind));
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
                CopyField(item, updated, "status");
            }
            else
            {
                updated = item.DeepClone().AsObject();
                updated["metadata"] = MergeMetadata(existing, Metadata(item));
                if (kind.HasStatus)
                {
                    CopyField(existing, updated, "status");
                }
            }
            return UpdateLocked(key, existing, Admit(kind, updated, existing, statusSubresource));
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
                    CopyField(existing, patched, field);
                }
            }
            return UpdateLocked(key, existing, Admit(kind, patched, existing, statusSubresource));
        }
    }

    /// <summary>
    /// Server-side apply, reduced to what the operator relies on. The applied configuration is merged into the object:
    /// maps merge, the items of keyed lists (x-kubernetes-list-type map of a custom resource's schema, the well-known
    /// merge keys of built-in kinds: BuiltInListKeys) merge item by item, scalars and other lists are replaced. Each
    /// manager owns the leaf fields it applied; a field it no longer applies is removed unless another manager still
    /// applies it, and a field another write changes is no longer owned by its applier (it belongs to that writer).
    /// Not modelled: managedFields in metadata, conflicts (always forced, as the operator applies with force),
    /// x-kubernetes-map-type atomic, list-type set, items of keyed lists kept for fields only updaters own.
    /// </summary>
    /// <returns>The object, and whether the apply created it (kube-apiserver then also requires the create verb).</returns>
    public (JsonObject Object, bool Created) Apply(ResourceKind kind, string @namespace, string name, JsonObject applied, string manager, bool statusSubresource)
    {
        lock (gate)
        {
            var key = new Key(kind, @namespace, name);
            var config = StripNulls(applied);
            // Each endpoint applies its own part only.
            if (kind.HasStatus && statusSubresource)
            {
                var status = new JsonObject();
                CopyField(config, status, "status");
                config = status;
            }
            else if (kind.HasStatus)
            {
                config.Remove("status");
            }
            var keysAt = ListKeys(kind);
            var owner = new Owner(key, manager, statusSubresource);
            var owned = JsonTree.LeafPaths(config, keysAt).Where(p => p.Length > 0).Select(PathKey).ToHashSet();
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
                foreach (var path in managedFields.GetValueOrDefault(owner, []).Except(owned)
                    .Where(p => !managedFields.Any(m => m.Key.Key == key && m.Key != owner && m.Value.Contains(p))))
                {
                    JsonTree.Remove(merged, SplitPath(path));
                }
                merged = JsonTree.Apply(merged, config, keysAt).AsObject();
                result = UpdateLocked(key, existing, Admit(kind, merged, existing, statusSubresource), owner);
            }
            managedFields[owner] = owned;
            return (result, existing is null);
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

    /// <summary>
    /// Changes an object as one of the cluster's own controllers would (job and deployment status). It bypasses the
    /// custom resource contract, so it also stands for an object stored while an older, laxer CRD was installed.
    /// </summary>
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
        if (key.Kind.HasStatus)
        {
            created.Remove("status");
        }
        created["apiVersion"] = key.Kind.ApiVersion;
        created["kind"] = key.Kind.Kind;
        var metadata = Metadata(created);
        metadata["namespace"] = key.Namespace;
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");
        if (key.Kind.HasStatus)
        {
            metadata["generation"] = 1L;
        }
        created = Admit(key.Kind, created, null, statusSubresource: false);
        Commit(key, created, "ADDED");
        // The garbage collector removes objects whose owner is already gone.
        if (metadata["ownerReferences"] is JsonArray owners && owners.Any(o => !objects.Values.Any(x => (string?)x["metadata"]!["uid"] == (string?)o!["uid"])))
        {
            DeleteLocked(key, created);
        }
        return created.DeepClone().AsObject();
    }

    /// <summary>Stores a write. applier: the manager of a server-side apply, which keeps what it owns of the fields it changed.</summary>
    private JsonObject UpdateLocked(Key key, JsonObject existing, JsonObject updated, Owner? applier = null)
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
        foreach (var fields in managedFields.Where(m => m.Key.Key == key && m.Key != applier).Select(m => m.Value))
        {
            fields.RemoveWhere(path => !JsonNode.DeepEquals(JsonTree.Get(existing, SplitPath(path)), JsonTree.Get(updated, SplitPath(path))));
        }
        Commit(key, updated, "MODIFIED");
        return updated.DeepClone().AsObject();
    }

    private void DeleteLocked(Key key, JsonObject existing)
    {
        objects.Remove(key);
        foreach (var owner in managedFields.Keys.Where(o => o.Key == key).ToList())
        {
            managedFields.Remove(owner);
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

    private JsonObject Admit(ResourceKind kind, JsonObject item, JsonObject? existing, bool statusSubresource) =>
        contracts.TryGetValue(kind, out var contract) ? contract.Admit(item, existing, statusSubresource) : item;

    private ListKeysAt ListKeys(ResourceKind kind) =>
        contracts.TryGetValue(kind, out var contract) ? path => contract.ListMapKeys(path) : BuiltInListKeys;

    /// <summary>
    /// The merge keys (x-kubernetes-list-map-keys in Kubernetes' OpenAPI, k8s.io/api types.go +listMapKey) of the lists
    /// other managers add items to in the operator's objects; every other list is atomic here.
    /// </summary>
    private static IReadOnlyList<string>? BuiltInListKeys(string[] path) => path switch
    {
        [.., "containers" or "initContainers", "[]", "ports"] => ["containerPort", "protocol"],
        [.., "containers" or "initContainers" or "env" or "volumes"] => ["name"],
        [.., "volumeMounts"] => ["mountPath"],
        [.., "conditions"] => ["type"],
        _ => null,
    };

    // A field path as one string (property names hold neither control characters nor this one).
    private static string PathKey(string[] path) => string.Join('\u001f', path);

    private static string[] SplitPath(string key) => key.Split('\u001f');

    // Sets a top-level field as it is in from, or removes it when from has none.
    private static void CopyField(JsonObject from, JsonObject to, string field)
    {
        if (from[field] is { } value)
        {
            to[field] = value.DeepClone();
        }
        else
        {
            to.Remove(field);
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
