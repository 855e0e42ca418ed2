using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Placement.Api.Database;
using Placement.Api.Database.Entities;

namespace Placement.Api.Tests.Database;

public class SchemaManagerTests
{
    [Fact]
    public async Task SyncCreatesTheSchemaAtUpstreamsHeadWithTheStandardData()
    {
        using var db = new TestDatabase();
        Assert.Null(await db.Schema.CurrentRevisionAsync());

        await db.Schema.SyncAsync();

        Assert.Equal("a082b8bb98d0", await db.Schema.CurrentRevisionAsync());
        Assert.Equal(
            ["0 VCPU", "1 MEMORY_MB", "2 DISK_GB", "14 PCPU", "20 NET_PACKET_RATE_IGR_KILOPACKET_PER_SEC"],
            db.Query("SELECT id || ' ' || name FROM resource_classes WHERE id IN (0, 1, 2, 14, 20) ORDER BY id"));
        Assert.Equal(["21"], db.Query("SELECT count(*) FROM resource_classes"));
        Assert.Equal(["377"], db.Query("SELECT count(*) FROM traits"));
        Assert.Equal(["1"], db.Query("SELECT count(*) FROM traits WHERE name = 'HW_CPU_X86_AVX2'"));
        Assert.Equal(["journal_mode wal"], db.Query("SELECT 'journal_mode ' || journal_mode FROM pragma_journal_mode"));
    }

