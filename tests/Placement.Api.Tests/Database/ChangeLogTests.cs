using System.Globalization;

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
            _ => ["index PRIMARY ON change_log", "index PRIMARY ON change_log_counters"],
        });
        return objects.Order(StringComparer.Ordinal).ToList();
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
}
