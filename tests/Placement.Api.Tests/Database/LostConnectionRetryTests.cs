using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Placement.Api.Database;

namespace Placement.Api.Tests.Database;

/// <summary>A request that lost its database connection runs again only when it cannot have committed anything.</summary>
public class LostConnectionRetryTests
{
    private sealed class RequestScoped;

    private sealed class BodyExpected : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => true;
    }

    /// <summary>A request body as Kestrel gives it: read once, forward only.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    private static readonly Exception LostConnection = new DatabaseUnavailableException(new IOException("connection reset by peer"));

    private static async Task<(DefaultHttpContext Http, List<(object Scoped, string Body)> Runs, Exception? Error)> Serve(
        Func<int, Task> afterReadingTheBody)
    {
        var services = new ServiceCollection().AddScoped<RequestScoped>().BuildServiceProvider();
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        var http = new DefaultHttpContext { RequestServices = scopes.CreateScope().ServiceProvider };
        http.Features.Set<IHttpRequestBodyDetectionFeature>(new BodyExpected());
        http.Request.Method = "POST";
        http.Request.Body = new ForwardOnlyStream(Encoding.UTF8.GetBytes("""{"name": "rp"}"""));
        var runs = new List<(object, string)>();
        var middleware = new LostConnectionRetryMiddleware(async context =>
        {
            using var reader = new StreamReader(context.Request.Body, leaveOpen: true);
            runs.Add((context.RequestServices.GetRequiredService<RequestScoped>(), await reader.ReadToEndAsync()));
            await afterReadingTheBody(runs.Count);
            context.Response.StatusCode = 200;
        }, scopes, NullLogger<LostConnectionRetryMiddleware>.Instance);
        try
        {
            await middleware.InvokeAsync(http);
            return (http, runs, null);
        }
        catch (Exception e)
        {
            return (http, runs, e);
        }
    }

    [Fact]
    public async Task ARequestThatLostItsConnectionBeforeCommittingRunsAgainWithFreshServicesAndTheSameBody()
    {
        var (http, runs, error) = await Serve(run => run == 1 ? Task.FromException(LostConnection) : Task.CompletedTask);

        Assert.Null(error);
        Assert.Equal(200, http.Response.StatusCode);
        Assert.Equal(2, runs.Count);
        Assert.Equal(runs[0].Body, runs[1].Body);
        Assert.Equal("""{"name": "rp"}""", runs[1].Body);
        Assert.NotSame(runs[0].Scoped, runs[1].Scoped);
    }

    [Fact]
    public async Task ARequestThatMayHaveCommittedIsNotRunAgain()
    {
        var (_, runs, error) = await Serve(_ =>
        {
            RequestCommits.NoteCommit();
            return Task.FromException(LostConnection);
        });

        Assert.Single(runs);
        Assert.NotNull(DatabaseUnavailableException.FindIn(error));
    }

    [Fact]
    public async Task ASecondLossIsTheAnswer()
    {
        var (_, runs, error) = await Serve(_ => Task.FromException(LostConnection));

        Assert.Equal(2, runs.Count);
        Assert.NotNull(DatabaseUnavailableException.FindIn(error));
    }

    [Fact]
    public async Task ARequestThatCouldNotConnectIsNotRunAgain()
    {
        var refused = new DatabaseUnavailableException(new IOException("connection refused"), whileConnecting: true);

        var (_, runs, error) = await Serve(_ => Task.FromException(refused));

        Assert.Single(runs);
        Assert.Same(refused, error);
    }

    [Fact]
    public async Task OtherErrorsAreNotRunAgain()
    {
        var (_, runs, error) = await Serve(_ => Task.FromException(new InvalidOperationException("a bug")));

        Assert.Single(runs);
        Assert.IsType<InvalidOperationException>(error);
    }

    [Fact]
    public async Task CommitsAndWritesOutsideATransactionMayHaveCommittedReadsAndUncommittedWritesNot()
    {
        using var database = new TestDatabase();
        await database.Schema.SyncAsync();
        await using var db = database.CreateContext();

        async Task<bool> MayHaveCommitted(Func<Task> work)
        {
            // Each check its own flow, as each request is.
            return await Task.Run(async () =>
            {
                var commits = RequestCommits.Watch();
                await work();
                return commits.MayHaveCommitted;
            });
        }

        Assert.False(await MayHaveCommitted(() => db.Traits.CountAsync()));
        Assert.False(await MayHaveCommitted(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.Traits.Where(t => t.Name == "CUSTOM_NONE").ExecuteDeleteAsync();
            await transaction.RollbackAsync();
        }));
        Assert.True(await MayHaveCommitted(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.Traits.CountAsync();
            await transaction.CommitAsync();
        }));
        Assert.True(await MayHaveCommitted(() => db.Traits.Where(t => t.Name == "CUSTOM_NONE").ExecuteDeleteAsync()));
    }
}