    [Fact]
    public async Task TimestampsAreWrittenAsSqlAlchemyWritesThem()
    {
        using var db = new TestDatabase();
        await db.Schema.SyncAsync();

        var createdAt = db.Query("SELECT created_at FROM traits UNION SELECT created_at FROM resource_classes");
        Assert.All(createdAt, text => Assert.Matches(new Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$"), text));
        Assert.Equal(["NULL"], db.Query("SELECT DISTINCT coalesce(updated_at, 'NULL') FROM traits"));
    }

    [Fact]
    public async Task TimestampsRoundTripAsUtcAndUpdatesSetUpdatedAt()
    {
        using var db = new TestDatabase();
        await db.Schema.SyncAsync();
        var before = DateTime.UtcNow.AddSeconds(-1);

        await using (var context = db.CreateContext())
        {
            context.Projects.Add(new Project { ExternalId = "p1" });
            await context.SaveChangesAsync();
        }

        await using (var context = db.CreateContext())
        {
            var project = await context.Projects.SingleAsync();
            Assert.Equal(DateTimeKind.Utc, project.CreatedAt!.Value.Kind);
            Assert.InRange(project.CreatedAt.Value, before, DateTime.UtcNow.AddSeconds(1));
            Assert.Null(project.UpdatedAt);
            project.ExternalId = "p2";
            await context.SaveChangesAsync();
        }

        await using (var context = db.CreateContext())
        {
            var project = await context.Projects.SingleAsync();
            Assert.Equal("p2", project.ExternalId);
            Assert.NotNull(project.UpdatedAt);
            Assert.Equal(db.Query("SELECT updated_at FROM projects")[0], project.UpdatedAt.Value.ToString("yyyy-MM-dd HH:mm:ss.ffffff"));
        }
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public async Task ASecondSyncChangesNothing(string backend)
    {
        using var db = new TestDatabase(backend);
        await db.Schema.SyncAsync();
        var schema = db.SchemaDump();
        var data = db.Query("SELECT id || name || created_at FROM resource_classes UNION ALL SELECT id || name || created_at FROM traits");
        var log = db.Query("SELECT name || ' ' || value FROM change_log_counters ORDER BY name").Concat(db.Query("SELECT count(*) FROM change_log")).ToList();

        await db.Schema.SyncAsync();

        Assert.Equal(schema, db.SchemaDump());
        Assert.Equal(data, db.Query("SELECT id || name || created_at FROM resource_classes UNION ALL SELECT id || name || created_at FROM traits"));
        Assert.Equal(log, db.Query("SELECT name || ' ' || value FROM change_log_counters ORDER BY name").Concat(db.Query("SELECT count(*) FROM change_log")));
        Assert.Equal(["a082b8bb98d0"], db.Query("SELECT version_num FROM alembic_version"));
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public async Task ServersSyncingAnEmptyDatabaseAtOnceCreateOneSchema(string backend)
    {
        using var db = new TestDatabase(backend);
        var others = Enumerable.Range(0, 3).Select(_ => db.Connect()).ToList();

        await Task.WhenAll(others.Select(other => Task.Run(() => other.GetRequiredService<SchemaManager>().SyncAsync())));
        others.ForEach(other => other.Dispose());

        Assert.Equal(["a082b8bb98d0"], db.Query("SELECT version_num FROM alembic_version"));
        Assert.Equal(["377"], db.Query("SELECT count(*) FROM traits"));
    }

    [MysqlFact]
    public async Task ASyncReleasesItsLockWhateverConnectionThePoolHandsOutNext()
    {
        using var db = new TestDatabase("mysql");
        // Two idle connections in the pool, so the one that took the lock is not the next one out.
        await using (var first = db.CreateContext())
        await using (var second = db.CreateContext())
        {
            await first.Database.OpenConnectionAsync();
            await second.Database.OpenConnectionAsync();
        }

        await db.Schema.SyncAsync();

        // MySQL's named locks outlive the sync with the session: one left behind would stall every other replica's sync.
        Assert.Equal(["1"], db.Query($"SELECT IS_FREE_LOCK({SchemaDialect.MysqlLockName})"));
    }

    [Fact]
    public async Task StartWithoutSyncOnAnEmptyDatabaseSaysHowToCreateTheSchema()
    {
        using var db = new TestDatabase();

        var error = await Assert.ThrowsAsync<DatabaseSchemaException>(() => db.Schema.EnsureReadyAsync());

        Assert.Contains("database schema missing", error.Message);
        Assert.Contains("sync_on_startup", error.Message);
        Assert.Empty(db.Query("SELECT name FROM sqlite_master"));
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public async Task StartWithoutSyncRestoresMissingStandardData(string backend)
    {
        using var db = new TestDatabase(backend);
        await db.Schema.SyncAsync();
        db.Execute("DELETE FROM traits WHERE name = 'COMPUTE_ACCELERATORS'; DELETE FROM resource_classes WHERE name = 'PCPU'");

        await db.Schema.EnsureReadyAsync();

        Assert.Equal(["1"], db.Query("SELECT count(*) FROM traits WHERE name = 'COMPUTE_ACCELERATORS'"));
        Assert.Equal(["14"], db.Query("SELECT id FROM resource_classes WHERE name = 'PCPU'"));
    }

    [Fact]
    public async Task AnUnknownRevisionIsRefusedByStartAndSync()
    {
        using var db = new TestDatabase();
        await db.Schema.SyncAsync();
        db.Execute("UPDATE alembic_version SET version_num = 'ffffffffffff'");

        Assert.Contains("unknown revision ffffffffffff", (await Assert.ThrowsAsync<DatabaseSchemaException>(() => db.Schema.EnsureReadyAsync())).Message);
        Assert.Contains("unknown revision ffffffffffff", (await Assert.ThrowsAsync<DatabaseSchemaException>(() => db.Schema.SyncAsync())).Message);
        Assert.Equal("ffffffffffff", await db.Schema.CurrentRevisionAsync());
    }

    [Fact]
    public async Task ADatabaseOfSomethingElseIsLeftAlone()
    {
        using var db = new TestDatabase();
        db.Execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)");

        var error = await Assert.ThrowsAsync<DatabaseSchemaException>(() => db.Schema.SyncAsync());

        Assert.Contains("customers", error.Message);
        Assert.Contains("no alembic_version", error.Message);
        Assert.Equal(["customers"], db.Query("SELECT name FROM sqlite_master"));
    }

    [Fact]
    public async Task AnInMemoryDatabaseIsSharedByAllContextsOfTheProcess()
    {
        using var services = new ServiceCollection().AddLogging().AddPlacementDatabase(DatabaseUrl.Parse("sqlite://")).BuildServiceProvider();
        await services.GetRequiredService<SchemaManager>().SyncAsync();

        using var scope = services.CreateScope();
        var context = scope.ServiceProvider.GetRequiredService<PlacementDbContext>();

        Assert.Equal(377, await context.Traits.CountAsync());
    }
}
