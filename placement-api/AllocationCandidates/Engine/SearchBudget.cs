namespace Placement.Api.AllocationCandidates.Engine;

/// <summary>
/// Bounds the work of one request: every step of the search ticks it, and every few thousand steps it checks
/// whether the client has gone away (the search is abandoned: <see cref="OperationCanceledException"/>) or the
/// time limit has passed (the search stops: <see cref="SearchBudgetExhaustedException"/>, and the candidates
/// found so far are the answer, as when max_allocation_candidates cuts it).
/// </summary>
internal sealed class SearchBudget(TimeSpan limit, TimeProvider clock, CancellationToken cancellation)
{
    private const int StepsBetweenChecks = 4096;
    private readonly long deadline = limit == Timeout.InfiniteTimeSpan || limit.Ticks <= 0
        ? long.MaxValue
        : clock.GetTimestamp() + (long)(limit.TotalSeconds * clock.TimestampFrequency);
    private int untilCheck = StepsBetweenChecks;

    public void Tick()
    {
        if (--untilCheck == 0)
        {
            untilCheck = StepsBetweenChecks;
            cancellation.ThrowIfCancellationRequested();
            if (clock.GetTimestamp() > deadline)
            {
                throw new SearchBudgetExhaustedException();
            }
        }
    }
}

/// <summary>The search ran out of time (see <see cref="SearchBudget"/>).</summary>
internal sealed class SearchBudgetExhaustedException : Exception
{
    public SearchBudgetExhaustedException()
        : base("The allocation candidates search reached its time limit.")
    {
    }
}
