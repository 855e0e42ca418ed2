using System.Globalization;
using Microsoft.Data.Sqlite;
using MySql.Data.MySqlClient;
using Npgsql;

namespace Placement.Api.Database;

/// <summary>The database backends the server can talk to.</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgresql,
    Mysql,
}

/// <summary>
/// The <c>[placement_database] connection</c> option: an SQLAlchemy URL as upstream accepts it,
/// turned into an ADO.NET connection string.
/// </summary>
/// <remarks>
/// SQLAlchemy's forms for SQLite: <c>sqlite:////abs/path.db</c> (absolute), <c>sqlite:///rel/path.db</c>
/// (relative to the working directory), <c>sqlite://</c>, <c>sqlite:///</c> and <c>sqlite:///:memory:</c> (in memory).
/// PostgreSQL: <c>postgresql[+psycopg2|+psycopg|+pg8000]://user:password@host:port/database?option=value</c>, user and
/// password percent-encoded; the libpq options deployments use are mapped (<see cref="PostgresqlOptions"/>), any other
/// is rejected rather than silently ignored. MySQL/MariaDB: <c>mysql[+pymysql|+mysqldb|+mysqlconnector]://user:password@host:port/database?charset=utf8</c>,
/// PyMySQL's options mapped the same way (<see cref="MysqlOptions"/>).
/// </remarks>
public sealed record DatabaseUrl(DatabaseProvider Provider, string ConnectionString, bool IsInMemory)
{
    private static readonly string[] SqliteDrivers = ["pysqlite"];

    private static readonly string[] PostgresqlDrivers = ["psycopg2", "psycopg", "pg8000"];

    private static readonly string[] MysqlDrivers = ["pymysql", "mysqldb", "mysqlconnector"];

    /// <summary>libpq options in a postgresql:// URL's query string, and what each sets on the Npgsql connection.</summary>
    private static readonly Dictionary<string, Action<NpgsqlConnectionStringBuilder, string>> PostgresqlOptions = new()
    {
        ["host"] = (b, v) => b.Host = v, // a unix socket directory, e.g. ?host=/var/run/postgresql
        ["port"] = (b, v) => b.Port = PositiveInteger("port", v),
        ["sslmode"] = (b, v) => b.SslMode = SslModeFromLibpq(v),
        ["sslrootcert"] = (b, v) => b.RootCertificate = v,
        ["sslcert"] = (b, v) => b.SslCertificate = v,
        ["sslkey"] = (b, v) => b.SslKey = v,
        ["connect_timeout"] = (b, v) => b.Timeout = PositiveInteger("connect_timeout", v),
        ["application_name"] = (b, v) => b.ApplicationName = v,
        ["client_encoding"] = (b, v) => b.ClientEncoding = v,
        ["target_session_attrs"] = (b, v) => b.TargetSessionAttributes = v,
    };

    /// <summary>PyMySQL's connect arguments in a mysql:// URL's query string, and what each sets on the MySql.Data connection.</summary>
    private static readonly Dictionary<string, Action<MySqlConnectionStringBuilder, string>> MysqlOptions = new()
    {
        // The connection always talks utf8mb4 (set in ParseMysql), which holds every utf8 text; the tables keep upstream's charset.
        ["charset"] = (_, v) => RequireUtf8(v),
        ["unix_socket"] = (b, v) => (b.Server, b.ConnectionProtocol) = (v, MySqlConnectionProtocol.UnixSocket),
        ["connect_timeout"] = (b, v) => b.ConnectionTimeout = (uint)PositiveInteger("connect_timeout", v),
        ["ssl_ca"] = (b, v) => (b.SslCa, b.SslMode) = (v, Stricter(b.SslMode, MySqlSslMode.VerifyCA)),
        ["ssl_cert"] = (b, v) => b.SslCert = v,
        ["ssl_key"] = (b, v) => b.SslKey = v,
        // As OpenStack-Ansible writes them for TLS to Galera: false encrypts without checking the certificate.
        ["ssl_verify_cert"] = (b, v) => b.SslMode = Flag("ssl_verify_cert", v) ? Stricter(b.SslMode, MySqlSslMode.VerifyCA) : MySqlSslMode.Required,
        ["ssl_check_hostname"] = (b, v) => b.SslMode = Flag("ssl_check_hostname", v) ? MySqlSslMode.VerifyFull : b.SslMode,
        ["ssl_verify_identity"] = (b, v) => b.SslMode = Flag("ssl_verify_identity", v) ? MySqlSslMode.VerifyFull : b.SslMode,
    };

