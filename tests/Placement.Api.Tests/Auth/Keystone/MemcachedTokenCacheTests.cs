using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Placement.Api.Auth.Keystone;

namespace Placement.Api.Tests.Auth.Keystone;

public class MemcachedTokenCacheTests
{
    [Fact]
    public void TheKeyIsKeystonemiddlewaresHashOfTheToken() =>
        // sha256("token") as keystonemiddleware's _hash_key computes it.
        Assert.Equal("tokens/3c469e9d6c5875d37a43f353d4f88e61fcf812c66eee3457465a40b0da4153e0", ITokenCache.Key("token"));

    [Fact]
    public async Task AnUnreachableServerIsAMissNotAnError()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var cache = new MemcachedTokenCache(FakeKeystone.Settings with { MemcachedServers = [$"127.0.0.1:{port}"] },
            TimeProvider.System, NullLogger<MemcachedTokenCache>.Instance);
        await cache.SetAsync("t1", "{}", CancellationToken.None);
        Assert.Null(await cache.GetAsync("t1", CancellationToken.None));
    }

    [Fact]
    public async Task ASilentServerIsAMissWithinTheSocketTimeout()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            using var cache = new MemcachedTokenCache(
                FakeKeystone.Settings with { MemcachedServers = [$"127.0.0.1:{port}"], MemcacheSocketTimeout = TimeSpan.FromMilliseconds(200) },
                TimeProvider.System, NullLogger<MemcachedTokenCache>.Instance);
            var started = DateTime.UtcNow;
            Assert.Null(await cache.GetAsync("t1", CancellationToken.None));
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task InProcessCacheKeepsABodyForTheCacheTime()
    {
        using var cache = new InProcessTokenCache(FakeKeystone.Settings);
        await cache.SetAsync("t1", "{\"token\": {}}", CancellationToken.None);
        Assert.Equal("{\"token\": {}}", await cache.GetAsync("t1", CancellationToken.None));
        Assert.Null(await cache.GetAsync("t2", CancellationToken.None));
    }
}
