using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using MySql.Data.MySqlClient;
using Npgsql;
using Placement.Api.Database;

namespace Placement.Api.Tests.Database;

/// <summary>
/// A new, empty database on one backend ("sqlite": a file in a fresh temporary directory;
/// "postgresql", "mysql": a database on the server <see cref="TestBackends"/> names), with the services
/// AddPlacementDatabase registers.
/// </summary>
internal sealed class TestDatabase : IDisposable
{
    private readonly string? _directory;
    private readonly string? _serverDatabase;

    public TestDatabase(string backend = "sqlite")
    {
        Backend = backend;
        switch (backend)
        {
            case "sqlite":
                _directory = Directory.CreateTempSubdirectory("placement-db-").FullName;
                Url = $"sqlite:///{Path.Combine(_directory, "placement.db")}";
                break;
            case "postgresql" or "mysql":
                _serverDatabase = $"test_{Guid.NewGuid():N}";
                ExecuteOnServer($"CREATE DATABASE {_serverDatabase}");
                Url = $"{TestBackends.Server(backend)}/{_serverDatabase}";
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(backend), backend, "no such test backend");
        }

        Services = Connect();
    }

    public string Backend { get; }

    /// <summary>The SQLAlchemy URL, as upstream and our server are configured with it.</summary>
    public string Url { get; }

    public ServiceProvider Services { get; }

    public SchemaManager Schema => Services.GetRequiredService<SchemaManager>();

    /// <summary>Another, independent set of services on the same database, as a second server process would have.</summary>
    public ServiceProvider Connect() =>
        new ServiceCollection().AddLogging().AddPlacementDatabase(DatabaseUrl.Parse(Url)).BuildServiceProvider();

    public PlacementDbContext CreateContext() =>
        Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<PlacementDbContext>>().CreateDbContext();

    /// <summary>
    /// The schema as the backend's own tool prints it: SQLite's sqlite_master, sorted (upstream's
    /// migration that rebuilds consumers recreates its indexes in an order that varies from run to
    /// run); PostgreSQL's pg_dump --schema-only and MySQL's mariadb-dump --no-data (in a stable order).
    /// </summary>
    public IReadOnlyList<string> SchemaDump() => Backend switch
    {
        "sqlite" => Query("SELECT type || ' ' || name || ' ' || tbl_name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name"),
        "postgresql" => PgDump(),
        _ => MariadbDump(),
    };

    /// <summary>
    /// <see cref="SchemaDump"/> less the change log of ours (its tables and their indexes, our triggers and functions):
    /// what must be byte for byte upstream's. MariaDB's dump leaves out every trigger (upstream has none);
    /// <see cref="ChangeLogObjects"/> lists them.
    /// </summary>
    public IReadOnlyList<string> UpstreamSchemaDump() => Backend switch
    {
        "sqlite" => Query("SELECT type || ' ' || name || ' ' || tbl_name || ' ' || coalesce(sql, '') FROM sqlite_master "
            + "WHERE NOT (name LIKE 'change!_log%' ESCAPE '!' OR tbl_name LIKE 'change!_log%' ESCAPE '!') ORDER BY type, name"),
        "postgresql" => WithoutChangeLogObjects(PgDump()),
        _ => MariadbDump("--skip-triggers", $"--ignore-table={_serverDatabase}.change_log", $"--ignore-table={_serverDatabase}.change_log_counters"),
    };

    /// <summary>
    /// What the change log adds to the schema, and every trigger there is: "table NAME", "index NAME ON TABLE",
    /// "trigger NAME ON TABLE", and on PostgreSQL "sequence NAME" and every "function NAME" of the schema.
    /// </summary>
    public IReadOnlyList<string> ChangeLogObjects() => Query(Backend switch
    {
        "sqlite" => """
            SELECT CASE type WHEN 'table' THEN 'table ' || name ELSE type || ' ' || name || ' ON ' || tbl_name END FROM sqlite_master
            WHERE type = 'trigger' OR name LIKE 'change!_log%' ESCAPE '!' OR tbl_name LIKE 'change!_log%' ESCAPE '!'
            """,
        "postgresql" => """
            SELECT 'table ' || tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'change!_log%' ESCAPE '!'
            UNION ALL SELECT 'index ' || indexname || ' ON ' || tablename FROM pg_indexes
                WHERE schemaname = current_schema() AND tablename LIKE 'change!_log%' ESCAPE '!'
            UNION ALL SELECT 'sequence ' || sequencename FROM pg_sequences
                WHERE schemaname = current_schema() AND sequencename LIKE 'change!_log%' ESCAPE '!'
            UNION ALL SELECT 'trigger ' || t.tgname || ' ON ' || c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace
            UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE pronamespace = current_schema()::regnamespace
            """,
        _ => """
            SELECT 'table ' || table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE 'change!_log%' ESCAPE '!'
            UNION ALL SELECT DISTINCT 'index ' || index_name || ' ON ' || table_name FROM information_schema.statistics
                WHERE table_schema = DATABASE() AND table_name LIKE 'change!_log%' ESCAPE '!'
            UNION ALL SELECT 'trigger ' || trigger_name || ' ON ' || event_object_table FROM information_schema.triggers WHERE trigger_schema = DATABASE()
            """,
    }).Order(StringComparer.Ordinal).ToList();

    /// <summary>Runs a query on a plain connection (no EF, no conversions) and returns the first column as text.</summary>
    public IReadOnlyList<string> Query(string sql)
    {
        using var connection = OpenPlainConnection();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.IsDBNull(0) ? "NULL" : Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
        }

        return values;
    }

    public void Execute(string sql)
    {
        using var connection = OpenPlainConnection();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// What a server restart does to this database's sessions: the server ends every one (PostgreSQL: 57P01
    /// admin_shutdown; MySQL: KILL), and this waits (bounded) until they are really gone. Server backends only.
    /// </summary>
    public async Task EndEverySessionAsync()
    {
        var others = Backend == "postgresql"
            ? "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            : "SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()";
        if (Backend == "postgresql")
        {
            Execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
        }
        else
        {
            foreach (var id in Query(others))
            {
                try
                {
                    Execute($"KILL {id}");
                }
                catch (MySqlException e) when (e.Number == 1094)
                {
                    // Unknown thread id: that session ended by itself in between.
                }
            }
        }

        // Ending a session only signals it.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Query(others).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        Services.Dispose();
        if (_directory is not null)
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }

        if (_serverDatabase is not null)
        {
            NpgsqlConnection.ClearAllPools();
            MySqlConnection.ClearAllPools();
            ExecuteOnServer(Backend == "postgresql"
                ? $"DROP DATABASE IF EXISTS {_serverDatabase} WITH (FORCE)"
                : $"DROP DATABASE IF EXISTS {_serverDatabase}");
        }
    }

    /// <summary>A plain connection (no EF), open, for tests that hold transactions of their own.</summary>
    public DbConnection OpenPlainConnection()
    {
        DbConnection connection = Backend switch
        {
            "sqlite" => new SqliteConnection($"Data Source={Path.Combine(_directory!, "placement.db")};Pooling=False"),
            _ => PlainServerConnection(Backend, Url),
        };
        connection.Open();
        if (connection is MySqlConnection)
        {
            // The tests' SQL is written the standard way: || concatenates, "" quotes names.
            using var mode = connection.CreateCommand();
            mode.CommandText = "SET SESSION sql_mode = CONCAT(@@sql_mode, ',PIPES_AS_CONCAT,ANSI_QUOTES')";
            mode.ExecuteNonQuery();
        }

        return connection;
    }

    private static DbConnection PlainServerConnection(string backend, string url) => backend == "postgresql"
        ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(DatabaseUrl.Parse(url).ConnectionString) { Pooling = false }.ConnectionString)
        : new MySqlConnection(new MySqlConnectionStringBuilder(DatabaseUrl.Parse(url).ConnectionString) { Pooling = false }.ConnectionString);

    private void ExecuteOnServer(string sql)
    {
        using var connection = PlainServerConnection(Backend, $"{TestBackends.Server(Backend)}/{(Backend == "postgresql" ? "postgres" : "mysql")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private List<string> MariadbDump(params string[] options)
    {
        var builder = new MySqlConnectionStringBuilder(DatabaseUrl.Parse(Url).ConnectionString);
        var output = RunDump(new ProcessStartInfo("mariadb-dump", ["--no-data", "--skip-comments", "--skip-add-drop-table", "--skip-set-charset", .. options,
            "-h", builder.Server, "-P", builder.Port.ToString(CultureInfo.InvariantCulture), "-u", builder.UserID, builder.Database])
        {
            Environment = { ["MYSQL_PWD"] = builder.Password },
        });
        // The next AUTO_INCREMENT value says how many rows were ever added, not what the schema is.
        return output.Select(line => System.Text.RegularExpressions.Regex.Replace(line, " AUTO_INCREMENT=[0-9]+", "")).ToList();
    }

    private static List<string> RunDump(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{start.FileName} failed: {error.Result}");
        return output.Split('\n').ToList();
    }

    private List<string> PgDump()
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseUrl.Parse(Url).ConnectionString);
        var output = RunDump(new ProcessStartInfo("pg_dump", ["--schema-only", "--no-owner", "--no-privileges",
            "-h", builder.Host!, "-p", builder.Port.ToString(CultureInfo.InvariantCulture), "-U", builder.Username!, builder.Database!])
        {
            Environment = { ["PGPASSWORD"] = builder.Password },
        });
        // \restrict and \unrestrict carry a random key per dump.
        return output.Where(line => !line.StartsWith("\\restrict", StringComparison.Ordinal)
            && !line.StartsWith("\\unrestrict", StringComparison.Ordinal)).ToList();
    }

    /// <summary>
    /// pg_dump's output less the objects whose "-- Name:" header names a change_log object (a table, sequence, index,
    /// constraint or function of ours, or a trigger of ours on upstream's table). Each object comes as a "--" line, its
    /// header comment, "--", its statements, and two empty lines (which none of our functions holds).
    /// </summary>
    private static List<string> WithoutChangeLogObjects(List<string> dump)
    {
        var kept = new List<string>();
        var skipping = false;
        for (var i = 0; i < dump.Count; i++)
        {
            if (dump[i] == "--" && i + 1 < dump.Count && dump[i + 1].StartsWith("-- Name: ", StringComparison.Ordinal))
            {
                skipping = dump[i + 1]["-- Name: ".Length..].Split(';')[0].Split(' ')
                    .Any(name => name.StartsWith("change_log", StringComparison.Ordinal));
            }

            if (!skipping)
            {
                kept.Add(dump[i]);
            }
            else if (dump[i].Length == 0 && dump[i - 1].Length == 0)
            {
                skipping = false;
            }
        }

        return kept;
    }
}

