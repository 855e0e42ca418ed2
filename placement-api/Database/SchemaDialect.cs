namespace Placement.Api.Database;

/// <summary>
/// What the schema code does differently on each backend: scripts, catalog query, and the lock that
/// makes replicas take turns (taken after the transaction begins, released by the release statement
/// or, when there is none, by the transaction's end).
/// </summary>
internal sealed record SchemaDialect(string ScriptPrefix, string ListTablesSql, string? SerializeSql, string? ReleaseSql = null)
{
    /// <summary>The named lock MySQL schema syncs of this database take turns on.</summary>
    internal const string MysqlLockName = "CONCAT('placement_schema.', MD5(DATABASE()))";

    public static SchemaDialect For(DatabaseProvider provider) => provider switch
    {
        // SQLite serializes writers by itself.
        DatabaseProvider.Sqlite => new(
            "sqlite",
            "SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!'",
            null),
        // Replicas starting together must not create the schema or the standard data twice: a
        // transaction-scoped advisory lock (released at commit or rollback) makes them take turns.
        DatabaseProvider.Postgresql => new(
            "postgresql",
            "SELECT table_name::text AS \"Value\" FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
            "SELECT pg_advisory_xact_lock(7170011)"),
        // MySQL's named locks belong to the session, not the transaction (and DDL commits anyway). They are
        // server-wide, so the name carries the database's (hashed: names are at most 64 characters): syncs of
        // other databases on the same server need not wait.
        DatabaseProvider.Mysql => new(
            "mysql",
            "SELECT table_name AS `Value` FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'",
            $"SELECT GET_LOCK({MysqlLockName}, 120)",
            $"SELECT RELEASE_LOCK({MysqlLockName})"),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "no schema dialect"),
    };
}
