using Placement.Api.Auth.Keystone;
using Placement.Api.Configuration;

namespace Placement.Api.Tests.Auth.Keystone;

public class KeystoneSettingsTests
{
    private static readonly Dictionary<string, string> Complete = new()
    {
        ["OS_KEYSTONE_AUTHTOKEN__AUTH_TYPE"] = "password",
        ["OS_KEYSTONE_AUTHTOKEN__AUTH_URL"] = "http://keystone:5000",
        ["OS_KEYSTONE_AUTHTOKEN__WWW_AUTHENTICATE_URI"] = "https://cloud.example/identity",
        ["OS_KEYSTONE_AUTHTOKEN__USERNAME"] = "placement",
        ["OS_KEYSTONE_AUTHTOKEN__PASSWORD"] = "s3cret",
        ["OS_KEYSTONE_AUTHTOKEN__PROJECT_NAME"] = "service",
        ["OS_KEYSTONE_AUTHTOKEN__USER_DOMAIN_NAME"] = "Default",
        ["OS_KEYSTONE_AUTHTOKEN__PROJECT_DOMAIN_NAME"] = "Default",
        ["OS_KEYSTONE_AUTHTOKEN__MEMCACHED_SERVERS"] = "memcached-0:11211, memcached-1:11211",
    };

    private static KeystoneSettings From(Dictionary<string, string> environment) =>
        KeystoneSettings.From(OsloConfig.Load(null, environment));

    private static Dictionary<string, string> With(string name, string? value)
    {
        var environment = new Dictionary<string, string>(Complete);
        if (value is null)
        {
            environment.Remove(name);
        }
        else
        {
            environment[name] = value;
        }
        return environment;
    }

    [Fact]
    public void TheOriginalContainersVariables()
    {
        var settings = From(Complete);
        Assert.Equal(new Uri("http://keystone:5000/v3/"), settings.IdentityV3);
        Assert.Equal("https://cloud.example/identity", settings.WwwAuthenticateUri);
        Assert.Equal(["memcached-0:11211", "memcached-1:11211"], settings.MemcachedServers);
        Assert.Equal(TimeSpan.FromSeconds(300), settings.TokenCacheTime);
        Assert.Equal("placement", settings.Credentials.Username);
        Assert.Equal(["service"], settings.ServiceTokenRoles);
        Assert.False(settings.ServiceTokenRolesRequired);
    }

    [Theory]
    [InlineData("http://keystone:5000/v3", "http://keystone:5000/v3/")]
    [InlineData("http://keystone/identity/", "http://keystone/identity/v3/")]
    public void AuthUrlMayNameTheRootOrTheV3Api(string authUrl, string expected) =>
        Assert.Equal(new Uri(expected), From(With("OS_KEYSTONE_AUTHTOKEN__AUTH_URL", authUrl)).IdentityV3);

    [Theory]
    [InlineData("OS_KEYSTONE_AUTHTOKEN__PASSWORD", null, "password is required")]
    [InlineData("OS_KEYSTONE_AUTHTOKEN__AUTH_URL", null, "auth_url is required")]
    [InlineData("OS_KEYSTONE_AUTHTOKEN__AUTH_URL", "keystone:5000", "is not an http(s) URL")]
    [InlineData("OS_KEYSTONE_AUTHTOKEN__AUTH_TYPE", "v3token", "auth_type: 'v3token' is not supported")]
    [InlineData("OS_KEYSTONE_AUTHTOKEN__TOKEN_CACHE_TIME", "-1", "token_cache_time: invalid number of seconds")]
    [InlineData("OS_KEYSTONE_AUTHTOKEN__MEMCACHE_SECURITY_STRATEGY", "ENCRYPT", "memcache_security_strategy")]
    public void ABadOrMissingOptionStopsTheServiceWithItsName(string name, string? value, string message)
    {
        var e = Assert.Throws<ConfigurationException>(() => From(With(name, value)));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ThePasswordStaysOutOfTheSettingsText()
    {
        var settings = From(Complete);
        Assert.DoesNotContain("s3cret", settings.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", settings.Credentials.ToString(), StringComparison.Ordinal);
    }
}
