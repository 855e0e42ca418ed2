namespace Placement.Operator.Controller;

/// <summary>
/// Keys waiting to be reconciled. A key is queued at most once; a key added while being processed is processed
/// again afterwards, never concurrently; failures are retried with a per-key exponential backoff. A key holds at most
/// one delayed add, the earliest asked for, so periodic requeues do not multiply.
/// </summary>
public sealed class WorkQueue<T> : IDisposable where T : notnull
{
    private readonly Lock gate = new();
    private readonly Queue<T> queue = new();
    private readonly HashSet<T> waiting = [];
    private readonly HashSet<T> processing = [];
    private readonly Dictionary<T, int> failures = [];
    private readonly Dictionary<T, long> delayedUntil = [];
    private readonly SemaphoreSlim available = new(0);
    private readonly CancellationTokenSource stopping = new();
    private readonly TimeSpan baseDelay;
    private readonly TimeSpan maxDelay;

    public WorkQueue(TimeSpan baseDelay, TimeSpan maxDelay)
    {
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay;
    }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return queue.Count;
            }
        }
    }

    public void Add(T item)
    {
        lock (gate)
        {
            if (!waiting.Add(item) || processing.Contains(item))
            {
                return;
            }
            queue.Enqueue(item);
        }
        available.Release();
    }

    public void AddAfter(T item, TimeSpan delay)
    {
        var due = Environment.TickCount64 + (long)delay.TotalMilliseconds;
        lock (gate)
        {
            if (delayedUntil.TryGetValue(item, out var pending) && pending <= due)
            {
                return;
            }
            delayedUntil[item] = due;
        }
        _ = Task.Delay(delay, stopping.Token).ContinueWith(t =>
        {
            lock (gate)
            {
                // A later AddAfter with an earlier time replaced this one: that one adds the key.
                if (!delayedUntil.TryGetValue(item, out var current) || current != due)
                {
                    return;
                }
                delayedUntil.Remove(item);
            }
            if (!t.IsCanceled)
            {
                Add(item);
            }
        }, TaskScheduler.Default);
    }

    /// <summary>Retries a failed item after a delay doubling with each consecutive failure.</summary>
    public TimeSpan AddRateLimited(T item)
    {
        int attempt;
        lock (gate)
        {
            attempt = failures.GetValueOrDefault(item);
            failures[item] = attempt + 1;
        }
        var delay = TimeSpan.FromTicks(Math.Min(maxDelay.Ticks, baseDelay.Ticks * (1L << Math.Min(attempt, 30))));
        AddAfter(item, delay);
        return delay;
    }

    /// <summary>Clears the failure count of an item that succeeded.</summary>
    public void Forget(T item)
    {
        lock (gate)
        {
            failures.Remove(item);
        }
    }

    public async Task<T> TakeAsync(CancellationToken cancellationToken)
    {
        await available.WaitAsync(cancellationToken);
        lock (gate)
        {
            var item = queue.Dequeue();
            waiting.Remove(item);
            processing.Add(item);
            return item;
        }
    }

    public void Done(T item)
    {
        lock (gate)
        {
            processing.Remove(item);
            if (!waiting.Contains(item))
            {
                return;
            }
            queue.Enqueue(item);
        }
        available.Release();
    }

    public void Dispose()
    {
        stopping.Cancel();
        stopping.Dispose();
        available.Dispose();
    }
}
