using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Placement.Operator.Controller;

namespace Placement.Operator.Tests;

public class InformerTests
{
    [Fact]
    public async Task An_error_the_watch_reports_is_a_failure_and_the_informer_lists_again()
    {
        var lists = 0;
        var watches = 0;
        var reports = new List<bool>();
        var relisted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var informer = new Informer<V1ConfigMap>("ConfigMap", [],
            (_, _) =>
            {
                if (Interlocked.Increment(ref lists) == 2)
                {
                    relisted.TrySetResult();
                }
                return Task.FromResult<(IList<V1ConfigMap>, string)>(([], "1"));
            },
            Watch,
            NullLogger.Instance,
            TimeSpan.FromMilliseconds(10));
        RecordReports(informer, reports);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        await relisted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await run;

        Assert.Equal(2, lists);
        Assert.Equal(2, watches);
        lock (reports)
        {
            Assert.Equal([true, false, true], reports);
        }

        // The first watch reports a server error and ends, as kube-apiserver does; the next one stays open.
        async IAsyncEnumerable<(WatchEventType, V1ConfigMap)> Watch(string? ns, string version, Action<Exception> onError, [EnumeratorCancellation] CancellationToken ct)
        {
            if (Interlocked.Increment(ref watches) == 1)
            {
                onError(new KubernetesException(new V1Status { Code = 500, Message = "etcd unavailable" }));
                yield break;
            }
            await Task.Delay(Timeout.Infinite, ct);
            yield break;
        }
    }

    [Fact]
    public async Task Each_namespace_is_listed_into_one_cache_and_the_kind_works_once_every_namespace_does()
    {
        var teamBFailures = 2;
        var reports = new List<bool>();
        var informer = new Informer<V1ConfigMap>("ConfigMap", ["team-a", "team-b"],
            (ns, _) => ns == "team-b" && Interlocked.Decrement(ref teamBFailures) >= 0
                ? Task.FromException<(IList<V1ConfigMap>, string)>(new HttpRequestException("configmaps is forbidden"))
                : Task.FromResult<(IList<V1ConfigMap>, string)>(([new V1ConfigMap { Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = "settings" } }], "1")),
            WatchForever,
            NullLogger.Instance,
            TimeSpan.FromMilliseconds(10));
        RecordReports(informer, reports);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        await informer.Synced.WaitAsync(TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await run;

        // team-a listed at once, but the kind worked only once team-b did too; team-b's list kept team-a's objects.
        lock (reports)
        {
            Assert.Equal([false, false, true], reports);
        }
        Assert.Equal(["team-a", "team-b"], informer.List().Select(c => c.Metadata.NamespaceProperty).Order());

        static async IAsyncEnumerable<(WatchEventType, V1ConfigMap)> WatchForever(string? ns, string version, Action<Exception> onError, [EnumeratorCancellation] CancellationToken ct)
        {
            await Task.Delay(Timeout.Infinite, ct);
            yield break;
        }
    }

    // What the informer says of its lists and watches (working or not), in order; reports come from its own task.
    private static void RecordReports(Informer<V1ConfigMap> informer, List<bool> reports) =>
        informer.ListWatched += working =>
        {
            lock (reports)
            {
                reports.Add(working);
            }
        };
}
