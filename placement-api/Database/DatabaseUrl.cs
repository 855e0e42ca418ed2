using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Placement.Api.Database;

/// <summary>The database backends the server can talk to.</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgresql,
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
/// is rejected rather than silently ignored.
/// </remarks>
public sealed record DatabaseUrl(DatabaseProvider Provider, string ConnectionString, bool IsInMemory)
{
    /// <summary>Dialects upstream supports that this server does not support yet.</summary>
    private static readonly Dictionary<string, string> PlannedDialects = new()
    {
        ["mysql"] = "MySQL/MariaDB",
        ["mariadb"] = "MySQL/MariaDB",
    };

    private static readonly string[] SqliteDrivers = ["pysqlite"];

    private static readonly string[] PostgresqlDrivers = ["psycopg2", "psycopg", "pg8000"];

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

    /// <exception cref="DatabaseUrlException">The URL is malformed or names a backend this server does not support.</exception>
    public static DatabaseUrl Parse(string url)
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

            return ParsePostgresql(rest);
        }

        if (PlannedDialects.TryGetValue(dialect, out var backend))
        {
            throw new DatabaseUrlException($"database backend {backend} ({dialect}://) is not supported yet; only sqlite:// and postgresql:// URLs are supported");
        }

        // Never echo the whole URL: other dialects carry passwords.
        throw new DatabaseUrlException($"unknown database dialect '{dialect}' in the database URL; use sqlite:// or postgresql://");
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

    private static DatabaseUrl ParsePostgresql(string rest)
    {
        var queryStart = rest.IndexOf('?', StringComparison.Ordinal);
        var query = queryStart < 0 ? "" : rest[(queryStart + 1)..];
        var authority = queryStart < 0 ? rest : rest[..queryStart];
        var slash = authority.IndexOf('/', StringComparison.Ordinal);
        var database = slash < 0 ? "" : Uri.UnescapeDataString(authority[(slash + 1)..]);
        authority = slash < 0 ? authority : authority[..slash];

        // SQLAlchemy: [user[:password]@]host[:port]; the password may hold '@' only percent-encoded.
        var at = authority.LastIndexOf('@');
        var credentials = at < 0 ? "" : authority[..at];
        var hostPort = at < 0 ? authority : authority[(at + 1)..];
        var colon = credentials.IndexOf(':', StringComparison.Ordinal);
        var builder = new NpgsqlConnectionStringBuilder
        {
            // Upstream's oslo.db keeps 5 connections and lets 50 more open under load: the same ceiling.
            MaxPoolSize = 55,
            Timeout = 15,
            CommandTimeout = 30,
            // A connection that died with the server (restart, failover) is found before it is handed out again.
            KeepAlive = 30,
        };
        if (credentials.Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(colon < 0 ? credentials : credentials[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(credentials[(colon + 1)..]);
            }
        }

        var (host, port) = SplitHostPort(hostPort);
        if (host.Length > 0)
        {
            builder.Host = host;
        }

        if (port is not null)
        {
            builder.Port = PositiveInteger("port", port);
        }

        if (database.Length == 0)
        {
            throw new DatabaseUrlException("the postgresql:// database URL names no database: use postgresql://user:password@host/database");
        }

        builder.Database = database;
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            if (!PostgresqlOptions.TryGetValue(name, out var apply))
            {
                throw new DatabaseUrlException(
                    $"unsupported option '{name}' in the postgresql:// database URL; supported: {string.Join(", ", PostgresqlOptions.Keys)}");
            }

            apply(builder, value);
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            // libpq's default: the local unix socket.
            builder.Host = "/var/run/postgresql";
        }

        return new DatabaseUrl(DatabaseProvider.Postgresql, builder.ConnectionString, IsInMemory: false);
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
