using Microsoft.EntityFrameworkCore;

namespace Placement.Api.Database;

/// <summary>
/// On MySQL/MariaDB a transaction takes the change log's counter at its first logged change (Database/Schema/
/// mysql-change-log.sql). A writer that row-locks a provider before that (re-parenting updates the provider row
/// itself) would wait for the counter while holding the provider, which an allocation writer holding the counter
/// waits for to bump its generation: a deadlock. Likewise a delete that locks a row others' inserts check their
/// foreign keys on (a provider, a trait, a resource class). Such a writer takes the counter first. PostgreSQL
/// takes it at commit, and SQLite has one writer at a time: nothing to do there. Upstream's own re-parenting and
/// deletes do not: there MySQL detects the deadlock and rolls one of the two back.
/// </summary>
internal static class ChangeLogLock
{
    public static async Task TakeFirstAsync(PlacementDbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite() && !db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("SELECT value FROM change_log_counters WHERE name = 'head' FOR UPDATE", cancellationToken);
        }
    }
}
