using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MySql.Data.MySqlClient;
using Npgsql;
using Placement.Api.Database;

namespace Placement.Api.Tests.Database;

/// <summary>
/// The change log the allocation-candidates cache reads: every change it must learn of is logged, whoever writes it, and
/// seqs come in commit order with no gaps, so a reader that sees head = N has every change up to N and none above.
/// </summary>
public class ChangeLogTests
{
    private static readonly string[] LoggedTables =
        ["resource_providers", "inventories", "resource_provider_traits", "resource_provider_aggregates", "allocations",
            "resource_classes", "traits", "placement_aggregates"];

    private static readonly string[] Operations = ["insert", "update", "delete"];

    /// <summary>What the change log adds to a database, as <see cref="TestDatabase.ChangeLogObjects"/> lists it.</summary>
    internal static List<string> ExpectedObjects(string backend)
    {
        var objects = new List<string> { "table change_log", "table change_log_counters", "index change_log_seq_idx ON change_log" };
        objects.AddRange(
            from table in LoggedTables
            from operation in Operations
            select $"trigger change_log_v1_{table}_{operation} ON {table}");
        objects.AddRange(backend switch
        {
            "sqlite" => ["index sqlite_autoindex_change_log_counters_1 ON change_log_counters"],
            "postgresql" =>
            [
                "index change_log_pkey ON change_log", "index change_log_counters_pkey ON change_log_counters", "sequence change_log_id_seq",
                "function change_log_v1_allocation", "function change_log_v1_provider_row", "function change_log_v1_row", "function change_log_v1_seq",
            ],
            // Its providers' seq is taken before the row goes in (see the script).
            _ => ["index PRIMARY ON change_log", "index PRIMARY ON change_log_counters", "trigger change_log_v1_resource_providers_seq ON resource_providers"],
        });
        return objects.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Each statement, run on its own, and what it must log ("KIND ROW_ID [RESOURCE_CLASS_ID USED_DELTA]").</summary>
    private static readonly (string Sql, string[] Logged)[] Changes =
    [
        ("INSERT INTO resource_providers (id, uuid, name, generation) VALUES (1, 'rp-1', 'one', 0)", ["1 1"]),
        ("INSERT INTO resource_providers (id, uuid, name, generation, root_provider_id, parent_provider_id) VALUES (2, 'rp-2', 'two', 0, 1, 1)", ["1 2"]),
        ("UPDATE resource_providers SET root_provider_id = 1 WHERE id = 1", ["1 1"]),
        // Every allocation write bumps generations, and no candidate depends on a name.
        ("UPDATE resource_providers SET generation = generation + 1, name = name || '-renamed'", []),
        ("UPDATE resource_providers SET parent_provider_id = NULL, root_provider_id = 2 WHERE id = 2", ["1 2"]),
        ("UPDATE resource_providers SET uuid = 'rp-1b' WHERE id = 1", ["1 1"]),
        ("INSERT INTO inventories (id, resource_provider_id, resource_class_id, total, reserved, min_unit, max_unit, step_size, allocation_ratio) "
            + "VALUES (1, 1, 0, 8, 0, 1, 8, 1, 16.0)", ["1 1"]),
        ("UPDATE inventories SET total = 16", ["1 1"]),
        ("UPDATE inventories SET resource_provider_id = 2", ["1 2", "1 1"]),
        ("DELETE FROM inventories", ["1 2"]),
        ("INSERT INTO traits (id, name) VALUES (100000, 'CUSTOM_FAST')", ["4 100000"]),
        ("UPDATE traits SET name = 'CUSTOM_FASTER' WHERE id = 100000", ["4 100000"]),
        ("INSERT INTO resource_provider_traits (trait_id, resource_provider_id) VALUES (100000, 1)", ["1 1"]),
        ("UPDATE resource_provider_traits SET resource_provider_id = 2", ["1 2", "1 1"]),
        ("DELETE FROM resource_provider_traits", ["1 2"]),
        ("DELETE FROM traits WHERE id = 100000", ["4 100000"]),
        ("INSERT INTO placement_aggregates (id, uuid) VALUES (1, 'agg-1')", ["5 1"]),
        ("UPDATE placement_aggregates SET uuid = 'agg-1b'", ["5 1"]),
        ("INSERT INTO resource_provider_aggregates (resource_provider_id, aggregate_id) VALUES (1, 1)", ["1 1"]),
        ("UPDATE resource_provider_aggregates SET resource_provider_id = 2", ["1 2", "1 1"]),
        ("DELETE FROM resource_provider_aggregates", ["1 2"]),
        ("DELETE FROM placement_aggregates", ["5 1"]),
        ("INSERT INTO resource_classes (id, name) VALUES (10000, 'CUSTOM_GOLD')", ["3 10000"]),
        ("UPDATE resource_classes SET name = 'CUSTOM_SILVER' WHERE id = 10000", ["3 10000"]),
        ("INSERT INTO allocations (id, resource_provider_id, consumer_id, resource_class_id, used) "
            + "VALUES (1, 1, 'c-1', 0, 2), (2, 1, 'c-1', 10000, 512)", ["2 1 0 2", "2 1 10000 512"]),
        ("UPDATE allocations SET used = 3 WHERE id = 1", ["2 1 0 -2", "2 1 0 3"]),
        ("UPDATE allocations SET resource_provider_id = 2 WHERE id = 2", ["2 1 10000 -512", "2 2 10000 512"]),
        ("DELETE FROM allocations", ["2 1 0 -3", "2 2 10000 -512"]),
        ("DELETE FROM resource_classes WHERE id = 10000", ["3 10000"]),
        // Consumers, projects and users are no candidate's concern.
        ("INSERT INTO projects (id, external_id) VALUES (1, 'project')", []),
        ("INSERT INTO users (id, external_id) VALUES (1, 'user')", []),
        ("INSERT INTO consumers (id, uuid, project_id, user_id, generation) VALUES (1, 'c-1', 1, 1, 0)", []),
        ("UPDATE consumers SET generation = 1", []),
        // Upstream's delete clears a root first: InnoDB refuses to delete a row that references itself.
        ("UPDATE resource_providers SET root_provider_id = NULL", ["1 1", "1 2"]),
        ("DELETE FROM resource_providers", ["1 1", "1 2"]),
    ];

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public async Task EachChangeIsLoggedWithWhatChangedAndHeadIsItsLastSeq(string backend)
    {
        using var db = new TestDatabase(backend);
        await db.Schema.SyncAsync();
        var head = Head(db);

        foreach (var (sql, expected) in Changes)
        {
            db.Execute(sql);

            var logged = LoggedAfter(db, head);
            Assert.True(expected.Order(StringComparer.Ordinal).SequenceEqual(logged.Select(l => l.Change).Order(StringComparer.Ordinal)),
                $"{sql}\nlogged: [{string.Join(", ", logged.Select(l => l.Change))}]\nexpected: [{string.Join(", ", expected)}]");
            // One seq per row, or on PostgreSQL one per transaction; none skipped.
            var seqs = backend == "postgresql"
                ? expected.Select(_ => head + 1)
                : expected.Select((_, i) => head + 1 + i);
            Assert.Equal(seqs, logged.Select(l => l.Seq));
            head = logged.Count == 0 ? head : logged[^1].Seq;
            Assert.Equal(head, Head(db));
        }
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public async Task ConcurrentWritersGetGaplessSeqsInTheOrderTheyCommit(string backend)
    {
        using var db = new TestDatabase(backend);
        await db.Schema.SyncAsync();
        var start = Head(db);
        const int writers = 4, transactions = 10;

        await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(() =>
        {
            using var connection = db.OpenPlainConnection();
            for (var t = 0; t < transactions; t++)
            {
                using var transaction = connection.BeginTransaction();
                Execute(connection, transaction, $"INSERT INTO traits (name) VALUES ('CUSTOM_W{writer}_T{t:D2}_A')");
                Execute(connection, transaction, $"INSERT INTO traits (name) VALUES ('CUSTOM_W{writer}_T{t:D2}_B')");
                transaction.Commit();
            }
        })));

        var logged = TraitSeqs(db, start);
        Assert.Equal(writers * transactions * 2, logged.Count);
        var byTransaction = logged.GroupBy(l => l.Trait[..^2]).ToDictionary(g => g.Key, g => g.Select(l => l.Seq).Order().ToList());
        foreach (var seqs in byTransaction.Values)
        {
            // A transaction's rows are not interleaved with another's: the counter's lock keeps writers apart.
            Assert.Equal(backend == "postgresql" ? seqs[0] : seqs[0] + 1, seqs[1]);
        }

        var distinct = logged.Select(l => l.Seq).Distinct().Order().ToList();
        Assert.Equal(Enumerable.Range(1, distinct.Count).Select(i => start + i), distinct);
        Assert.Equal(distinct[^1], Head(db));
        for (var writer = 0; writer < writers; writer++)
        {
            var inCommitOrder = Enumerable.Range(0, transactions).Select(t => byTransaction[$"CUSTOM_W{writer}_T{t:D2}"][0]).ToList();
            Assert.Equal(inCommitOrder.Order(), inCommitOrder);
        }
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public async Task ARolledBackWriterLeavesNoGap(string backend)
    {
        using var db = new TestDatabase(backend);
        await db.Schema.SyncAsync();
        var head = Head(db);

        using (var connection = db.OpenPlainConnection())
        using (var transaction = connection.BeginTransaction())
        {
            Execute(connection, transaction, "INSERT INTO traits (name) VALUES ('CUSTOM_ROLLED_BACK')");
            transaction.Rollback();
        }

        db.Execute("INSERT INTO traits (name) VALUES ('CUSTOM_KEPT')");

        Assert.Equal([(head + 1, "CUSTOM_KEPT")], TraitSeqs(db, head));
        Assert.Equal(head + 1, Head(db));
    }

    /// <summary>
    /// PostgreSQL's triggers are deferred to commit: writers do not wait for each other while they work, and the one
    /// that commits first takes the first seq.
    /// </summary>
    [PostgresqlFact]
    public async Task OnPostgresqlWritersWorkSideBySideAndTakeSeqsInCommitOrder()
    {
        using var db = new TestDatabase("postgresql");
        await db.Schema.SyncAsync();
        var start = Head(db);
        using var first = db.OpenPlainConnection();
        using var second = db.OpenPlainConnection();
        using var firstTransaction = first.BeginTransaction();
        Execute(first, firstTransaction, "INSERT INTO traits (name) VALUES ('CUSTOM_FIRST')");
        using var secondTransaction = second.BeginTransaction();
        Execute(second, secondTransaction, "INSERT INTO traits (name) VALUES ('CUSTOM_SECOND')");

        Assert.Equal(start, Head(db));
        secondTransaction.Commit();
        Assert.Equal([(start + 1, "CUSTOM_SECOND")], TraitSeqs(db, start));
        firstTransaction.Commit();
        Assert.Equal([(start + 1, "CUSTOM_SECOND"), (start + 2, "CUSTOM_FIRST")], TraitSeqs(db, start));
        Assert.Equal(start + 2, Head(db));
    }

    /// <summary>MySQL has no deferred triggers: a writer takes the counter at its first logged change, and the next waits.</summary>
    [MysqlFact]
    public async Task OnMysqlASecondWriterWaitsForTheFirstToCommitAndComesNext()
    {
        using var db = new TestDatabase("mysql");
        await db.Schema.SyncAsync();
        var start = Head(db);
        using var first = db.OpenPlainConnection();
        using var second = db.OpenPlainConnection();
        using var firstTransaction = first.BeginTransaction();
        Execute(first, firstTransaction, "INSERT INTO traits (name) VALUES ('CUSTOM_FIRST')");
        using var secondTransaction = second.BeginTransaction();

        var secondWrite = Task.Run(() => Execute(second, secondTransaction, "INSERT INTO traits (name) VALUES ('CUSTOM_SECOND')"));
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.False(secondWrite.IsCompleted, "the second writer logged a change before the first committed");
        // A reader meanwhile sees neither: head and the log stay where they were.
        Assert.Equal(start, Head(db));
        Assert.Empty(TraitSeqs(db, start));
        firstTransaction.Commit();
        await secondWrite.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([(start + 1, "CUSTOM_FIRST")], TraitSeqs(db, start));
        secondTransaction.Commit();
        Assert.Equal([(start + 1, "CUSTOM_FIRST"), (start + 2, "CUSTOM_SECOND")], TraitSeqs(db, start));
        Assert.Equal(start + 2, Head(db));
    }

    /// <summary>
    /// An allocation writer holds the counter from its first allocation row, then bumps its provider's generation.
    /// A child created under that provider meanwhile, or its first traits set, must wait for the counter before the
    /// insert's foreign key check locks the provider, or the two deadlock.
    /// </summary>
    [MysqlFact]
    public Task OnMysqlAChildCreatedWhileTheParentIsAllocatedDoesNotDeadlock() => InsertBesideAnAllocationWriteAsync(
        "INSERT INTO resource_providers (uuid, name, generation, parent_provider_id, root_provider_id) VALUES ('9f1a2b3c-0000-4000-8000-000000000002', 'child', 0, {0}, {0})");

    /// <inheritdoc cref="OnMysqlAChildCreatedWhileTheParentIsAllocatedDoesNotDeadlock"/>
    [MysqlFact]
    public Task OnMysqlTraitsSetWhileTheProviderIsAllocatedDoNotDeadlock() => InsertBesideAnAllocationWriteAsync(
        "INSERT INTO resource_provider_traits (resource_provider_id, trait_id) SELECT {0}, id FROM traits WHERE name = 'HW_CPU_X86_AVX2'");

    /// <summary>Re-parenting updates the provider row itself: the store takes the counter before it, as an insert does.</summary>
    [MysqlFact]
    public async Task OnMysqlAProviderMovedWhileItIsAllocatedDoesNotDeadlock()
    {
        using var db = new TestDatabase("mysql");
        await db.Schema.SyncAsync();
        await using var context = db.CreateContext();
        var store = new Placement.Api.ResourceProviders.ResourceProviderStore(context);
        var moved = await store.CreateAsync("9f1a2b3c-0000-4000-8000-000000000001", "moved", null, CancellationToken.None);
        await store.CreateAsync("9f1a2b3c-0000-4000-8000-000000000002", "parent", null, CancellationToken.None);
        var provider = await context.ResourceProviders.SingleAsync(p => p.Id == moved.Id);

        var result = await WriteBesideAnAllocationWriterAsync(db, moved.Id,
            () => store.UpdateAsync(provider, "moved", setParent: true, "9f1a2b3c-0000-4000-8000-000000000002", allowReparenting: true, CancellationToken.None),
            $"UPDATE resource_providers SET generation = generation + 1 WHERE id = {moved.Id}");

        Assert.Equal("9f1a2b3c-0000-4000-8000-000000000002", result.ParentProviderUuid);
    }

    /// <summary>Deleting a provider with nothing on it updates its row first: the store takes the counter before it.</summary>
    [MysqlFact]
    public async Task OnMysqlAProviderDeletedWhileAnAllocationWriterBumpsItDoesNotDeadlock()
    {
        using var db = new TestDatabase("mysql");
        await db.Schema.SyncAsync();
        await using var context = db.CreateContext();
        var store = new Placement.Api.ResourceProviders.ResourceProviderStore(context);
        var deleted = await store.CreateAsync("9f1a2b3c-0000-4000-8000-000000000001", "deleted", null, CancellationToken.None);
        var allocated = await store.CreateAsync("9f1a2b3c-0000-4000-8000-000000000002", "allocated", null, CancellationToken.None);

        await WriteBesideAnAllocationWriterAsync(db, allocated.Id,
            async () => { await store.DeleteAsync(deleted.Uuid, CancellationToken.None); return 0; },
            $"UPDATE resource_providers SET generation = generation + 1 WHERE id = {deleted.Id}");

        Assert.Equal(["allocated"], db.Query("SELECT name FROM resource_providers"));
    }

    /// <summary>
    /// Deleting a trait locks its row, which a provider's traits set meanwhile checks its foreign key on: the store
    /// takes the counter first, and then sees the trait in use.
    /// </summary>
    [MysqlFact]
    public async Task OnMysqlATraitDeletedWhileItIsBeingSetDoesNotDeadlock()
    {
        using var db = new TestDatabase("mysql");
        await db.Schema.SyncAsync();
        await using var context = db.CreateContext();
        var provider = await new Placement.Api.ResourceProviders.ResourceProviderStore(context)
            .CreateAsync("9f1a2b3c-0000-4000-8000-000000000001", "provider", null, CancellationToken.None);
        var trait = (await Placement.Api.Traits.TraitStore.TryCreateAsync(context, "CUSTOM_DOOMED", CancellationToken.None))!;

        var deleted = await WriteBesideAnAllocationWriterAsync(db, provider.Id,
            () => Placement.Api.Traits.TraitStore.TryDeleteAsync(context, trait, CancellationToken.None),
            $"INSERT INTO resource_provider_traits (resource_provider_id, trait_id) VALUES ({provider.Id}, {trait.Id})");

        Assert.False(deleted);
        Assert.Equal(["CUSTOM_DOOMED"], db.Query("SELECT name FROM traits WHERE name = 'CUSTOM_DOOMED'"));
    }

    /// <summary>
    /// An allocation writer takes the counter with an allocation on <paramref name="allocatedProvider"/>; meanwhile
    /// <paramref name="write"/> starts; then the allocation writer runs <paramref name="allocatorNext"/> and commits.
    /// The write must finish, not deadlock.
    /// </summary>
    private static async Task<T> WriteBesideAnAllocationWriterAsync<T>(TestDatabase db, int allocatedProvider, Func<Task<T>> write, string allocatorNext)
    {
        using var allocator = db.OpenPlainConnection();
        using var allocation = allocator.BeginTransaction();
        Execute(allocator, allocation, $"INSERT INTO allocations (resource_provider_id, consumer_id, resource_class_id, used) VALUES ({allocatedProvider}, 'c', 0, 1)");

        var written = Task.Run(write);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Execute(allocator, allocation, allocatorNext);
        allocation.Commit();

        return await written.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static async Task InsertBesideAnAllocationWriteAsync(string insert)
    {
        using var db = new TestDatabase("mysql");
        await db.Schema.SyncAsync();
        db.Execute("INSERT INTO resource_providers (uuid, name, generation) VALUES ('9f1a2b3c-0000-4000-8000-000000000001', 'parent', 0)");
        var provider = db.Query("SELECT id FROM resource_providers WHERE name = 'parent'").Single();
        db.Execute($"UPDATE resource_providers SET root_provider_id = id WHERE id = {provider}");
        using var allocator = db.OpenPlainConnection();
        using var other = db.OpenPlainConnection();
        using var allocation = allocator.BeginTransaction();
        Execute(allocator, allocation, $"INSERT INTO allocations (resource_provider_id, consumer_id, resource_class_id, used) VALUES ({provider}, 'c', 0, 1)");
        using var otherTransaction = other.BeginTransaction();
        var otherInsert = Task.Run(() => Execute(other, otherTransaction, string.Format(CultureInfo.InvariantCulture, insert, provider)));
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        Execute(allocator, allocation, $"UPDATE resource_providers SET generation = generation + 1 WHERE id = {provider}");
        allocation.Commit();
        await otherInsert.WaitAsync(TimeSpan.FromSeconds(30));
        otherTransaction.Commit();
    }

    [PostgresqlFact]
    public async Task OnPostgresqlATransactionTakesOneSeqAndWhatARolledBackSavepointUndidIsNotLogged()
    {
        using var db = new TestDatabase("postgresql");
        await db.Schema.SyncAsync();
        var head = Head(db);

        using (var connection = db.OpenPlainConnection())
        using (var transaction = connection.BeginTransaction())
        {
            Execute(connection, transaction, "SAVEPOINT before_a");
            Execute(connection, transaction, "INSERT INTO traits (name) VALUES ('CUSTOM_A')");
            Execute(connection, transaction, "ROLLBACK TO SAVEPOINT before_a");
            Execute(connection, transaction, "INSERT INTO traits (name) VALUES ('CUSTOM_B')");
            Execute(connection, transaction, "SAVEPOINT before_c");
            Execute(connection, transaction, "INSERT INTO traits (name) VALUES ('CUSTOM_C')");
            Execute(connection, transaction, "RELEASE SAVEPOINT before_c");
            transaction.Commit();
        }

        db.Execute("INSERT INTO traits (name) VALUES ('CUSTOM_D')");

        Assert.Equal([(head + 1, "CUSTOM_B"), (head + 1, "CUSTOM_C"), (head + 2, "CUSTOM_D")], TraitSeqs(db, head));
        Assert.Equal(head + 2, Head(db));
    }

    [UpstreamTheory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public async Task UpstreamsWritesAreLoggedAndTheIdsItReadsBackAreItsRows(string backend)
    {
        using var db = new TestDatabase(backend);
        await db.Schema.SyncAsync();
        var head = Head(db);

        var written = await UpstreamPlacement.StartAndWriteAsync(db.Url);

        var provider = db.Query($"SELECT id FROM resource_providers WHERE uuid = '{UpstreamPlacement.WrittenProviderUuid}'").Single();
        // Triggers insert into change_log while upstream inserts: RETURNING and lastrowid must still give upstream its own rows.
        Assert.Equal(provider, written.GetProperty("provider_id").GetInt32().ToString(CultureInfo.InvariantCulture));
        Assert.Equal([provider], db.Query("SELECT root_provider_id FROM resource_providers"));
        if (backend != "postgresql")
        {
            // psycopg2's lastrowid is an OID, which upstream never reads back on PostgreSQL.
            Assert.Equal(db.Query("SELECT id FROM allocations"),
                written.GetProperty("allocation_ids").EnumerateArray().Select(id => id.GetInt32().ToString(CultureInfo.InvariantCulture)));
        }

        // The provider's insert, its root set to itself, its inventory; then the allocation (generation bumps log nothing).
        Assert.Equal([$"1 {provider}", $"1 {provider}", $"1 {provider}", $"2 {provider} 0 2"], LoggedAfter(db, head).Select(l => l.Change));
        Assert.Equal(LoggedAfter(db, head)[^1].Seq, Head(db));
    }

    [UpstreamTheory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public async Task StartWithoutSyncInstallsTheLogOnADatabaseUpstreamCreated(string backend)
    {
        using var db = new TestDatabase(backend);
        await UpstreamPlacement.SyncAsync(db.Url);
        Assert.Empty(db.ChangeLogObjects());

        await db.Schema.EnsureReadyAsync();

        Assert.Equal(ExpectedObjects(backend), db.ChangeLogObjects());
        Assert.Equal(["0"], db.Query("SELECT value FROM change_log_counters WHERE name = 'pruned'"));
        // The standard data the start added came after the log: it is in it.
        Assert.Equal(db.Query("SELECT count(*) FROM traits"), db.Query("SELECT count(*) FROM change_log WHERE kind = 4"));
        Assert.Equal(LoggedAfter(db, 0)[^1].Seq, Head(db));
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public async Task AStartDropsTriggersOfAnotherVersionRestoresMissingOnesAndKeepsTheCounters(string backend)
    {
        using var db = new TestDatabase(backend);
        await db.Schema.SyncAsync();
        db.Execute("UPDATE change_log_counters SET value = 41 WHERE name = 'head'");
        db.Execute("UPDATE change_log_counters SET value = 40 WHERE name = 'pruned'");
        db.Execute("DELETE FROM change_log");
        foreach (var sql in backend switch
        {
            "sqlite" => ["CREATE TRIGGER change_log_v0_traits AFTER INSERT ON traits BEGIN SELECT 1; END", "DROP TRIGGER change_log_v1_traits_insert"],
            "postgresql" =>
            [
                "CREATE FUNCTION change_log_v0() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$",
                "CREATE TRIGGER change_log_v0_traits AFTER INSERT ON traits FOR EACH ROW EXECUTE FUNCTION change_log_v0()",
                "DROP TRIGGER change_log_v1_traits_insert ON traits",
            ],
            _ => new[] { "CREATE TRIGGER change_log_v0_traits AFTER INSERT ON traits FOR EACH ROW DO 0", "DROP TRIGGER change_log_v1_traits_insert" },
        })
        {
            db.Execute(sql);
        }

        await db.Schema.EnsureReadyAsync();

        Assert.Equal(ExpectedObjects(backend).Where(o => o.StartsWith("trigger ", StringComparison.Ordinal)),
            db.ChangeLogObjects().Where(o => o.StartsWith("trigger ", StringComparison.Ordinal)));
        Assert.Equal(["head 41", "pruned 40"], db.Query("SELECT name || ' ' || value FROM change_log_counters ORDER BY name"));
        db.Execute("INSERT INTO traits (name) VALUES ('CUSTOM_AFTER')");
        Assert.Equal([(42L, "CUSTOM_AFTER")], TraitSeqs(db, 41));
    }

    [PostgresqlFact]
    public async Task OnPostgresqlAUserWhoMayNotCreateTriggersIsToldSoAndNothingIsLeftBehind()
    {
        using var db = new TestDatabase("postgresql");
        await db.Schema.SyncAsync();
        // A database as upstream leaves it, and a user that may read, write and create, but not add triggers to its tables.
        db.Execute("DROP FUNCTION change_log_v1_seq, change_log_v1_row, change_log_v1_provider_row, change_log_v1_allocation CASCADE");
        db.Execute("DROP TABLE change_log, change_log_counters");
        var user = $"limited_{Guid.NewGuid():N}"[..24];
        db.Execute($"CREATE ROLE {user} LOGIN PASSWORD 'secret'");
        try
        {
            db.Execute($"GRANT CREATE ON SCHEMA public TO {user}");
            db.Execute($"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {user}");
            db.Execute($"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {user}");

            var error = await EnsureReadyAsAsync(db, user);

            Assert.Contains("cannot install the change log", error.Message);
            Assert.Contains("permission denied", error.Message);
            Assert.Contains("TRIGGER privilege", error.Message);
            Assert.Empty(db.ChangeLogObjects());
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            db.Execute($"DROP OWNED BY {user}");
            db.Execute($"DROP ROLE {user}");
        }
    }

    [MysqlFact]
    public async Task OnMysqlAUserWhoMayNotCreateTriggersIsToldWhatToGrant()
    {
        using var db = new TestDatabase("mysql");
        var database = db.Url[(db.Url.LastIndexOf('/') + 1)..];
        var user = $"limited_{Guid.NewGuid():N}"[..24];
        db.Execute($"CREATE USER '{user}'@'%' IDENTIFIED BY 'secret'");
        try
        {
            db.Execute($"GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER, REFERENCES, LOCK TABLES ON {database}.* TO '{user}'@'%'");

            var error = await EnsureReadyAsAsync(db, user, sync: true);

            Assert.Contains("cannot install the change log", error.Message);
            Assert.Contains("TRIGGER command denied", error.Message);
            Assert.Contains("GRANT TRIGGER", error.Message);
            Assert.Contains("log_bin_trust_function_creators", error.Message);
        }
        finally
        {
            MySqlConnection.ClearAllPools();
            db.Execute($"DROP USER '{user}'@'%'");
        }
    }

    /// <summary>The schema step (a start, or a sync) of a server that connects as <paramref name="user"/>; it must fail.</summary>
    private static async Task<DatabaseSchemaException> EnsureReadyAsAsync(TestDatabase db, string user, bool sync = false)
    {
        var url = db.Url.Replace("://placement:placement@", $"://{user}:secret@", StringComparison.Ordinal);
        await using var services = new ServiceCollection().AddLogging().AddPlacementDatabase(DatabaseUrl.Parse(url)).BuildServiceProvider();
        var schema = services.GetRequiredService<SchemaManager>();
        return await Assert.ThrowsAsync<DatabaseSchemaException>(() => sync ? schema.SyncAsync() : schema.EnsureReadyAsync());
    }

    private static long Head(TestDatabase db) =>
        long.Parse(db.Query("SELECT value FROM change_log_counters WHERE name = 'head'").Single(), CultureInfo.InvariantCulture);

    /// <summary>The log after <paramref name="seq"/>, in order: each change as "KIND ROW_ID [RESOURCE_CLASS_ID USED_DELTA]".</summary>
    private static List<(long Seq, string Change)> LoggedAfter(TestDatabase db, long seq) => db
        .Query("SELECT seq || ' ' || kind || ' ' || row_id || coalesce(' ' || resource_class_id || ' ' || used_delta, '') "
            + $"FROM change_log WHERE seq > {seq} ORDER BY seq, id")
        .Select(line => line.Split(' ', 2))
        .Select(parts => (long.Parse(parts[0], CultureInfo.InvariantCulture), parts[1]))
        .ToList();

    /// <summary>The traits logged after <paramref name="seq"/>, with their seqs, in seq (then name) order.</summary>
    private static List<(long Seq, string Trait)> TraitSeqs(TestDatabase db, long seq) => db
        .Query($"SELECT c.seq || ' ' || t.name FROM change_log c JOIN traits t ON t.id = c.row_id WHERE c.kind = 4 AND c.seq > {seq} ORDER BY c.seq, t.name")
        .Select(line => line.Split(' ', 2))
        .Select(parts => (long.Parse(parts[0], CultureInfo.InvariantCulture), parts[1]))
        .ToList();

    private static void Execute(DbConnection connection, DbTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
