using System.Linq.Expressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using MySql.Data.MySqlClient;
using Npgsql;

namespace Placement.Api.Database;

/// <summary>
/// An insert that lost a race on a unique key (upstream: oslo.db's DBDuplicateEntry): another
/// writer, perhaps another replica, created the same project, user, consumer, trait or class first.
/// On PostgreSQL and MySQL (read committed, repeatable read) transactions do not keep each other out the way SQLite's write
/// lock does, so "read, and insert if missing" must expect this.
/// </summary>
public static class DuplicateEntry
{
    /// <summary>
    /// Adds <paramref name="row"/> and saves it; false when a row with the same unique key exists
    /// (then <paramref name="row"/> is detached and a fresh read finds the other writer's row). The
    /// caller's transaction stays usable: EF Core fences the save with a savepoint.
    /// </summary>
    public static async Task<bool> TryInsertAsync(PlacementDbContext db, object row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var entry = db.Add(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException e) when (IsDuplicateEntry(e))
        {
            entry.State = EntityState.Detached;
            return false;
        }
    }

    /// <summary>
    /// The id of the row that <paramref name="match"/> finds, inserting <paramref name="create"/>'s row when none
    /// does. When another writer inserts the same row first, its row is the answer.
    /// </summary>
    public static async Task<int> FindOrInsertIdAsync<TRow>(
        PlacementDbContext db, DbSet<TRow> rows, Expression<Func<TRow, bool>> match, Func<TRow> create, CancellationToken cancellationToken)
        where TRow : class
    {
        for (var attempt = 1; ; attempt++)
        {
            var found = await rows.Where(match).Select(r => EF.Property<int>(r, "Id")).Take(1).ToListAsync(cancellationToken);
            if (found.Count > 0)
            {
                return found[0];
            }
            var created = create();
            if (await TryInsertAsync(db, created, cancellationToken))
            {
                var row = db.Entry(created);
                var id = row.Property<int>("Id").CurrentValue;
                row.State = EntityState.Detached;
                return id;
            }
            // Another writer inserted it first (and may yet roll back): look again.
            if (attempt == 5)
            {
                throw new InvalidOperationException("row keeps being inserted and rolled back by other writers");
            }
        }
    }

    /// <summary>True when <paramref name="error"/> or an exception inside it is a unique-key violation.</summary>
    public static bool IsDuplicateEntry(Exception? error) => AnyInChain(error, e =>
        e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation }
            or MySqlException { Number: (int)MySqlErrorCode.DuplicateKeyEntry }
            // SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY
            or SqliteException { SqliteExtendedErrorCode: 2067 or 1555 });

    /// <summary>
    /// True when the database chose this transaction as a deadlock's victim (upstream: oslo.db's
    /// DBDeadlock): rolled back, it may simply be run again, as upstream's retry_on_deadlock does.
    /// Concurrent allocation writes meet this on MySQL/InnoDB.
    /// </summary>
    public static bool IsDeadlock(Exception? error) => AnyInChain(error, e =>
        e is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected }
            or MySqlException { Number: (int)MySqlErrorCode.LockDeadlock });

    // EF wraps what providers throw (DbUpdateException, execution strategies' InvalidOperationException).
    private static bool AnyInChain(Exception? error, Func<Exception, bool> test)
    {
        for (; error is not null; error = error.InnerException)
        {
            if (test(error))
            {
                return true;
            }
        }

        return false;
    }
}
