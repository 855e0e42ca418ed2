using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Placement.Api.Cli;
using Placement.Api.Configuration;
using Placement.Api.Database;
using Placement.Api.Hosting;
using Placement.Api.Http;

namespace Placement.Api.Tests.Database;

/// <summary>A database that is down or goes away: 503 in upstream's format, then recovery without a restart.</summary>
public class DatabaseOutageTests
{
    [Fact]
    public async Task AServerThatIsNotListeningIsUnavailable()
    {
        // Port 9 (discard) is closed on 127.0.0.1 in any test environment.
        await using var services = new ServiceCollection().AddLogging()
            .AddPlacementDatabase(DatabaseUrl.Parse("postgresql://placement:placement@127.0.0.1:9/placement")).BuildServiceProvider();
        await using var db = await services.GetRequiredService<IDbContextFactory<PlacementDbContext>>().CreateDbContextAsync();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => db.Traits.CountAsync());

        Assert.NotNull(DatabaseUnavailableException.FindIn(error));
    }

    private static PlacementSettings Settings(string connection, bool syncOnStartup = false) =>
        PlacementSettings.From(new OsloConfig(OsloConfig.FromEnvironment(new Dictionary<string, string>
        {
            ["OS_API__AUTH_STRATEGY"] = "noauth2",
            ["OS_PLACEMENT_DATABASE__CONNECTION"] = connection,
            ["OS_PLACEMENT_DATABASE__SYNC_ON_STARTUP"] = syncOnStartup ? "True" : "False",
        })));

    [Fact]
    public async Task AServerStartedWithoutItsDatabaseAnswers503UntilTheSchemaIsReady()
    {
        var settings = Settings("postgresql://placement:placement@127.0.0.1:9/placement", syncOnStartup: true);
        await using var app = PlacementHost.Build(settings, DatabaseUrl.Parse(settings.DatabaseConnection), "127.0.0.1", 0);

        await DatabaseCommands.PrepareForServingAsync(settings, app.Services);

        using (var scope = app.Services.CreateScope())
        {
            // A request's context: what would reach a database that may be back with no schema yet.
            var error = Assert.ThrowsAny<Exception>(() => scope.ServiceProvider.GetRequiredService<PlacementDbContext>());
            Assert.NotNull(DatabaseUnavailableException.FindIn(error));
        }

        app.Services.GetRequiredService<SchemaReadiness>().Prepared();
        using (var scope = app.Services.CreateScope())
        {
            Assert.NotNull(scope.ServiceProvider.GetRequiredService<PlacementDbContext>());
        }

        app.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().StopApplication();
    }

    [PostgresqlFact]
    public async Task ConnectionsLostToAServerRestartFailAtMostOneQueryThenThePoolIsFresh()
    {
        using var database = new TestDatabase("postgresql");
        await database.Schema.SyncAsync();
        var contexts = database.Services.GetRequiredService<IDbContextFactory<PlacementDbContext>>();
        // Several pooled connections, as a busy server has.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            await using var db = await contexts.CreateDbContextAsync();
            await db.Database.OpenConnectionAsync();
            await db.Traits.CountAsync();
        }));

        await database.EndEverySessionAsync();

        await using (var db = await contexts.CreateDbContextAsync())
        {
            try
            {
                await db.Traits.CountAsync();
            }
            catch (Exception error)
            {
                // Unless Npgsql saw the server's goodbye on the idle connection first and replaced it, the query fails
                // as unavailable (a 503, and the request is run again), never otherwise, and the pool is emptied.
                Assert.NotNull(DatabaseUnavailableException.FindIn(error));
            }
        }

        for (var i = 0; i < 4; i++)
        {
            await using var db = await contexts.CreateDbContextAsync();
            Assert.Equal(StandardData.Traits.Count, await db.Traits.CountAsync());
        }
    }

    /// <summary>
    /// A write inside a transaction whose session the server ends: EF's savepoint meets the shutdown, and Npgsql has
    /// disposed the transaction by the time it is reported (seen as a 500 in tests/databases/outage).
    /// </summary>
    [PostgresqlFact]
    public async Task ASavepointThatMeetsAServerShutdownIsAnOutage()
    {
        using var database = new TestDatabase("postgresql");
        await database.Schema.SyncAsync();
        await using var context = database.CreateContext();
        await using var transaction = await context.Database.BeginTransactionAsync();
        await context.Traits.CountAsync();

        await database.EndEverySessionAsync();
        context.Traits.Add(new Placement.Api.Database.Entities.Trait { Name = "CUSTOM_AFTER_SHUTDOWN" });

        await Assert.ThrowsAsync<DatabaseUnavailableException>(() => context.SaveChangesAsync());
    }

    [PostgresqlFact]
    public Task RequestsRightAfterAPostgresqlRestartSucceed() => RequestsRightAfterARestartSucceed("postgresql");

    [MysqlFact]
    public Task RequestsRightAfterAMysqlRestartSucceed() => RequestsRightAfterARestartSucceed("mysql");

    /// <summary>Over HTTP, every request that meets a connection the restart killed is run again on a new one.</summary>
    private static async Task RequestsRightAfterARestartSucceed(string backend)
    {
        using var database = new TestDatabase(backend);
        await database.Schema.SyncAsync();
        var settings = Settings(database.Url);
        await using var app = PlacementHost.Build(settings, DatabaseUrl.Parse(database.Url), "127.0.0.1", 0);
        await DatabaseCommands.PrepareForServingAsync(settings, app.Services);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address) };
        client.DefaultRequestHeaders.Add("x-auth-token", "admin");
        client.DefaultRequestHeaders.Add("openstack-api-version", "placement 1.39");
        async Task<HttpStatusCode[]> ConcurrentReads() =>
            (await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.GetAsync("/resource_providers")))).Select(r => r.StatusCode).ToArray();
        // Several pooled connections, as a busy server has.
        Assert.All(await ConcurrentReads(), status => Assert.Equal(HttpStatusCode.OK, status));

        await database.EndEverySessionAsync();
        var created = await client.PostAsync("/resource_providers",
            new StringContent("""{"name": "after-restart"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal("after-restart", JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("name").GetString());
        Assert.Equal(["after-restart"], database.Query("SELECT name FROM resource_providers"));

        await database.EndEverySessionAsync();
        Assert.All(await ConcurrentReads(), status => Assert.Equal(HttpStatusCode.OK, status));
    }

    [Fact]
    public async Task AnUnavailableDatabaseIsA503InUpstreamsErrorFormatEvenWhenEfWrappedIt()
    {
        var http = new DefaultHttpContext();
        http.Response.Body = new MemoryStream();
        var middleware = new ErrorHandlingMiddleware(
            _ => throw new DbUpdateException("An error occurred while saving the entity changes.",
                new DatabaseUnavailableException(new TimeoutException("connect timed out"))),
            NullLogger<ErrorHandlingMiddleware>.Instance);

        await middleware.InvokeAsync(http);

        Assert.Equal((int)HttpStatusCode.ServiceUnavailable, http.Response.StatusCode);
        http.Response.Body.Position = 0;
        var error = JsonDocument.Parse(http.Response.Body).RootElement.GetProperty("errors")[0];
        Assert.Equal(503, error.GetProperty("status").GetInt32());
        Assert.Equal("Service Unavailable", error.GetProperty("title").GetString());
        Assert.Contains("The database is unavailable; try again later.", error.GetProperty("detail").GetString());
    }
}
