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

    /// <summary>Raised with true when a list succeeds, with false when a list or watch fails.</summary>
    event Action<bool>? ListWatched;

    /// <summary>Raised for every object added, changed or deleted (with its last known state).</summary>
    event Action<IKubernetesObject<V1ObjectMeta>>? Changed;

    Task RunAsync(CancellationToken cancellationToken);
}

/// <summary>
/// A cache of one kind of object kept current by list then watch. Bookmarks advance the resource version without
/// events; when the server says the version is too old (410 Gone) the informer lists again and reports the differences.
/// </summary>
public sealed class Informer<T> : IInformer where T : class, IKubernetesObject<V1ObjectMeta>
{
    public delegate Task<(IList<T> Items, string ResourceVersion)> ListFunc(CancellationToken cancellationToken);

    public delegate IAsyncEnumerable<(WatchEventType Type, T Object)> WatchFunc(string resourceVersion, Action<Exception> onError, CancellationToken cancellationToken);

    private readonly ConcurrentDictionary<(string Namespace, string Name), T> cache = new();
    private readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string kind;
    private readonly ListFunc list;
    private readonly WatchFunc watch;
    private readonly ILogger logger;
    private readonly TimeSpan retryDelay;

    public Informer(string kind, ListFunc list, WatchFunc watch, ILogger logger, TimeSpan retryDelay)
    {
        this.kind = kind;
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

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var (items, resourceVersion) = await list(cancellationToken);
                ListWatched?.Invoke(true);
                Replace(items);
                synced.TrySetResult();
                await WatchUntilExpiredAsync(resourceVersion, cancellationToken);
                logger.LogInformation("{Kind} watch expired; listing again", kind);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                ListWatched?.Invoke(false);
                logger.LogWarning("{Kind} list/watch failed ({Error}); retrying in {Delay}", kind, e.Message, retryDelay);
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

    private async Task WatchUntilExpiredAsync(string resourceVersion, CancellationToken cancellationToken)
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
                await foreach (var (type, item) in watch(resourceVersion, OnError, cancellationToken))
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

    private void Replace(IList<T> items)
    {
        var fresh = items.ToDictionary(i => (i.Metadata.NamespaceProperty ?? "", i.Metadata.Name));
        foreach (var (key, gone) in cache)
        {
            if (!fresh.ContainsKey(key) && cache.TryRemove(key, out _))
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
