using Microsoft.Data.Sqlite;
using MySql.Data.MySqlClient;
using Npgsql;
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
    [InlineData("postgresql://placement:secret@db.example.org/placement")]
    [InlineData("postgresql+psycopg2://placement:secret@db.example.org:5432/placement")]
    [InlineData("postgresql+psycopg://placement:secret@db.example.org/placement")]
    [InlineData("postgres://placement:secret@db.example.org/placement")]
    public void PostgresqlUrlsAsDeploymentsWriteThem(string url)
    {
        var parsed = DatabaseUrl.Parse(url);

        Assert.Equal(DatabaseProvider.Postgresql, parsed.Provider);
        var builder = new NpgsqlConnectionStringBuilder(parsed.ConnectionString);
        Assert.Equal(("db.example.org", 5432, "placement", "secret", "placement"),
            (builder.Host, builder.Port, builder.Username, builder.Password, builder.Database));
        Assert.True(builder.Pooling);
        Assert.Equal(55, builder.MaxPoolSize);
    }

    [Fact]
    public void PostgresqlUrlCredentialsArePercentDecodedAndIpv6HostsUnbracketed()
    {
        var builder = new NpgsqlConnectionStringBuilder(
            DatabaseUrl.Parse("postgresql://pl%40ce:p%40ss%3Aw%2Fd@[2001:db8::1]:6432/my%20db").ConnectionString);

        Assert.Equal(("2001:db8::1", 6432, "pl@ce", "p@ss:w/d", "my db"),
            (builder.Host, builder.Port, builder.Username, builder.Password, builder.Database));
    }

    [Fact]
    public void PostgresqlQueryOptionsAreMapped()
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseUrl.Parse(
            "postgresql+psycopg2://placement:pw@/placement?host=/run/postgresql&sslmode=verify-full&sslrootcert=/etc/ca.pem"
            + "&connect_timeout=7&application_name=placement+api&target_session_attrs=read-write").ConnectionString);

        Assert.Equal("/run/postgresql", builder.Host);
        Assert.Equal(SslMode.VerifyFull, builder.SslMode);
        Assert.Equal("/etc/ca.pem", builder.RootCertificate);
        Assert.Equal(7, builder.Timeout);
        Assert.Equal("placement api", builder.ApplicationName);
        Assert.Equal("read-write", builder.TargetSessionAttributes);
    }

    [Fact]
    public void APostgresqlUrlWithoutHostUsesTheLocalSocketAsLibpqDoes() =>
        Assert.Equal("/var/run/postgresql", new NpgsqlConnectionStringBuilder(DatabaseUrl.Parse("postgresql:///placement").ConnectionString).Host);

    [Theory]
    [InlineData("mysql+pymysql://placement:secret@db.example.org/placement?charset=utf8")]
    [InlineData("mysql://placement:secret@db.example.org:3306/placement")]
    [InlineData("mysql+mysqldb://placement:secret@db.example.org/placement?charset=utf8mb4")]
    [InlineData("mariadb+pymysql://placement:secret@db.example.org/placement")]
    public void MysqlUrlsAsDeploymentsWriteThem(string url)
    {
        var parsed = DatabaseUrl.Parse(url);

        Assert.Equal(DatabaseProvider.Mysql, parsed.Provider);
        var builder = new MySqlConnectionStringBuilder(parsed.ConnectionString);
        Assert.Equal(("db.example.org", 3306u, "placement", "secret", "placement"),
            (builder.Server, builder.Port, builder.UserID, builder.Password, builder.Database));
        Assert.Equal(55u, builder.MaximumPoolSize);
        Assert.Equal("utf8mb4", builder.CharacterSet);
    }

    [Fact]
    public void MysqlQueryOptionsAreMapped()
    {
        var builder = new MySqlConnectionStringBuilder(DatabaseUrl.Parse(
            "mysql+pymysql://placement:p%40ss@/placement?unix_socket=/run/mysqld/mysqld.sock&ssl_ca=/etc/ca.pem&connect_timeout=5").ConnectionString);

        Assert.Equal("/run/mysqld/mysqld.sock", builder.Server);
        Assert.Equal(MySqlConnectionProtocol.UnixSocket, builder.ConnectionProtocol);
        Assert.Equal("p@ss", builder.Password);
        Assert.Equal("/etc/ca.pem", builder.SslCa);
        Assert.Equal(MySqlSslMode.VerifyCA, builder.SslMode);
        Assert.Equal(5u, builder.ConnectionTimeout);
    }

    [Theory]
    [InlineData("charset=utf8&ssl_ca=/etc/ca.pem", MySqlSslMode.VerifyCA)]
    [InlineData("charset=utf8&ssl_verify_cert=true&ssl_ca=/etc/ca.pem", MySqlSslMode.VerifyCA)]
    [InlineData("charset=utf8&ssl_verify_cert=false", MySqlSslMode.Required)]
    [InlineData("ssl_check_hostname=true&ssl_ca=/etc/ca.pem", MySqlSslMode.VerifyFull)]
    [InlineData("ssl_ca=/etc/ca.pem&ssl_verify_identity=1", MySqlSslMode.VerifyFull)]
    [InlineData("ssl_ca=/etc/ca.pem&ssl_check_hostname=false", MySqlSslMode.VerifyCA)]
    public void MysqlTlsOptionsAsDeploymentsWriteThem(string query, MySqlSslMode mode)
    {
        var builder = new MySqlConnectionStringBuilder(DatabaseUrl.Parse($"mysql+pymysql://placement:secret@galera/placement?{query}").ConnectionString);

        Assert.Equal(mode, builder.SslMode);
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
    [InlineData("postgresql+asyncpg://u:secret@db/x", "unknown PostgreSQL driver 'asyncpg'")]
    [InlineData("postgresql://u:secret@db", "names no database")]
    [InlineData("postgresql://u:secret@db:port/x", "'port' in the database URL must be a positive integer")]
    [InlineData("postgresql://u:secret@db/x?sslmode=sometimes", "'sslmode' in the database URL must be")]
    [InlineData("postgresql://u:secret@db/x?charset=utf8", "unsupported option 'charset'")]
    [InlineData("postgresql://u:secret@db/x?connect_timeout=-1", "'connect_timeout' in the database URL must be a positive integer")]
    [InlineData("postgresql://u:secret@[::1/x", "unclosed '['")]
    [InlineData("mysql+aiomysql://u:secret@db/x", "unknown MySQL driver 'aiomysql'")]
    [InlineData("mysql+pymysql://u:secret@db/x?charset=latin1", "'charset' in the database URL must be utf8")]
    [InlineData("mysql+pymysql://u:secret@db/x?read_default_file=/etc/my.cnf", "unsupported option 'read_default_file'")]
    [InlineData("mysql+pymysql://u:secret@db/x?ssl_verify_cert=maybe", "'ssl_verify_cert' in the database URL must be true or false")]
    [InlineData("mysql://u:secret@db", "names no database")]
    public void MalformedUrlsAreRejectedWithTheReason(string url, string reason)
    {
        var error = Assert.Throws<DatabaseUrlException>(() => DatabaseUrl.Parse(url));

        Assert.Contains(reason, error.Message);
        Assert.DoesNotContain("secret", error.Message);
    }

    [Fact]
    public void OsloDbPoolOptionsSizeTheConnectionPools()
    {
        var pool = new DatabasePool(MaxPoolSize: 10, MaxOverflow: 2, PoolTimeoutSeconds: 7, ConnectionRecycleSeconds: -1);

        var postgresql = new NpgsqlConnectionStringBuilder(DatabaseUrl.Parse("postgresql://p:s@db/placement", pool).ConnectionString);
        var mysql = new MySqlConnectionStringBuilder(DatabaseUrl.Parse("mysql+pymysql://p:s@db/placement", pool).ConnectionString);

        Assert.Equal((12, 7, 0), (postgresql.MaxPoolSize, postgresql.Timeout, postgresql.ConnectionLifetime));
        Assert.Equal((12u, 7u, 0u), (mysql.MaximumPoolSize, mysql.ConnectionTimeout, mysql.ConnectionLifeTime));
        Assert.Equal(3600, new NpgsqlConnectionStringBuilder(DatabaseUrl.Parse("postgresql://p:s@db/placement").ConnectionString).ConnectionLifetime);
    }
}