    /// <exception cref="DatabaseUrlException">The URL is malformed or names a backend this server does not support.</exception>
    /// <param name="pool">oslo.db's pool options (<see cref="DatabasePool.Default"/> when null); SQLite needs none.</param>
    public static DatabaseUrl Parse(string url, DatabasePool? pool = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            throw new DatabaseUrlException("the database URL must look like dialect://..., e.g. sqlite:////var/lib/placement/placement.db");
        }

        // SQLAlchemy's scheme is dialect[+driver]; the driver is a Python module, irrelevant to us.
        var scheme = url[..schemeEnd].ToLowerInvariant();
        var plus = scheme.IndexOf('+', StringComparison.Ordinal);
        var dialect = plus < 0 ? scheme : scheme[..plus];
        var driver = plus < 0 ? null : scheme[(plus + 1)..];
        var rest = url[(schemeEnd + 3)..];

        if (dialect == "sqlite")
        {
            if (driver is not null && !SqliteDrivers.Contains(driver))
            {
                throw new DatabaseUrlException($"unknown SQLite driver '{driver}' in the database URL; use sqlite:// or sqlite+pysqlite://");
            }

            return ParseSqlite(rest);
        }

        if (dialect is "postgresql" or "postgres")
        {
            if (driver is not null && !PostgresqlDrivers.Contains(driver))
            {
                throw new DatabaseUrlException(
                    $"unknown PostgreSQL driver '{driver}' in the database URL; use postgresql:// or postgresql+psycopg2://");
            }

            return ParsePostgresql(rest, pool ?? DatabasePool.Default);
        }

        if (dialect is "mysql" or "mariadb")
        {
            if (driver is not null && !MysqlDrivers.Contains(driver))
            {
                throw new DatabaseUrlException($"unknown MySQL driver '{driver}' in the database URL; use mysql:// or mysql+pymysql://");
            }

            return ParseMysql(rest, pool ?? DatabasePool.Default);
        }

