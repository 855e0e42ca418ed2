using Microsoft.EntityFrameworkCore;
using Placement.Api.Database;
using Placement.Api.Database.Entities;

namespace Placement.Api.Tests.Database;

/// <summary>EF Core's bulk deletes (ExecuteDelete), which every store uses, on every backend (MariaDB 10.11 included).</summary>
public class BulkDeleteTests
{
    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public async Task ABulkDeleteRemovesExactlyTheRowsItNames(string backend)
    {
        using var database = new TestDatabase(backend);
        await database.Schema.SyncAsync();
        await using var db = database.CreateContext();
        db.Traits.AddRange(new Trait { Name = "CUSTOM_GONE_1" }, new Trait { Name = "CUSTOM_GONE_2" }, new Trait { Name = "CUSTOM_KEPT" });
        await db.SaveChangesAsync();

        var deleted = await db.Traits.Where(t => t.Name.StartsWith("CUSTOM_GONE")).ExecuteDeleteAsync();

        Assert.Equal(2, deleted);
        Assert.Equal(["CUSTOM_KEPT"], database.Query("SELECT name FROM traits WHERE name LIKE 'CUSTOM%'"));
    }

    [Theory]
    [InlineData("DELETE FROM `allocations` AS `a`\nWHERE `a`.`consumer_id` = @p", "DELETE `a` FROM `allocations` AS `a`\nWHERE `a`.`consumer_id` = @p")]
    [InlineData("DELETE FROM `traits` AS `t` WHERE FALSE", "DELETE `t` FROM `traits` AS `t` WHERE FALSE")]
    [InlineData("DELETE FROM `traits` WHERE `id` = @p", "DELETE FROM `traits` WHERE `id` = @p")]
    [InlineData("SELECT 'DELETE FROM `t` AS `a`'", "SELECT 'DELETE FROM `t` AS `a`'")]
    public void MysqlsAliasedDeleteIsSentInTheFormMariadbReads(string sql, string sent) =>
        Assert.Equal(sent, MysqlDeleteSyntax.Rewrite(sql));
}
