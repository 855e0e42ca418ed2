using Microsoft.Data.Sqlite;

namespace Placement.Api.Database;

/// <summary>
/// Holds one connection to a shared in-memory SQLite database for the life of the process:
/// SQLite drops such a database when its last connection closes.
/// </summary>
internal sealed class InMemoryDatabaseKeeper : IDisposable
{
    private readonly SqliteConnection _connection;

    public InMemoryDatabaseKeeper(DatabaseUrl url)
    {
        _connection = new SqliteConnection(url.ConnectionString);
        _connection.Open();
    }

    public void Dispose() => _connection.Dispose();
}