/// <summary>
/// The backends tests run on: SQLite always; PostgreSQL when PLACEMENT_TEST_POSTGRESQL names a
/// server, MySQL/MariaDB when PLACEMENT_TEST_MYSQL does (SCHEME://user:password@host:port, as
/// tests/databases/server start prints it).
/// </summary>
internal static class TestBackends
{
    public static string? PostgresqlServer { get; } = Environment.GetEnvironmentVariable("PLACEMENT_TEST_POSTGRESQL")?.TrimEnd('/');

    public static string? MysqlServer { get; } = Environment.GetEnvironmentVariable("PLACEMENT_TEST_MYSQL")?.TrimEnd('/');

    public static string Server(string backend) =>
        (backend == "postgresql" ? PostgresqlServer : MysqlServer) ?? throw new InvalidOperationException($"no {backend} test server");

    public static TheoryData<string> All
    {
        get
        {
            var backends = new TheoryData<string> { "sqlite" };
            if (PostgresqlServer is not null)
            {
                backends.Add("postgresql");
            }

            if (MysqlServer is not null)
            {
                backends.Add("mysql");
            }

            return backends;
        }
    }
}

/// <summary>A test of what only a database server shows; skipped, saying why, without PLACEMENT_TEST_POSTGRESQL.</summary>
internal sealed class PostgresqlFactAttribute : FactAttribute
{
    public PostgresqlFactAttribute()
    {
        if (TestBackends.PostgresqlServer is null)
        {
            Skip = "no PostgreSQL server: set PLACEMENT_TEST_POSTGRESQL (tests/run does)";
        }
    }
}

/// <summary>A test of what only MySQL/MariaDB shows; skipped, saying why, without PLACEMENT_TEST_MYSQL.</summary>
internal sealed class MysqlFactAttribute : FactAttribute
{
    public MysqlFactAttribute()
    {
        if (TestBackends.MysqlServer is null)
        {
            Skip = "no MySQL/MariaDB server: set PLACEMENT_TEST_MYSQL (tests/databases/run mariadb does)";
        }
    }
}
