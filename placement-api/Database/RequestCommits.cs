using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Placement.Api.Database;

/// <summary>
/// Whether the current request may have changed the database: a COMMIT was sent, or a statement other than a
/// SELECT ran outside a transaction (autocommit). Until then a request that lost its connection can be run again
/// whole without applying anything twice: what it did inside a transaction ended with the connection, uncommitted.
/// </summary>
public sealed class RequestCommits
{
    private static readonly AsyncLocal<RequestCommits?> CurrentRequest = new();

    public bool MayHaveCommitted { get; private set; }

    /// <summary>Starts watching the calling request (its async flow) and returns what is seen of it.</summary>
    public static RequestCommits Watch()
    {
        var commits = new RequestCommits();
        CurrentRequest.Value = commits;
        return commits;
    }

    /// <summary>What tells a request's <see cref="RequestCommits"/> of its statements and commits, on every backend.</summary>
    public static readonly IInterceptor Interceptor = new StatementsAndCommits();

    /// <summary>A COMMIT is about to be sent.</summary>
    public static void NoteCommit()
    {
        if (CurrentRequest.Value is { } commits)
        {
            commits.MayHaveCommitted = true;
        }
    }

    /// <summary>A statement is about to be sent: one outside a transaction commits itself unless it only reads.</summary>
    private static void NoteStatement(DbCommand command)
    {
        if (command.Transaction is null && !command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
        {
            NoteCommit();
        }
    }

    private sealed class StatementsAndCommits : IDbCommandInterceptor, IDbTransactionInterceptor
    {
        public DbCommand CommandInitialized(CommandEndEventData eventData, DbCommand result)
        {
            NoteStatement(result);
            return result;
        }

        public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
        {
            NoteCommit();
            return result;
        }

        public ValueTask<InterceptionResult> TransactionCommittingAsync(
            DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        {
            NoteCommit();
            return ValueTask.FromResult(result);
        }
    }
}
