using Microsoft.EntityFrameworkCore;

namespace Placement.Api.Database;

/// <summary>
/// Keeps the change log (Database/Schema/*-change-log.sql) small: once a minute it notes the log's head, and
/// deletes the changes that were already there ten minutes ago. Readers stay exact whatever it deletes: it
/// raises the <c>pruned</c> counter first, in a transaction of its own, so a reader whose position is below it
/// reads everything again instead of missing a change. Every replica prunes; they agree.
/// </summary>
internal sealed class ChangeLogPruner(
    IDbContextFactory<PlacementDbContext> contexts, DatabaseUrl url, SchemaReadiness readiness, ILogger<ChangeLogPruner> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Retention = TimeSpan.FromMinutes(10);
    private const int RowsPerDelete = 10_000;

    private readonly Queue<(DateTime At, long Head)> _heads = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!readiness.IsReady)
            {
                continue;
            }
            try
            {
                if (NoteHead(DateTime.UtcNow, await HeadAsync(stoppingToken)) is { } seq)
                {
                    await PruneAsync(seq, stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Change log pruning failed, to be tried again: {Error}", e.Message);
            }
        }
    }

    /// <summary>
    /// Notes the head seen at <paramref name="now"/> and answers the seq to prune up to: the head noted at least
    /// the retention ago, if any. A head that went back (the database was restored, or failed over to a replica
    /// that lacks the last commits) forgets the heads noted before: pruning up to one of them would delete the
    /// new changes that reuse those seqs, and would leave <c>pruned</c> above the head, so that every reader read
    /// the whole cloud at every request until the head passed it again.
    /// </summary>
    internal long? NoteHead(DateTime now, long head)
    {
        if (_heads.Count > 0 && head < _heads.Last().Head)
        {
            _heads.Clear();
        }
        _heads.Enqueue((now, head));
        long? upTo = null;
        while (_heads.TryPeek(out var oldest) && now - oldest.At >= Retention)
        {
            upTo = _heads.Dequeue().Head;
        }
        return upTo;
    }

    private async Task<long> HeadAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Database.SqlQuery<long>($"SELECT value AS \"Value\" FROM change_log_counters WHERE name = 'head'")
            .SingleAsync(cancellationToken);
    }

    /// <summary>Deletes the changes with a seq up to <paramref name="upTo"/>, after saying so in the <c>pruned</c> counter.</summary>
    internal async Task PruneAsync(long upTo, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync(
            $"UPDATE change_log_counters SET value = {upTo} WHERE name = 'pruned' AND value < {upTo}", cancellationToken);
        var deleteBatch = url.Provider == DatabaseProvider.Mysql
            ? "DELETE FROM change_log WHERE seq <= {0} ORDER BY id LIMIT {1}"
            : "DELETE FROM change_log WHERE id IN (SELECT id FROM change_log WHERE seq <= {0} LIMIT {1})";
        int deleted, total = 0;
        do
        {
            deleted = await db.Database.ExecuteSqlRawAsync(deleteBatch, [upTo, RowsPerDelete], cancellationToken);
            total += deleted;
        }
        while (deleted == RowsPerDelete);
        if (total > 0)
        {
            logger.LogDebug("Pruned {Rows} change log rows up to change {Seq}", total, upTo);
        }
    }
}
