namespace Placement.Api.Database;

/// <summary>
/// oslo.db's pool options of <c>[placement_database]</c>, with its defaults: <c>max_pool_size</c> connections kept
/// plus <c>max_overflow</c> more under load, <c>pool_timeout</c> seconds to wait for one (SQLAlchemy's 30 when unset),
/// and connections older than <c>connection_recycle_time</c> seconds replaced (-1: never).
/// </summary>
public sealed record DatabasePool(int MaxPoolSize, int MaxOverflow, int PoolTimeoutSeconds, int ConnectionRecycleSeconds)
{
    public static readonly DatabasePool Default = new(MaxPoolSize: 5, MaxOverflow: 50, PoolTimeoutSeconds: 30, ConnectionRecycleSeconds: 3600);

    /// <summary>The most connections one process opens: ADO.NET pools have no separate overflow.</summary>
    public int MaxConnections => MaxPoolSize + MaxOverflow;

    /// <summary>The ADO.NET connection lifetime: 0 means forever.</summary>
    public int ConnectionLifetimeSeconds => Math.Max(0, ConnectionRecycleSeconds);
}
