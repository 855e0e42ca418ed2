using Microsoft.EntityFrameworkCore;
using Placement.Api.AllocationCandidates.Snapshots;

namespace Placement.Api.Tests.Database;

/// <summary>What every MySQL session of ours is set to, whatever the pooled connection was used for before.</summary>
public sealed class MysqlSessionTests
{
    [MysqlFact]
    public async Task StatementsOutsideATransactionReadCommittedAfterTheCandidatesCacheReadInRepeatableRead()
    {
        using var db = new TestDatabase("mysql");
        await db.Schema.SyncAsync();
        await using (var cacheRead = db.CreateContext())
        {
            await SnapshotLoader.InReadTransactionAsync(cacheRead, () => Task.FromResult(0), CancellationToken.None);
        }

        await using var next = db.CreateContext();
        Assert.Equal("READ-COMMITTED", await next.Database.SqlQueryRaw<string>("SELECT @@SESSION.tx_isolation AS Value").SingleAsync());
    }
}
