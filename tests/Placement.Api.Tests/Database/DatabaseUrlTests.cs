using Microsoft.Data.Sqlite;
using Placement.Api.Database;

namespace Placement.Api.Tests.Database;

public class DatabaseUrlTests
{
    [Theory]
    [InlineData("sqlite:////var/lib/placement/placement.db", "/var/lib/placement/placement.db")]
    [InlineData("sqlite:///placement.db", "placement.db")]
    [InlineData("sqlite:///data/placement.db", "data/placement.db")]
    [InlineData("sqlite+pysqlite:////tmp/p.db", "/tmp/p.db")]
    [InlineData("SQLite:////tmp/p.db", "/tmp/p.db")]
    public void SqliteFileUrlsBecomeAFileConnection(string url, string file)
    {
        var parsed = DatabaseUrl.Parse(url);

        Assert.Equal(DatabaseProvider.Sqlite, parsed.Provider);
        Assert.False(parsed.IsInMemory);
        var builder = new SqliteConnectionStringBuilder(parsed.ConnectionString);
        Assert.Equal(file, builder.DataSource);
        Assert.Equal(SqliteOpenMode.ReadWriteCreate, builder.Mode);
        Assert.True(builder.Pooling);
    }

    [Theory]
    [InlineData("sqlite://")]
    [InlineData("sqlite:///")]
    [InlineData("sqlite:///:memory:")]
    public void SqliteMemoryUrlsBecomeASharedInMemoryDatabase(string url)
    {
        var parsed = DatabaseUrl.Parse(url);

        Assert.True(parsed.IsInMemory);
        var builder = new SqliteConnectionStringBuilder(parsed.ConnectionString);
        Assert.Equal(SqliteOpenMode.Memory, builder.Mode);
        Assert.Equal(SqliteCacheMode.Shared, builder.Cache);
    }

    [Fact]
    public void EachInMemoryUrlIsItsOwnDatabase() =>
        Assert.NotEqual(DatabaseUrl.Parse("sqlite://").ConnectionString, DatabaseUrl.Parse("sqlite://").ConnectionString);

    [Theory]
    [InlineData("postgresql://placement:secret@db/placement", "PostgreSQL")]
    [InlineData("postgresql+psycopg2://placement:secret@db/placement", "PostgreSQL")]
    [InlineData("mysql+pymysql://placement:secret@db/placement", "MySQL/MariaDB")]
    [InlineData("mysql://placement:secret@db/placement", "MySQL/MariaDB")]
    public void PlannedBackendsAreRejectedAsNotSupportedYet(string url, string backend)
    {
        var error = Assert.Throws<DatabaseUrlException>(() => DatabaseUrl.Parse(url));

        Assert.Contains(backend, error.Message);
        Assert.Contains("not supported yet", error.Message);
        Assert.DoesNotContain("secret", error.Message);
    }

    [Theory]
    [InlineData("", "dialect://")]
    [InlineData("/var/lib/placement.db", "dialect://")]
    [InlineData("sqlite:/tmp/p.db", "dialect://")]
    [InlineData("://x", "dialect://")]
    [InlineData("oracle://u:secret@db/x", "unknown database dialect 'oracle'")]
    [InlineData("sqlite+aiosqlite:////tmp/p.db", "unknown SQLite driver 'aiosqlite'")]
    [InlineData("sqlite://localhost/p.db", "no host")]
    [InlineData("sqlite:////tmp/p.db?timeout=5", "query parameters")]
    [InlineData("sqlite:////tmp/", "directory")]
    public void MalformedUrlsAreRejectedWithTheReason(string url, string reason)
    {
        var error = Assert.Throws<DatabaseUrlException>(() => DatabaseUrl.Parse(url));

        Assert.Contains(reason, error.Message);
        Assert.DoesNotContain("secret", error.Message);
    }
}