        // Never echo the whole URL: other dialects carry passwords.
        throw new DatabaseUrlException($"unknown database dialect '{dialect}' in the database URL; use sqlite://, postgresql:// or mysql://");
    }

    private static DatabaseUrl ParseSqlite(string rest)
    {
        if (rest.Contains('?', StringComparison.Ordinal))
        {
            throw new DatabaseUrlException("query parameters (?...) in an sqlite:// database URL are not supported");
        }

        if (rest.Length > 0 && rest[0] != '/')
        {
            throw new DatabaseUrlException(
                "an sqlite:// database URL has no host: use sqlite:////absolute/path.db or sqlite:///relative/path.db");
        }

        var path = rest.Length == 0 ? "" : rest[1..];
        if (path is "" or ":memory:")
        {
            // Private in-memory databases are per connection; a named shared-cache one is what every
            // pooled connection of this process sees (kept alive by InMemoryDatabaseKeeper).
            var memory = new SqliteConnectionStringBuilder
            {
                DataSource = $"placement-{Guid.NewGuid():N}",
                Mode = SqliteOpenMode.Memory,
                Cache = SqliteCacheMode.Shared,
                ForeignKeys = true,
                DefaultTimeout = BusyTimeoutSeconds,
            };
            return new DatabaseUrl(DatabaseProvider.Sqlite, memory.ToString(), IsInMemory: true);
        }

        if (path.EndsWith('/'))
        {
            throw new DatabaseUrlException($"the sqlite:// database URL names a directory ('{path}'), not a database file");
        }

        var file = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = BusyTimeoutSeconds,
        };
        return new DatabaseUrl(DatabaseProvider.Sqlite, file.ToString(), IsInMemory: false);
    }

    private static DatabaseUrl ParsePostgresql(string rest, DatabasePool pool)
    {
        var url = ServerUrl.Split(rest, "postgresql");
        var builder = new NpgsqlConnectionStringBuilder
        {
            // oslo.db's pool: the same ceiling of connections, wait for one and lifetime.
            MaxPoolSize = pool.MaxConnections,
            Timeout = pool.PoolTimeoutSeconds,
            ConnectionLifetime = pool.ConnectionLifetimeSeconds,
            CommandTimeout = 30,
            // A connection that died with the server (restart, failover) is found before it is handed out again.
            KeepAlive = 30,
            Database = url.Database,
        };
        if (url.User is not null)
        {
            builder.Username = url.User;
        }

        builder.Password = url.Password;
        if (url.Host.Length > 0)
        {
            builder.Host = url.Host;
        }

        if (url.Port is not null)
        {
            builder.Port = PositiveInteger("port", url.Port);
        }

        ApplyOptions(builder, url.Options, PostgresqlOptions, "postgresql");
        if (string.IsNullOrEmpty(builder.Host))
        {
            // libpq's default: the local unix socket.
            builder.Host = "/var/run/postgresql";
        }

        return new DatabaseUrl(DatabaseProvider.Postgresql, builder.ConnectionString, IsInMemory: false);
    }

    private static DatabaseUrl ParseMysql(string rest, DatabasePool pool)
    {
        var url = ServerUrl.Split(rest, "mysql");
        var builder = new MySqlConnectionStringBuilder
        {
            // As for PostgreSQL: oslo.db's pool, and bounded waits. No Keepalive: MySql.Data
            // sets it with a Windows-only socket call (every open fails on Linux), and its pool pings an
            // idle connection before handing it out, which finds one that died with the server.
            MaximumPoolSize = (uint)pool.MaxConnections,
            ConnectionTimeout = (uint)pool.PoolTimeoutSeconds,
            ConnectionLifeTime = (uint)pool.ConnectionLifetimeSeconds,
            DefaultCommandTimeout = 30,
            CharacterSet = "utf8mb4",
            Database = url.Database,
            // PyMySQL's default host.
            Server = url.Host.Length > 0 ? url.Host : "localhost",
            UserID = url.User ?? "",
            Password = url.Password ?? "",
        };
        if (url.Port is not null)
        {
            builder.Port = (uint)PositiveInteger("port", url.Port);
        }

        ApplyOptions(builder, url.Options, MysqlOptions, "mysql");
        return new DatabaseUrl(DatabaseProvider.Mysql, builder.ConnectionString, IsInMemory: false);
    }

    private static void ApplyOptions<TBuilder>(
        TBuilder builder, IEnumerable<(string Name, string Value)> options, Dictionary<string, Action<TBuilder, string>> known, string scheme)
    {
        foreach (var (name, value) in options)
        {
            if (!known.TryGetValue(name, out var apply))
            {
                throw new DatabaseUrlException(
                    $"unsupported option '{name}' in the {scheme}:// database URL; supported: {string.Join(", ", known.Keys)}");
            }

            apply(builder, value);
        }
    }

    /// <summary>SQLAlchemy's <c>[user[:password]@]host[:port]/database[?name=value&amp;...]</c>, percent-decoded.</summary>
    private sealed record ServerUrl(string? User, string? Password, string Host, string? Port, string Database, List<(string Name, string Value)> Options)
    {
        public static ServerUrl Split(string rest, string scheme)
        {
            var queryStart = rest.IndexOf('?', StringComparison.Ordinal);
            var query = queryStart < 0 ? "" : rest[(queryStart + 1)..];
            var authority = queryStart < 0 ? rest : rest[..queryStart];
            var slash = authority.IndexOf('/', StringComparison.Ordinal);
            var database = slash < 0 ? "" : Uri.UnescapeDataString(authority[(slash + 1)..]);
            authority = slash < 0 ? authority : authority[..slash];
            if (database.Length == 0)
            {
                throw new DatabaseUrlException($"the {scheme}:// database URL names no database: use {scheme}://user:password@host/database");
            }

            // The password may hold '@' only percent-encoded, so the last '@' ends the credentials.
            var at = authority.LastIndexOf('@');
            var credentials = at < 0 ? null : authority[..at];
            var colon = credentials?.IndexOf(':', StringComparison.Ordinal) ?? -1;
            var (host, port) = SplitHostPort(at < 0 ? authority : authority[(at + 1)..]);
            var options = query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
            {
                // parse_qsl: '+' is a space, then percent-decoding.
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                return (Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]),
                    equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' ')));
            }).ToList();
            return new ServerUrl(
                credentials is null ? null : Uri.UnescapeDataString(colon < 0 ? credentials : credentials[..colon]),
                colon < 0 ? null : Uri.UnescapeDataString(credentials![(colon + 1)..]),
                host, port, database, options);
        }
    }

    private static (string Host, string? Port) SplitHostPort(string hostPort)
    {
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new DatabaseUrlException("unclosed '[' around an IPv6 address in the database URL");
            }

            var after = hostPort[(close + 1)..];
            return (hostPort[1..close], after.StartsWith(':') ? after[1..] : null);
        }

        var colon = hostPort.LastIndexOf(':');
        return colon < 0 ? (hostPort, null) : (hostPort[..colon], hostPort[(colon + 1)..]);
    }

    private static int PositiveInteger(string option, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new DatabaseUrlException($"'{option}' in the database URL must be a positive integer, not '{value}'");

    private static void RequireUtf8(string charset)
    {
        if (charset is not ("utf8" or "utf8mb4" or "utf8mb3"))
        {
            throw new DatabaseUrlException($"'charset' in the database URL must be utf8 or utf8mb4, not '{charset}'");
        }
    }

    /// <summary>The stricter of two TLS modes, so that options may come in any order.</summary>
    private static MySqlSslMode Stricter(MySqlSslMode current, MySqlSslMode wanted) => current > wanted ? current : wanted;

    /// <summary>A true or false option, spelled as SQLAlchemy's asbool reads it.</summary>
    private static bool Flag(string option, string value) => value.ToLowerInvariant() switch
    {
        "true" or "yes" or "on" or "y" or "t" or "1" => true,
        "false" or "no" or "off" or "n" or "f" or "0" => false,
        _ => throw new DatabaseUrlException($"'{option}' in the database URL must be true or false, not '{value}'"),
    };

    private static SslMode SslModeFromLibpq(string value) => value switch
    {
        "disable" => SslMode.Disable,
        "allow" => SslMode.Allow,
        "prefer" => SslMode.Prefer,
        "require" => SslMode.Require,
        "verify-ca" => SslMode.VerifyCA,
        "verify-full" => SslMode.VerifyFull,
        _ => throw new DatabaseUrlException(
            $"'sslmode' in the database URL must be disable, allow, prefer, require, verify-ca or verify-full, not '{value}'"),
    };

    /// <summary>How long a statement waits for another connection's lock before failing.</summary>
    internal const int BusyTimeoutSeconds = 30;
}

/// <summary>The <c>[placement_database] connection</c> URL is malformed or names an unsupported backend.</summary>
public sealed class DatabaseUrlException(string message) : Exception(message);
