using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Placement.Api.Database;

namespace Placement.Api.Tests.Database;

/// <summary>Pruning the change log on each backend: what goes, what stays, and what readers are told.</summary>
public class ChangeLogPrunerTests
{
    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public async Task PruningDeletesTheChangesUpToASeqAfterSayingSo(string backend)
    {
        using var db = new TestDatabase(backend);
        await db.Schema.SyncAsync();
        foreach (var name in new[] { "CUSTOM_A", "CUSTOM_B", "CUSTOM_C" })
        {
            db.Execute($"INSERT INTO traits (name) VALUES ('{name}')");
        }
        var head = long.Parse(db.Query("SELECT value FROM change_log_counters WHERE name = 'head'").Single(), CultureInfo.InvariantCulture);
        var pruner = new ChangeLogPruner(
            db.Services.GetRequiredService<IDbContextFactory<PlacementDbContext>>(), db.Services.GetRequiredService<DatabaseUrl>(),
            db.Services.GetRequiredService<SchemaReadiness>(), NullLogger<ChangeLogPruner>.Instance);

        await pruner.PruneAsync(head - 1, CancellationToken.None);

        Assert.Equal([(head - 1).ToString(CultureInfo.InvariantCulture)], db.Query("SELECT value FROM change_log_counters WHERE name = 'pruned'"));
        Assert.Equal([head.ToString(CultureInfo.InvariantCulture)], db.Query("SELECT DISTINCT seq FROM change_log"));

        // Pruning never goes back.
        await pruner.PruneAsync(1, CancellationToken.None);
        Assert.Equal([(head - 1).ToString(CultureInfo.InvariantCulture)], db.Query("SELECT value FROM change_log_counters WHERE name = 'pruned'"));
    }

    [Fact]
    public void ChangesAreKeptForTenMinutesAndAHeadThatWentBackForgetsTheHeadsBeforeIt()
    {
        using var db = new TestDatabase();
        var pruner = new ChangeLogPruner(
            db.Services.GetRequiredService<IDbContextFactory<PlacementDbContext>>(), db.Services.GetRequiredService<DatabaseUrl>(),
            db.Services.GetRequiredService<SchemaReadiness>(), NullLogger<ChangeLogPruner>.Instance);
        var start = new DateTime(2026, 12, 8, 0, 0, 0, DateTimeKind.Utc);

        Assert.Null(pruner.NoteHead(start, 100));
        Assert.Null(pruner.NoteHead(start.AddMinutes(5), 200));
        Assert.Equal(100, pruner.NoteHead(start.AddMinutes(10), 300));

        // Failed over to a replica that lacks the last commits: its seqs from 51 on are new changes.
        Assert.Null(pruner.NoteHead(start.AddMinutes(16), 50));
        Assert.Null(pruner.NoteHead(start.AddMinutes(20), 60));
        Assert.Equal(50, pruner.NoteHead(start.AddMinutes(26), 70));
    }
}
