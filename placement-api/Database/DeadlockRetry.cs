namespace Placement.Api.Database;

/// <summary>
/// A short write transaction run again from the start when the database picks it as a deadlock victim
/// (upstream: oslo.db's wrap_db_retry with retry_on_deadlock). On MySQL/InnoDB two replicas creating the
/// same new aggregate for different providers can deadlock on the unique key's locks; the victim was
/// rolled back entirely, so running it again is safe.
/// </summary>
public static class DeadlockRetry
{
    private const int Attempts = 5;

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction of its own: committed when it returns true, rolled back when
    /// it returns false or throws. Returns what <paramref name="work"/> returned.
    /// </summary>
    public static async Task<bool> InTransactionAsync(PlacementDbContext db, Func<Task<bool>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(work);
        for (var attempt = 1; ; attempt++)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            try
            {
                if (!await work())
                {
                    return false;
                }
                await transaction.CommitAsync(cancellationToken);
                return true;
            }
            catch (Exception e) when (DuplicateEntry.IsDeadlock(e) && attempt < Attempts)
            {
                // What the rolled-back attempt added or loaded must not be saved or trusted by the next one.
                db.ChangeTracker.Clear();
            }
        }
    }
}
