using System.Globalization;

namespace Placement.Api.Configuration;

public enum AuthStrategy
{
    NoAuth2,
    Keystone,
}

public enum CandidateGenerationStrategy
{
    DepthFirst,
    BreadthFirst,
}

/// <summary>CORS options of oslo.middleware's <c>[cors]</c> group.</summary>
public sealed record CorsSettings(
    IReadOnlyList<string> AllowedOrigins,
    bool AllowCredentials,
    IReadOnlyList<string> ExposeHeaders,
    int? MaxAge,
    IReadOnlyList<string> AllowMethods,
    IReadOnlyList<string> AllowHeaders);

/// <summary>
/// The typed options the service reads, with upstream's defaults. Every value is validated
/// here so a bad one stops the service at start with a message naming the option.
/// </summary>
public sealed record PlacementSettings
{
    /// <summary>Null when unset: the service refuses to start then, the db commands do not need it.</summary>
    public required AuthStrategy? AuthStrategy { get; init; }
    public required string DatabaseConnection { get; init; }
    public bool SyncOnStartup { get; init; }
    public Database.DatabasePool DatabasePool { get; init; } = Database.DatabasePool.Default;
    public string? PolicyFile { get; init; }
    public bool EnforceScope { get; init; } = true;
    public bool EnforceNewDefaults { get; init; } = true;
    public bool Debug { get; init; }
    public CorsSettings? Cors { get; init; }
    public bool RandomizeAllocationCandidates { get; init; }
    public int AllocationConflictRetryCount { get; init; } = 10;
    public int MaxAllocationCandidates { get; init; } = -1;
    public CandidateGenerationStrategy AllocationCandidatesGenerationStrategy { get; init; } = CandidateGenerationStrategy.DepthFirst;

    /// <summary>
    /// Ours, not upstream's: how long one GET /allocation_candidates may search, in seconds; past it the candidates
    /// found so far are the answer (as when max_allocation_candidates cuts it). 0 is no limit.
    /// </summary>
    public int AllocationCandidatesTimeLimit { get; init; } = DefaultAllocationCandidatesTimeLimit;

    public const int DefaultAllocationCandidatesTimeLimit = 10;
    public string IncompleteConsumerProjectId { get; init; } = "00000000-0000-0000-0000-000000000000";
    public string IncompleteConsumerUserId { get; init; } = "00000000-0000-0000-0000-000000000000";

    /// <summary>The raw configuration, for groups read by other layers (keystone_authtoken).</summary>
    public required OsloConfig Raw { get; init; }

    /// <summary>Upstream's default: a relative policy file name, resolved like oslo.config (and ignored when missing).</summary>
    public const string DefaultPolicyFile = "policy.yaml";

    /// <summary>The original container's default database.</summary>
    public const string DefaultDatabaseConnection = "sqlite:////tmp/placement.db";

