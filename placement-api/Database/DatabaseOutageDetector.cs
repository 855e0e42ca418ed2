using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using MySql.Data.MySqlClient;
using Npgsql;

namespace Placement.Api.Database;

/// <summary>
/// Sees every failed connection, command and commit, and turns those that mean "the server is
/// unreachable" into <see cref="DatabaseUnavailableException"/>. It also empties the connection pool
/// then: after a server restart every pooled connection is dead, and without this each of them
/// would fail one more request before the pool is fresh again.
/// </summary>
internal sealed class DatabaseOutageDetector(ILogger<DatabaseOutageDetector> logger)
    : IDbConnectionInterceptor, IDbCommandInterceptor, IDbTransactionInterceptor
{
    private long _outages;

    /// <summary>
    /// How many outages were seen so far. What comes back after one may be another server (a failover) or an older
    /// state (a restore): caches of the database's content start over when this changes.
    /// </summary>
    public long OutagesSeen => Interlocked.Read(ref _outages);

    public void ConnectionFailed(DbConnection connection, ConnectionErrorEventData eventData) =>
        ThrowIfOutage(connection, eventData.Exception, whileConnecting: true);

    public Task ConnectionFailedAsync(DbConnection connection, ConnectionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ThrowIfOutage(connection, eventData.Exception, whileConnecting: true);
        return Task.CompletedTask;
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) =>
        ThrowIfOutage(command.Connection, eventData.Exception);

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ThrowIfOutage(command.Connection, eventData.Exception);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) =>
        ThrowIfOutage(ConnectionOf(transaction, eventData), eventData.Exception);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ThrowIfOutage(ConnectionOf(transaction, eventData), eventData.Exception);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The failed transaction's connection. Npgsql disposes a transaction whose connection broke (a savepoint that met
    /// a server shutting down), and its <c>Connection</c> then throws: the context still knows the connection.
    /// </summary>
    private static DbConnection? ConnectionOf(DbTransaction transaction, TransactionErrorEventData eventData)
    {
        if (eventData.Context is { } context)
        {
            return context.Database.GetDbConnection();
        }
        try
        {
            return transaction.Connection;
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>Throws <see cref="DatabaseUnavailableException"/> (and empties the pool) when <paramref name="error"/> means an outage.</summary>
    internal void ThrowIfOutage(DbConnection? connection, Exception error, bool whileConnecting = false)
    {
        // MySql.Data closes a connection whose server went away; what comes next (the commit
        // after a successful insert, say) then fails with "Connection must be valid and open".
        var lostConnection = error is InvalidOperationException && connection is { State: not System.Data.ConnectionState.Open };
        if (!lostConnection && !IsOutage(error))
        {
            return;
        }

        logger.LogWarning("Database unavailable: {Error}", error.Message);
        Interlocked.Increment(ref _outages);
        switch (connection)
        {
            case NpgsqlConnection npgsql:
                NpgsqlConnection.ClearPool(npgsql);
                break;
            case MySqlConnection mysql:
                MySqlConnection.ClearPool(mysql);
                break;
        }

        throw new DatabaseUnavailableException(error, whileConnecting);
    }

    /// <summary>
    /// Lost or refused connections, server shutdowns, pool or connect timeouts. Not deadlocks or
    /// serialization failures: those are answers from a working server.
    /// </summary>
    internal static bool IsOutage(Exception error) => error switch
    {
        // 08: connection exception; 57P: operator intervention (shutdown, restart); 53: out of connections or memory.
        PostgresException e => e.SqlState.StartsWith("08", StringComparison.Ordinal)
            || e.SqlState.StartsWith("57P", StringComparison.Ordinal)
            || e.SqlState.StartsWith("53", StringComparison.Ordinal),
        NpgsqlException e => e.IsTransient || e.InnerException is System.Net.Sockets.SocketException or IOException or TimeoutException,
        // MySql.Data reports a lost connection as error number 0 wrapping the socket's error (sometimes
        // inside a second MySqlException), and a command timeout as one wrapping a TimeoutException.
        MySqlException e => e.Number is (int)MySqlErrorCode.UnableToConnectToHost or (int)MySqlErrorCode.ConnectionCountError
                or (int)MySqlErrorCode.ServerShutdown or (int)MySqlErrorCode.QueryInterrupted or (int)MySqlErrorCode.TooManyUserConnections
            || CausedByNetwork(e.InnerException),
        _ => false,
    };

    private static bool CausedByNetwork(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is System.Net.Sockets.SocketException or IOException or TimeoutException)
            {
                return true;
            }
        }

        return false;
    }
}
