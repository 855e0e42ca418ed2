using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Placement.Api.Database;
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

    [PostgresqlFact]
    public async Task ConnectionsLostToAServerRestartFailOneRequestThenThePoolIsFresh()
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

        // What a restart does to them: the server ends every session (57P01 admin_shutdown).
        database.Execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
        // pg_terminate_backend only signals: wait (bounded) until those sessions are really gone.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (database.Query("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()").Count > 0
            && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await using (var db = await contexts.CreateDbContextAsync())
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => db.Traits.CountAsync());
            Assert.NotNull(DatabaseUnavailableException.FindIn(error));
        }

        for (var i = 0; i < 4; i++)
        {
            await using var db = await contexts.CreateDbContextAsync();
            Assert.Equal(StandardData.Traits.Count, await db.Traits.CountAsync());
        }
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
