using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Placement.Api.Database;

namespace Placement.Api.Tests.Database;

/// <summary>An SQLite file in a fresh temporary directory, with the services AddPlacementDatabase registers.</summary>
internal sealed class TestDatabase : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("placement-db-").FullName;

    public TestDatabase()
    {
        Path = System.IO.Path.Combine(_directory, "placement.db");
        Services = Connect();
    }

    public string Path { get; }

    public ServiceProvider Services { get; }

    public SchemaManager Schema => Services.GetRequiredService<SchemaManager>();

    /// <summary>Another, independent set of services on the same file, as a second server process would have.</summary>
    public ServiceProvider Connect() =>
        new ServiceCollection().AddLogging().AddPlacementDatabase(DatabaseUrl.Parse($"sqlite:///{Path}")).BuildServiceProvider();

    public PlacementDbContext CreateContext() =>
        Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<PlacementDbContext>>().CreateDbContext();

    /// <summary>
    /// sqlite_master, what `sqlite3 DB .schema` prints, sorted: upstream's migration that rebuilds
    /// consumers recreates its indexes in an order that varies from run to run.
    /// </summary>
    public IReadOnlyList<string> SchemaDump() =>
        Query("SELECT type || ' ' || name || ' ' || tbl_name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name");

    /// <summary>Runs a query on a plain connection (no EF, no conversions) and returns the first column as text.</summary>
    public IReadOnlyList<string> Query(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.IsDBNull(0) ? "NULL" : reader.GetString(0));
        }

        return values;
    }

    public void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        Services.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
