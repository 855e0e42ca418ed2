using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using MySql.Data.MySqlClient;
using Npgsql;

namespace Placement.Api.Database;

/// <summary>
/// Installs the change log of Database/Schema/BACKEND-change-log.sql: two tables of ours beside upstream's and triggers on
/// upstream's tables that record every change the allocation-candidates cache must learn of, whichever process makes it
/// (this server, another replica, upstream Placement). Idempotent; a start that finds it all in place only reads the catalog.
/// </summary>
internal sealed partial class ChangeLogSchema
{
    /// <summary>
    /// Every trigger of ours, of any version, starts so: a trigger by that name that the script does not create is a
    /// leftover of another version, and goes.
    /// </summary>
    private const string TriggerPrefix = "change_log_";

    private readonly DatabaseProvider _provider;
    private readonly ILogger _logger;

    /// <summary>The script's tables, counter rows and functions, each statement safe to run again.</summary>
    private readonly List<string> _setup = [];

    /// <summary>The script's triggers by name: created only where missing, as CREATE TRIGGER cannot be run again.</summary>
    private readonly Dictionary<string, string> _triggers = new(StringComparer.Ordinal);

    public ChangeLogSchema(DatabaseProvider provider, ILogger logger)
    {
        _provider = provider;
        _logger = logger;
        var script = SchemaManager.ReadScript($"{SchemaDialect.For(provider).ScriptPrefix}-change-log.sql");
        foreach (var statement in StatementSeparator().Split(script).Where(s => !string.IsNullOrWhiteSpace(s)))
        {
            if (TriggerName().Match(statement) is { Success: true } trigger)
            {
                _triggers.Add(trigger.Groups[1].Value, statement);
            }
            else
            {
                _setup.Add(statement);
            }
        }
    }

    /// <summary>
    /// Creates what is missing (tables, counter rows that are missing, functions, triggers) and drops triggers of other
    /// versions; counter values already there are kept. Runs in the caller's schema turn.
    /// </summary>
    /// <exception cref="DatabaseSchemaException">The database user may not create triggers.</exception>
    public async Task InstallAsync(PlacementDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            var present = await db.Database.SqlQueryRaw<CatalogEntry>(CatalogSql).ToListAsync(cancellationToken);
            var triggers = present.Where(e => e.Kind == "trigger").ToList();
            var stale = triggers.Where(t => !_triggers.ContainsKey(t.Name)).ToList();
            var missing = _triggers.Keys.Except(triggers.Select(t => t.Name)).ToList();
            if (stale.Count == 0 && missing.Count == 0 && present.Count(e => e.Kind == "table") == 2
                && await db.Database.SqlQueryRaw<long>(CountersSql).SingleAsync(cancellationToken) == 2)
            {
                return;
            }

            _logger.LogInformation("Installing the change log: {Missing} triggers to create, {Stale} of another version to drop",
                missing.Count, stale.Count);
            foreach (var statement in _setup)
            {
                await db.Database.ExecuteSqlRawAsync(statement, cancellationToken);
            }

            foreach (var trigger in stale)
            {
                await db.Database.ExecuteSqlRawAsync(DropTriggerSql(trigger), cancellationToken);
            }

            foreach (var name in missing)
            {
                await db.Database.ExecuteSqlRawAsync(_triggers[name], cancellationToken);
            }
        }
        catch (DbException e) when (IsMissingPrivilege(e))
        {
            throw new DatabaseSchemaException($"cannot install the change log (tables and triggers that tell the allocation-candidates "
                + $"cache what changed): {e.Message}; {PrivilegeAdvice}", e);
        }
    }

    /// <summary>Our tables and every trigger named like ours, in the current database or schema.</summary>
    private string CatalogSql => _provider switch
    {
        DatabaseProvider.Sqlite => """
            SELECT type AS "Kind", name AS "Name", tbl_name AS "Table" FROM sqlite_master
            WHERE (type = 'trigger' AND name LIKE 'change!_log!_%' ESCAPE '!') OR (type = 'table' AND name IN ('change_log', 'change_log_counters'))
            """,
        DatabaseProvider.Postgresql => """
            SELECT 'trigger' AS "Kind", t.tgname::text AS "Name", c.relname::text AS "Table"
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND NOT t.tgisinternal AND t.tgname LIKE 'change!_log!_%' ESCAPE '!'
            UNION ALL
            SELECT 'table', table_name::text, table_name::text FROM information_schema.tables
            WHERE table_schema = current_schema() AND table_name IN ('change_log', 'change_log_counters')
            """,
        _ => """
            SELECT 'trigger' AS `Kind`, trigger_name AS `Name`, event_object_table AS `Table` FROM information_schema.triggers
            WHERE trigger_schema = DATABASE() AND trigger_name LIKE 'change!_log!_%' ESCAPE '!'
            UNION ALL
            SELECT 'table', table_name, table_name FROM information_schema.tables
            WHERE table_schema = DATABASE() AND table_name IN ('change_log', 'change_log_counters')
            """,
    };

    private string CountersSql => _provider == DatabaseProvider.Mysql
        ? "SELECT count(*) AS `Value` FROM change_log_counters WHERE name IN ('head', 'pruned')"
        : "SELECT count(*) AS \"Value\" FROM change_log_counters WHERE name IN ('head', 'pruned')";

    private string DropTriggerSql(CatalogEntry trigger) => _provider switch
    {
        DatabaseProvider.Postgresql => $"DROP TRIGGER \"{trigger.Name}\" ON \"{trigger.Table}\"",
        DatabaseProvider.Mysql => $"DROP TRIGGER `{trigger.Name}`",
        _ => $"DROP TRIGGER \"{trigger.Name}\"",
    };

    private string PrivilegeAdvice => _provider == DatabaseProvider.Mysql
        ? "the database user needs the TRIGGER privilege on Placement's database (GRANT TRIGGER ON DB.* TO USER); "
            + "with binary logging on, MySQL also needs SUPER or log_bin_trust_function_creators = 1"
        : "the database user needs the TRIGGER privilege on Placement's tables (their owner has it) and CREATE on the schema";

    private static bool IsMissingPrivilege(DbException error) => error switch
    {
        PostgresException e => e.SqlState == PostgresErrorCodes.InsufficientPrivilege,
        MySqlException e => e.Number is (int)MySqlErrorCode.TableAccessDenied or (int)MySqlErrorCode.DatabaseAccessDenied
            or (int)MySqlErrorCode.SpecifiedAccessDeniedError or (int)MySqlErrorCode.BinLogCreateRoutineNeedSuper,
        _ => false,
    };

    /// <summary>
    /// The scripts separate statements with "-- go" lines: each statement is sent on its own, so that a trigger that exists
    /// can be skipped (a CREATE TRIGGER with a BEGIN ...; ...; END body goes whole in one command on every backend).
    /// </summary>
    [GeneratedRegex(@"^-- go\r?$\n?", RegexOptions.Multiline)]
    private static partial Regex StatementSeparator();

    [GeneratedRegex(@"^CREATE (?:CONSTRAINT )?TRIGGER (" + TriggerPrefix + @"\w+)", RegexOptions.Multiline)]
    private static partial Regex TriggerName();

    /// <summary>A row of <see cref="CatalogSql"/>: Kind is "table" or "trigger"; Table is the table a trigger is on.</summary>
    private sealed class CatalogEntry
    {
        public required string Kind { get; init; }

        public required string Name { get; init; }

        public required string Table { get; init; }
    }
}
