using Placement.Api.Configuration;

namespace Placement.Api.Tests.Configuration;

public class PlacementSettingsTests
{
    private static PlacementSettings Load(Dictionary<string, string> environment, string[]? ini = null, string? dbSync = null)
    {
        var values = new List<KeyValuePair<(string, string), string>>();
        if (ini is not null)
        {
            values.AddRange(OsloConfig.ParseIni(ini, "test.conf"));
        }
        values.AddRange(OsloConfig.FromEnvironment(environment));
        return PlacementSettings.From(new OsloConfig(values), dbSync);
    }

    [Fact]
    public void ReadsOptionsFromOsGroupOptionVariables()
    {
        var settings = Load(new()
        {
            ["OS_API__AUTH_STRATEGY"] = "noauth2",
            ["OS_PLACEMENT_DATABASE__CONNECTION"] = "sqlite:////cats.db",
            ["OS_PLACEMENT_DATABASE__SYNC_ON_STARTUP"] = "True",
            ["OS_OSLO_POLICY__ENFORCE_SCOPE"] = "False",
            ["OS_PLACEMENT__MAX_ALLOCATION_CANDIDATES"] = "1000",
            ["OS_PLACEMENT__ALLOCATION_CANDIDATES_GENERATION_STRATEGY"] = "breadth-first",
            ["OS_CORS__ALLOWED_ORIGIN"] = "http://a.example.com, http://b.example.com",
            ["PATH"] = "/usr/bin",
        });
        Assert.Equal(AuthStrategy.NoAuth2, settings.AuthStrategy);
        Assert.Equal("sqlite:////cats.db", settings.DatabaseConnection);
        Assert.True(settings.SyncOnStartup);
        Assert.False(settings.EnforceScope);
        Assert.True(settings.EnforceNewDefaults);
        Assert.Equal(1000, settings.MaxAllocationCandidates);
        Assert.Equal(CandidateGenerationStrategy.BreadthFirst, settings.AllocationCandidatesGenerationStrategy);
        Assert.Equal(["http://a.example.com", "http://b.example.com"], settings.Cors!.AllowedOrigins);
    }

    [Fact]
    public void TheEnvironmentWinsOverTheIniFile()
    {
        var settings = Load(
            new() { ["OS_PLACEMENT_DATABASE__CONNECTION"] = "sqlite:////env.db" },
            ["[api]", "auth_strategy = noauth2", "# comment", "[placement_database]", "connection = sqlite:////ini.db"]);
        Assert.Equal("sqlite:////env.db", settings.DatabaseConnection);
        Assert.Equal(AuthStrategy.NoAuth2, settings.AuthStrategy);
    }

    [Fact]
    public void LegacyDbSyncVariableTurnsOnSync()
    {
        Assert.True(Load([], dbSync: "True").SyncOnStartup);
        Assert.False(Load([], dbSync: "False").SyncOnStartup);
    }

    [Fact]
    public void DefaultsAreUpstreams()
    {
        var settings = Load([]);
        Assert.Null(settings.AuthStrategy);
        Assert.False(settings.SyncOnStartup);
        Assert.Equal(-1, settings.MaxAllocationCandidates);
        Assert.Equal(10, settings.AllocationConflictRetryCount);
        Assert.Equal(CandidateGenerationStrategy.DepthFirst, settings.AllocationCandidatesGenerationStrategy);
        Assert.Null(settings.Cors);
        Assert.Equal("policy.yaml", settings.PolicyFile);
    }

    [Fact]
    public void AMissingAuthStrategyStopsServingWithAMessageNamingIt()
    {
        var error = Assert.Throws<ConfigurationException>(() => Load([]).RequireAuthStrategy());
        Assert.Contains("OS_API__AUTH_STRATEGY", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OS_API__AUTH_STRATEGY", "basic", "[api] auth_strategy")]
    [InlineData("OS_PLACEMENT_DATABASE__SYNC_ON_STARTUP", "maybe", "[placement_database] sync_on_startup")]
    [InlineData("OS_PLACEMENT__MAX_ALLOCATION_CANDIDATES", "lots", "[placement] max_allocation_candidates")]
    [InlineData("OS_PLACEMENT__MAX_ALLOCATION_CANDIDATES", "-2", "[placement] max_allocation_candidates")]
    [InlineData("OS_PLACEMENT__ALLOCATION_CANDIDATES_GENERATION_STRATEGY", "sideways", "[placement] allocation_candidates_generation_strategy")]
    public void ABadValueNamesTheOption(string variable, string value, string option)
    {
        var error = Assert.Throws<ConfigurationException>(() => Load(new() { [variable] = value }));
        Assert.StartsWith(option, error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMalformedIniLineIsReportedWithItsLineNumber()
    {
        var error = Assert.Throws<ConfigurationException>(() => Load([], ["[api]", "auth_strategy"]));
        Assert.StartsWith("test.conf:2:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OsloDbPoolOptionsAreRead()
    {
        var settings = Load(new()
        {
            ["OS_PLACEMENT_DATABASE__MAX_POOL_SIZE"] = "10",
            ["OS_PLACEMENT_DATABASE__MAX_OVERFLOW"] = "0",
            ["OS_PLACEMENT_DATABASE__POOL_TIMEOUT"] = "5",
            ["OS_PLACEMENT_DATABASE__CONNECTION_RECYCLE_TIME"] = "-1",
        });

        Assert.Equal(new Placement.Api.Database.DatabasePool(10, 0, 5, -1), settings.DatabasePool);
        Assert.Equal(Placement.Api.Database.DatabasePool.Default, Load([]).DatabasePool);
    }

    [Theory]
    [InlineData("OS_PLACEMENT_DATABASE__MAX_POOL_SIZE", "0", "[placement_database] max_pool_size: 0 is less than the minimum of 1")]
    [InlineData("OS_PLACEMENT_DATABASE__POOL_TIMEOUT", "soon", "[placement_database] pool_timeout: invalid integer value 'soon'")]
    public void ABadPoolOptionStopsTheServiceWithAMessageNamingIt(string variable, string value, string message) =>
        Assert.Equal(message, Assert.Throws<ConfigurationException>(() => Load(new() { [variable] = value })).Message);
}
