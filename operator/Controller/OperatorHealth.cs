namespace Placement.Operator.Controller;

/// <summary>
/// What /readyz and /healthz answer. Ready: the caches are filled, or the operator stands by for the leader Lease.
/// Live: unless this instance reconciles and one of its informers has been unable to list and watch for longer than the
/// threshold; a restart gets it new connections and credentials, and hands the Lease to a standby. A standby is live.
/// </summary>
public sealed class OperatorHealth(TimeProvider clock, TimeSpan failureThreshold)
{
    /// <summary>
    /// How long list and watch must keep working to end a failure. A relist that succeeds is not enough on its own: the
    /// watch after it may be refused every time, and a working watch may report nothing for minutes. Short beside the
    /// threshold, and one liveness probe period (config/manager), so that a recovery shows by the next probe or so.
    /// </summary>
    public static readonly TimeSpan Recovery = TimeSpan.FromSeconds(10);

    private readonly Lock gate = new();
    private readonly Dictionary<string, ListWatch> informers = [];
    private volatile bool ready;

    private readonly record struct ListWatch(DateTimeOffset? FailingSince, DateTimeOffset? WorkingSince);

    public bool Ready
    {
        get => ready;
        set => ready = value;
    }

    /// <summary>This instance starts reconciling with informers of these kinds: each counts as failing until it works.</summary>
    public void Reconciling(IEnumerable<string> kinds)
    {
        var now = clock.GetUtcNow();
        lock (gate)
        {
            informers.Clear();
            foreach (var kind in kinds)
            {
                informers[kind] = new ListWatch(now, null);
            }
        }
    }

    /// <summary>This instance stopped reconciling: its informers no longer matter.</summary>
    public void StandingBy()
    {
        lock (gate)
        {
            informers.Clear();
        }
    }

    /// <summary>An informer listed (<paramref name="working"/>), or one of its lists or watches failed.</summary>
    public void Report(string kind, bool working)
    {
        var now = clock.GetUtcNow();
        lock (gate)
        {
            if (!informers.TryGetValue(kind, out var state))
            {
                return;
            }
            informers[kind] = working
                ? state with { WorkingSince = state.WorkingSince ?? now }
                : new ListWatch(state.FailingSince is { } since && !Recovered(state, now) ? since : now, null);
        }
    }

    /// <summary>Why the operator is not live, or null when it is.</summary>
    public string? Unhealthy()
    {
        var now = clock.GetUtcNow();
        lock (gate)
        {
            var stuck = informers
                .Where(p => p.Value.FailingSince is { } since && !Recovered(p.Value, now) && now - since > failureThreshold)
                .Select(p => p.Key)
                .Order(StringComparer.Ordinal)
                .ToList();
            return stuck.Count == 0
                ? null
                : $"informers unable to list and watch for more than {failureThreshold.TotalSeconds:0}s: {string.Join(", ", stuck)}";
        }
    }

    private static bool Recovered(ListWatch state, DateTimeOffset now) => state.WorkingSince is { } since && now - since >= Recovery;
}
