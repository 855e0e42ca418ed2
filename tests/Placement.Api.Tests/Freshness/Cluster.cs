using Placement.Api.Tests.Database;

namespace Placement.Api.Tests.Freshness;

/// <summary>Which server a test's writes go through, and which one its reads go through.</summary>
public enum Route
{
    /// <summary>Both through one of our servers.</summary>
    OneServer,

    /// <summary>Writes through a second server of ours on the same database, reads through the first.</summary>
    SecondServerWrites,

    /// <summary>Writes through the first server, reads through a second one started after it.</summary>
    FirstServerWrites,

    /// <summary>Writes through upstream Placement on the same database (SQLite), reads through our server.</summary>
    UpstreamWrites,
}

/// <summary>
/// A fresh database on one backend with the servers a <see cref="Route"/> needs: ours first (it creates the schema
/// and the change log), then the second one.
/// </summary>
internal sealed class Cluster : IAsyncDisposable
{
    private readonly TestDatabase _database;
    private readonly List<IAsyncDisposable> _servers;

    private Cluster(TestDatabase database, List<IAsyncDisposable> servers, PlacementClient writer, PlacementClient reader, string label)
    {
        _database = database;
        _servers = servers;
        Writer = writer;
        Reader = reader;
        Label = label;
    }

    public PlacementClient Writer { get; }

    public PlacementClient Reader { get; }

    /// <summary>The backend and route, for the test's output.</summary>
    public string Label { get; }

    /// <summary>Every backend the test command runs on, with each route through our servers.</summary>
    public static TheoryData<string, Route> OurRoutes
    {
        get
        {
            var cases = new TheoryData<string, Route>();
            foreach (var backend in TestBackends.All)
            {
                foreach (var route in new[] { Route.OneServer, Route.SecondServerWrites, Route.FirstServerWrites })
                {
                    cases.Add(backend, route);
                }
            }
            return cases;
        }
    }

    /// <summary>
    /// Starts the servers, then lets the writer create <paramref name="bystanders"/> providers with nothing that any
    /// test asks for. With them, each write changes few enough of the cloud's providers that a cache applies it to its
    /// model in place; with few providers, a cache reads everything again instead (CandidateCache.FullReloadShare).
    /// </summary>
    public static async Task<Cluster> StartAsync(string backend, Route route, int bystanders)
    {
        var cluster = await StartAsync(backend, route);
        try
        {
            for (var i = 0; i < bystanders; i++)
            {
                await cluster.Writer.CreateProviderAsync($"bystander{i}");
            }
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private static async Task<Cluster> StartAsync(string backend, Route route)
    {
        var database = new TestDatabase(backend);
        var servers = new List<IAsyncDisposable>();
        try
        {
            var first = await OurServer.StartAsync(database.Url);
            servers.Add(first);
            if (route == Route.OneServer)
            {
                var client = new PlacementClient(first.Client);
                return new Cluster(database, servers, client, client, $"{backend}, one server");
            }
            if (route == Route.UpstreamWrites)
            {
                var upstream = await UpstreamServer.StartAsync(database.Url);
                servers.Add(upstream);
                return new Cluster(database, servers, new PlacementClient(upstream.Client), new PlacementClient(first.Client),
                    $"{backend}, upstream writes");
            }
            var second = await OurServer.StartAsync(database.Url);
            servers.Add(second);
            return route == Route.SecondServerWrites
                ? new Cluster(database, servers, new PlacementClient(second.Client), new PlacementClient(first.Client), $"{backend}, second server writes")
                : new Cluster(database, servers, new PlacementClient(first.Client), new PlacementClient(second.Client), $"{backend}, first server writes");
        }
        catch
        {
            await DisposeAsync(database, servers);
            throw;
        }
    }

    public ValueTask DisposeAsync() => DisposeAsync(_database, _servers);

    private static async ValueTask DisposeAsync(TestDatabase database, List<IAsyncDisposable> servers)
    {
        foreach (var server in servers)
        {
            await server.DisposeAsync();
        }
        database.Dispose();
    }
}
