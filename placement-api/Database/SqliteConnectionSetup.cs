using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Placement.Api.Database;

/// <summary>
/// Prepares every SQLite connection for concurrent requests: a busy timeout so writers wait for
/// each other instead of failing, and WAL so readers never wait for a writer.
/// </summary>
internal sealed class SqliteConnectionSetup(bool inMemory) : DbConnectionInterceptor
{
    // WAL is a property of the database file, so once per process is enough.
    private bool _walEnabled = inMemory;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = CreateSetupCommand(connection);
        command.ExecuteNonQuery();
        _walEnabled = true;
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = CreateSetupCommand(connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        _walEnabled = true;
    }

    private DbCommand CreateSetupCommand(DbConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {DatabaseUrl.BusyTimeoutSeconds * 1000};"
            + (_walEnabled ? "" : " PRAGMA journal_mode = WAL;");
        return command;
    }
}
