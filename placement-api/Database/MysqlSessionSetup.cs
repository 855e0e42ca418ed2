using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Placement.Api.Database;

/// <summary>
/// Every MySQL session in oslo.db's default mode (TRADITIONAL: bad values are errors, not
/// warnings) plus NO_AUTO_VALUE_ON_ZERO, which upstream sets to store VCPU, the resource class with id 0;
/// and every transaction read committed, as on PostgreSQL (MySql.Data would start repeatable read):
/// a writer that lost an insert race must see the winner's row when it reads again, and InnoDB takes
/// far fewer gap locks, so concurrent allocation writes deadlock far less.
/// <para>
/// What fails here bypasses EF Core's failure events, so a server that went away in between is reported to
/// the outage detector directly (a 503 then, not a 500).
/// </para>
/// </summary>
internal sealed class MysqlSessionSetup(DatabaseOutageDetector outages) : DbConnectionInterceptor, IDbTransactionInterceptor
{
    // The isolation level also for statements outside a transaction, whatever an earlier user of this pooled
    // connection chose (MySql.Data sets a transaction's level for the whole session, and the candidates cache
    // reads in repeatable read): a repeatable-read DELETE takes next-key locks that block every writer.
    private const string Setup =
        "SET SESSION sql_mode = 'TRADITIONAL,NO_AUTO_VALUE_ON_ZERO'; SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = Setup;
            command.ExecuteNonQuery();
        }
        catch (Exception e)
        {
            outages.ThrowIfOutage(connection, e);
            throw;
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Setup;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e)
        {
            outages.ThrowIfOutage(connection, e);
            throw;
        }
    }

    public InterceptionResult<DbTransaction> TransactionStarting(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        if (eventData.IsolationLevel != IsolationLevel.Unspecified)
        {
            return result;
        }
        try
        {
            return InterceptionResult<DbTransaction>.SuppressWithResult(connection.BeginTransaction(IsolationLevel.ReadCommitted));
        }
        catch (Exception e)
        {
            outages.ThrowIfOutage(connection, e);
            throw;
        }
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.IsolationLevel != IsolationLevel.Unspecified)
        {
            return result;
        }
        try
        {
            return InterceptionResult<DbTransaction>.SuppressWithResult(await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken));
        }
        catch (Exception e)
        {
            outages.ThrowIfOutage(connection, e);
            throw;
        }
    }
}
