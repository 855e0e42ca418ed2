using Microsoft.EntityFrameworkCore;
using Placement.Api.Database;
using Placement.Api.Database.Entities;

namespace Placement.Api.Tests.Database;

/// <summary>Two writers creating the same row at once (two replicas' first claims for one project).</summary>
public class DuplicateEntryTests
{
    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public async Task TheSecondWriterLearnsTheRowExistsAndItsTransactionGoesOn(string backend)
    {
        using var database = new TestDatabase(backend);
        await database.Schema.SyncAsync();
        await using var first = database.CreateContext();
        await using var second = database.CreateContext();

        await using var firstTransaction = await first.Database.BeginTransactionAsync();
        Assert.True(await DuplicateEntry.TryInsertAsync(first, new Project { ExternalId = "p1" }, default));
        var secondWriter = Task.Run(async () =>
        {
            await using var transaction = await second.Database.BeginTransactionAsync();
            // Read before the insert, as "find it, else create it" does (on MySQL this would fix a
            // repeatable-read snapshot without the winner's row).
            await second.Projects.AnyAsync(p => p.ExternalId == "p1");
            var inserted = await DuplicateEntry.TryInsertAsync(second, new Project { ExternalId = "p1" }, default);
            var id = await second.Projects.Where(p => p.ExternalId == "p1").Select(p => p.Id).SingleAsync();
            second.Users.Add(new User { ExternalId = "u1" });
            await second.SaveChangesAsync();
            await transaction.CommitAsync();
            return (inserted, id);
        });
        await Task.Delay(300); // the second writer now waits for the first one's row (PostgreSQL) or lock (SQLite)
        await firstTransaction.CommitAsync();
        var (secondInserted, secondSeesId) = await secondWriter;

        Assert.False(secondInserted);
        Assert.Equal(["1"], database.Query("SELECT count(*) FROM projects"));
        Assert.Equal(database.Query("SELECT id FROM projects")[0], secondSeesId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["u1"], database.Query("SELECT external_id FROM users"));
    }
}
