using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Placement.Api.Cli;
using Placement.Api.Configuration;
using Placement.Api.Database;
using Placement.Api.Hosting;

namespace Placement.Api.Tests.Freshness;

/// <summary>
/// One of our servers, started in this process on a database given by its URL. Each has its own services, so its
/// own candidates cache: two of them on one database behave as two replicas.
/// </summary>
internal sealed class OurServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OurServer(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }

    public static async Task<OurServer> StartAsync(string databaseUrl)
    {
        var settings = PlacementSettings.From(new OsloConfig(OsloConfig.FromEnvironment(new Dictionary<string, string>
        {
            ["OS_API__AUTH_STRATEGY"] = "noauth2",
            ["OS_PLACEMENT_DATABASE__CONNECTION"] = databaseUrl,
            ["OS_PLACEMENT_DATABASE__SYNC_ON_STARTUP"] = "True",
        })));
        var app = PlacementHost.Build(settings, DatabaseUrl.Parse(databaseUrl), "127.0.0.1", 0);
        await DatabaseCommands.PrepareForServingAsync(settings, app.Services);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new OurServer(app, PlacementClient.HttpClientFor(new Uri(address)));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
