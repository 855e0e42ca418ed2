using System.Globalization;
using Placement.Api.Configuration;

namespace Placement.Api.Auth.Keystone;

/// <summary>
/// The <c>[keystone_authtoken]</c> options this service reads (keystonemiddleware's names and defaults),
/// from the config file or <c>OS_KEYSTONE_AUTHTOKEN__*</c> variables. Only the <c>password</c> auth type is supported.
/// </summary>
public sealed record KeystoneSettings
{
    public const string Group = "keystone_authtoken";

    /// <summary>Where clients are told to authenticate (the <c>WWW-Authenticate</c> header of a 401).</summary>
    public required string WwwAuthenticateUri { get; init; }

    /// <summary>The identity v3 API the service validates tokens with, e.g. <c>http://keystone:5000/v3</c>.</summary>
    public required Uri IdentityV3 { get; init; }

    public required ServiceCredentials Credentials { get; init; }

    /// <summary>memcached servers (<c>host:port</c>); empty for the in-process cache.</summary>
    public IReadOnlyList<string> MemcachedServers { get; init; } = [];

    public TimeSpan TokenCacheTime { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>How long an unreachable memcached server is left alone before it is tried again.</summary>
    public TimeSpan MemcacheDeadRetry { get; init; } = TimeSpan.FromSeconds(300);

    public TimeSpan MemcacheSocketTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Bound on connecting to Keystone; keystonemiddleware has none by default, but a hang is worse than a 503.</summary>
    public TimeSpan HttpConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Bound on a whole request to Keystone.</summary>
    public TimeSpan HttpRequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Roles that make an <c>X-Service-Token</c> a service token.</summary>
    public IReadOnlyList<string> ServiceTokenRoles { get; init; } = ["service"];

    /// <summary>When false (keystonemiddleware's default), any valid token is accepted as a service token.</summary>
    public bool ServiceTokenRolesRequired { get; init; }

    /// <summary>This service's type in the catalog (<c>placement</c>), needed to accept tokens limited by access rules.</summary>
    public string? ServiceType { get; init; }

    public static KeystoneSettings From(OsloConfig config)
    {
        var options = config.Group(Group);
        string? Get(string name) => options.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        string Require(string name) => Get(name) ?? throw new ConfigurationException(
            $"[{Group}] {name} is required with auth_strategy keystone (OS_KEYSTONE_AUTHTOKEN__{name.ToUpperInvariant()})");

        var authType = Get("auth_type") ?? Get("auth_plugin");
        if (authType != "password")
        {
            throw new ConfigurationException(
                $"[{Group}] auth_type: '{authType ?? ""}' is not supported: set it to 'password' (OS_KEYSTONE_AUTHTOKEN__AUTH_TYPE)");
        }
        var strategy = Get("memcache_security_strategy");
        if (strategy is not null && !strategy.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            throw new ConfigurationException(
                $"[{Group}] memcache_security_strategy: '{strategy}' is not supported: only None (plain token hashes as keys)");
        }
        var authUrl = Require("auth_url");
        var wwwAuthenticateUri = Get("www_authenticate_uri") ?? Get("auth_uri") ?? authUrl;
        return new KeystoneSettings
        {
            WwwAuthenticateUri = wwwAuthenticateUri,
            IdentityV3 = IdentityV3Url(authUrl),
            Credentials = new ServiceCredentials(
                Require("username"),
                Require("password"),
                Get("user_domain_id"),
                Get("user_domain_name") ?? (Get("user_domain_id") is null ? "Default" : null),
                Require("project_name"),
                Get("project_domain_id"),
                Get("project_domain_name") ?? (Get("project_domain_id") is null ? "Default" : null)),
            MemcachedServers = List(Get("memcached_servers") ?? Get("memcache_servers")),
            TokenCacheTime = Seconds(Get("token_cache_time"), "token_cache_time", 300),
            MemcacheDeadRetry = Seconds(Get("memcache_pool_dead_retry"), "memcache_pool_dead_retry", 300),
            MemcacheSocketTimeout = Seconds(Get("memcache_pool_socket_timeout"), "memcache_pool_socket_timeout", 3),
            HttpConnectTimeout = Seconds(Get("http_connect_timeout"), "http_connect_timeout", 5),
            HttpRequestTimeout = Seconds(Get("http_request_timeout"), "http_request_timeout", 10),
            ServiceTokenRoles = Get("service_token_roles") is { } roles ? List(roles) : ["service"],
            ServiceType = Get("service_type"),
            ServiceTokenRolesRequired = Get("service_token_roles_required") is { } required
                && PlacementSettings.ParseBool(required, $"[{Group}] service_token_roles_required"),
        };
    }

    /// <summary>auth_url may name the identity root or its v3 API; requests go to the v3 API.</summary>
    private static Uri IdentityV3Url(string authUrl)
    {
        if (!Uri.TryCreate(authUrl, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
        {
            throw new ConfigurationException($"[{Group}] auth_url: '{authUrl}' is not an http(s) URL");
        }
        var path = uri.AbsolutePath.TrimEnd('/');
        if (!path.EndsWith("/v3", StringComparison.Ordinal))
        {
            path += "/v3";
        }
        return new UriBuilder(uri) { Path = path + "/" }.Uri;
    }

    private static string[] List(string? value) =>
        value?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    private static TimeSpan Seconds(string? value, string name, int fallback)
    {
        if (value is null)
        {
            return TimeSpan.FromSeconds(fallback);
        }
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds < 0)
        {
            throw new ConfigurationException($"[{Group}] {name}: invalid number of seconds '{value}'");
        }
        return TimeSpan.FromSeconds(seconds);
    }
}

/// <summary>The service user the service authenticates as to validate tokens (a project-scoped password login).</summary>
public sealed record ServiceCredentials(
    string Username,
    string Password,
    string? UserDomainId,
    string? UserDomainName,
    string ProjectName,
    string? ProjectDomainId,
    string? ProjectDomainName)
{
    /// <summary>Keeps the password out of logs and exception messages.</summary>
    public override string ToString() => $"{Username} (project {ProjectName})";
}