    /// <param name="dbSyncEnvironment">The legacy container's <c>DB_SYNC</c> variable, if set.</param>
    public static PlacementSettings From(OsloConfig config, string? dbSyncEnvironment = null)
    {
        var reader = new Reader(config);
        var authStrategy = reader.String("api", "auth_strategy") switch
        {
            null => (AuthStrategy?)null,
            "noauth2" => Configuration.AuthStrategy.NoAuth2,
            "keystone" => Configuration.AuthStrategy.Keystone,
            var strategy =>
                throw new ConfigurationException(
                    $"[api] auth_strategy: invalid value '{strategy}': must be one of noauth2, keystone"),
        };

        var origins = reader.List("cors", "allowed_origin");
        return new PlacementSettings
        {
            Raw = config,
            AuthStrategy = authStrategy,
            DatabaseConnection = reader.String("placement_database", "connection") ?? DefaultDatabaseConnection,
            SyncOnStartup = reader.Bool("placement_database", "sync_on_startup", false)
                || (dbSyncEnvironment is not null && ParseBool(dbSyncEnvironment, "DB_SYNC")),
            DatabasePool = new Database.DatabasePool(
                reader.Int("placement_database", "max_pool_size", Database.DatabasePool.Default.MaxPoolSize, min: 1)!.Value,
                reader.Int("placement_database", "max_overflow", Database.DatabasePool.Default.MaxOverflow, min: 0)!.Value,
                reader.Int("placement_database", "pool_timeout", Database.DatabasePool.Default.PoolTimeoutSeconds, min: 1)!.Value,
                reader.Int("placement_database", "connection_recycle_time", Database.DatabasePool.Default.ConnectionRecycleSeconds, min: -1)!.Value),
            PolicyFile = reader.String("oslo_policy", "policy_file") ?? DefaultPolicyFile,
            EnforceScope = reader.Bool("oslo_policy", "enforce_scope", true),
            EnforceNewDefaults = reader.Bool("oslo_policy", "enforce_new_defaults", true),
            Debug = reader.Bool("DEFAULT", "debug", false),
            Cors = origins.Count == 0 ? null : new CorsSettings(
                origins,
                reader.Bool("cors", "allow_credentials", true),
                reader.List("cors", "expose_headers"),
                reader.Int("cors", "max_age", null, min: 0),
                reader.ListOr("cors", "allow_methods", ["GET", "PUT", "POST", "DELETE", "PATCH"]),
                reader.List("cors", "allow_headers")),
            RandomizeAllocationCandidates = reader.Bool("placement", "randomize_allocation_candidates", false),
            AllocationConflictRetryCount = reader.Int("placement", "allocation_conflict_retry_count", 10, min: 0) ?? 10,
            MaxAllocationCandidates = reader.Int("placement", "max_allocation_candidates", -1, min: -1) ?? -1,
            AllocationCandidatesGenerationStrategy = reader.String("placement", "allocation_candidates_generation_strategy") switch
            {
                null or "depth-first" => CandidateGenerationStrategy.DepthFirst,
                "breadth-first" => CandidateGenerationStrategy.BreadthFirst,
                var other => throw new ConfigurationException(
                    $"[placement] allocation_candidates_generation_strategy: invalid value '{other}': must be one of depth-first, breadth-first"),
            },
            AllocationCandidatesTimeLimit = reader.Int("placement", "allocation_candidates_time_limit", DefaultAllocationCandidatesTimeLimit, min: 0)
                ?? DefaultAllocationCandidatesTimeLimit,
            IncompleteConsumerProjectId = reader.String("placement", "incomplete_consumer_project_id")
                ?? "00000000-0000-0000-0000-000000000000",
            IncompleteConsumerUserId = reader.String("placement", "incomplete_consumer_user_id")
                ?? "00000000-0000-0000-0000-000000000000",
        };
    }

    /// <summary>The auth strategy, or the reason the service cannot start without one.</summary>
    public AuthStrategy RequireAuthStrategy() => AuthStrategy ?? throw new ConfigurationException(
        "[api] auth_strategy is not set: set OS_API__AUTH_STRATEGY to 'noauth2' or 'keystone' " +
        "(or auth_strategy in the [api] section of the config file)");

    /// <summary>oslo.config's boolean spellings.</summary>
    public static bool ParseBool(string value, string name) => value.Trim().ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        _ => throw new ConfigurationException($"{name}: invalid boolean value '{value}'"),
    };

    private sealed class Reader(OsloConfig config)
    {
        public string? String(string group, string option)
        {
            var value = config.Get(group, option);
            return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        }

        public bool Bool(string group, string option, bool fallback) =>
            String(group, option) is { } value ? ParseBool(value, Name(group, option)) : fallback;

        public int? Int(string group, string option, int? fallback, int min)
        {
            if (String(group, option) is not { } value)
            {
                return fallback;
            }
            if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                throw new ConfigurationException($"{Name(group, option)}: invalid integer value '{value}'");
            }
            if (number < min)
            {
                throw new ConfigurationException($"{Name(group, option)}: {number} is less than the minimum of {min}");
            }
            return number;
        }

        public IReadOnlyList<string> List(string group, string option) => ListOr(group, option, []);

        public IReadOnlyList<string> ListOr(string group, string option, IReadOnlyList<string> fallback) =>
            String(group, option) is { } value
                ? value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : fallback;

        private static string Name(string group, string option) => $"[{group}] {option}";
    }
}
