using System.Collections.Concurrent;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Placement.Operator.Controller;

/// <summary>What the controller needs of an informer, whatever kind it caches.</summary>
public interface IInformer
{
    string Kind { get; }

    Task Synced { get; }

    /// <summary>
    /// Raised with true when a list succeeds while every other namespace watched works too (its last list or watch
    /// did not fail), with false when a list or watch fails.
    /// </summary>
    event Action<bool>? ListWatched;

    /// <summary>Raised for every object added, changed or deleted (with its last known state).</summary>
    event Action<IKubernetesObject<V1ObjectMeta>>? Changed;

    Task RunAsync(CancellationToken cancellationToken);
}

/// <summary>
/// A cache of one kind of object kept current by list then watch, across all namespaces or in each of a few (each
/// listed and watched on its own, with its own resource version, into the one cache). Bookmarks advance the resource
/// version without events; when the server says the version is too old (410 Gone) the informer lists again and
/// reports the differences.
/// </summary>
public sealed class Informer<T> : IInformer where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Lists the objects in a namespace, or in all namespaces when it is null.</summary>
    public delegate Task<(IList<T> Items, string ResourceVersion)> ListFunc(string? @namespace, CancellationToken cancellationToken);

    /// <summary>Watches the objects in a namespace, or in all namespaces when it is null.</summary>
    public delegate IAsyncEnumerable<(WatchEventType Type, T Object)> WatchFunc(string? @namespace, string resourceVersion, Action<Exception> onError, CancellationToken cancellationToken);

    private readonly ConcurrentDictionary<(string Namespace, string Name), T> cache = new();
    private readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string kind;
    // Null: all namespaces.
    private readonly string?[] scopes;
    // Whether each scope's last list or watch worked, under the gate, which also keeps ListWatched events in order.
    private readonly bool[] working;
    private readonly Lock gate = new();
    private readonly ListFunc list;
    private readonly WatchFunc watch;
    private readonly ILogger logger;
    private readonly TimeSpan retryDelay;
    private int unsyncedScopes;

    /// <param name="namespaces">The namespaces to list and watch; none: all namespaces, in one list and watch.</param>
    public Informer(string kind, IReadOnlyList<string> namespaces, ListFunc list, WatchFunc watch, ILogger logger, TimeSpan retryDelay)
    {
        this.kind = kind;
        scopes = namespaces.Count == 0 ? [null] : [.. namespaces];
        working = new bool[scopes.Length];
        unsyncedScopes = scopes.Length;
        this.list = list;
        this.watch = watch;
        this.logger = logger;
        this.retryDelay = retryDelay;
    }

    public event Action<IKubernetesObject<V1ObjectMeta>>? Changed;

    public event Action<bool>? ListWatched;

    public string Kind => kind;

    public Task Synced => synced.Task;

    public T? Get(string @namespace, string name) => cache.GetValueOrDefault((@namespace, name));

    public IEnumerable<T> List(string @namespace) => cache.Where(p => p.Key.Namespace == @namespace).Select(p => p.Value);

    public IEnumerable<T> List() => cache.Values;

    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(scopes.Select((_, scope) => ListAndWatchAsync(scope, cancellationToken)));

    private async Task ListAndWatchAsync(int scope, CancellationToken cancellationToken)
    {
        var @namespace = scopes[scope];
        var where = @namespace ?? "all namespaces";
        var listed = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var (items, resourceVersion) = await list(@namespace, cancellationToken);
                Report(scope, true);
                Replace(@namespace, items);
                if (!listed)
                {
                    listed = true;
                    if (Interlocked.Decrement(ref unsyncedScopes) == 0)
                    {
                        synced.TrySetResult();
                    }
                }
                await WatchUntilExpiredAsync(@namespace, resourceVersion, cancellationToken);
                logger.LogInformation("{Kind} watch in {Namespace} expired; listing again", kind, where);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Report(scope, false);
                logger.LogWarning("{Kind} list/watch in {Namespace} failed ({Error}); retrying in {Delay}", kind, where, e.Message, retryDelay);
                try
                {
                    await Task.Delay(retryDelay, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>The kind works while every namespace's list and watch works; a failure in any one is a failure of the kind.</summary>
    private void Report(int scope, bool works)
    {
        lock (gate)
        {
            working[scope] = works;
            if (!works || working.All(w => w))
            {
                ListWatched?.Invoke(works);
            }
        }
    }

    private async Task WatchUntilExpiredAsync(string? @namespace, string resourceVersion, CancellationToken cancellationToken)
    {
        while (true)
        {
            var expired = false;
            Exception? error = null;
            void OnError(Exception e)
            {
                if (e is KubernetesException { Status.Code: (int)HttpStatusCode.Gone })
                {
                    expired = true;
                }
                else
                {
                    error ??= e;
                }
            }

            try
            {
                await foreach (var (type, item) in watch(@namespace, resourceVersion, OnError, cancellationToken))
                {
                    if (item?.Metadata?.ResourceVersion is { } version)
                    {
                        resourceVersion = version;
                    }
                    if (type is WatchEventType.Bookmark or WatchEventType.Error || item?.Metadata is null)
                    {
                        continue;
                    }
                    Apply(type, item);
                }
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Gone)
            {
                expired = true;
            }
            if (expired)
            {
                return;
            }
            // As client-go's reflector: an error the watch reports ends it, and the informer lists again after its
            // retry delay rather than watching again at once.
            if (error is not null)
            {
                throw error;
            }
            // The server ended the watch (its timeout): resume from the last version seen.
        }
    }

    private void Apply(WatchEventType type, T item)
    {
        var key = (item.Metadata.NamespaceProperty ?? "", item.Metadata.Name);
        if (type == WatchEventType.Deleted)
        {
            cache.TryRemove(key, out _);
        }
        else
        {
            cache[key] = item;
        }
        Changed?.Invoke(item);
    }

    /// <summary>A list of one namespace (all when null) replaces what the cache holds of it.</summary>
    private void Replace(string? @namespace, IList<T> items)
    {
        var fresh = items.ToDictionary(i => (i.Metadata.NamespaceProperty ?? "", i.Metadata.Name));
        foreach (var (key, gone) in cache)
        {
            if ((@namespace is null || key.Namespace == @namespace) && !fresh.ContainsKey(key) && cache.TryRemove(key, out _))
            {
                Changed?.Invoke(gone);
            }
        }
        foreach (var (key, item) in fresh)
        {
            var previous = cache.GetValueOrDefault(key);
            cache[key] = item;
            if (previous?.Metadata.ResourceVersion != item.Metadata.ResourceVersion)
            {
                Changed?.Invoke(item);
            }
        }
    }
}
