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
        var informer = new Informer<V1ConfigMap>("ConfigMap",
            _ =>
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
        informer.ListWatched += working =>
        {
            lock (reports)
            {
                reports.Add(working);
            }
        };
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
        async IAsyncEnumerable<(WatchEventType, V1ConfigMap)> Watch(string version, Action<Exception> onError, [EnumeratorCancellation] CancellationToken ct)
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
}
