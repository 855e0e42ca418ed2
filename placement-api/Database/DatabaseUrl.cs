using Microsoft.Data.Sqlite;

namespace Placement.Api.Database;

/// <summary>The database backends the server can talk to.</summary>
public enum DatabaseProvider
{
    Sqlite,
}

/// <summary>
/// The <c>[placement_database] connection</c> option: an SQLAlchemy URL as upstream accepts it,
/// turned into an ADO.NET connection string.
/// </summary>
/// <remarks>
/// SQLAlchemy's forms for SQLite: <c>sqlite:////abs/path.db</c> (absolute), <c>sqlite:///rel/path.db</c>
/// (relative to the working directory), <c>sqlite://</c>, <c>sqlite:///</c> and <c>sqlite:///:memory:</c> (in memory).
/// </remarks>
public sealed record DatabaseUrl(DatabaseProvider Provider, string ConnectionString, bool IsInMemory)
{
    /// <summary>Dialects upstream supports that this server does not support yet.</summary>
    private static readonly Dictionary<string, string> PlannedDialects = new()
    {
        ["postgresql"] = "PostgreSQL",
        ["mysql"] = "MySQL/MariaDB",
        ["mariadb"] = "MySQL/MariaDB",
    };

    private static readonly string[] SqliteDrivers = ["pysqlite"];

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

        if (PlannedDialects.TryGetValue(dialect, out var backend))
        {
            throw new DatabaseUrlException($"database backend {backend} ({dialect}://) is not supported yet; only sqlite:// URLs are supported");
        }

        // Never echo the whole URL: other dialects carry passwords.
        throw new DatabaseUrlException($"unknown database dialect '{dialect}' in the database URL; only sqlite:// URLs are supported");
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

    /// <summary>How long a statement waits for another connection's lock before failing.</summary>
    internal const int BusyTimeoutSeconds = 30;
}

/// <summary>The <c>[placement_database] connection</c> URL is malformed or names an unsupported backend.</summary>
public sealed class DatabaseUrlException(string message) : Exception(message);
