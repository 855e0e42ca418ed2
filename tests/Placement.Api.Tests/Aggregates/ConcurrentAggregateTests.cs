using Microsoft.EntityFrameworkCore;
using Placement.Api.Aggregates;
using Placement.Api.Database.Entities;
using Placement.Api.Tests.Database;

namespace Placement.Api.Tests.Aggregates;

/// <summary>
/// Compute nodes registering at once through several replicas: each puts its provider into the same aggregates,
/// which none has seen before (upstream bug-free behaviour: every PUT succeeds, one row per aggregate).
/// </summary>
public class ConcurrentAggregateTests
{
    private const int Providers = 12;
    private const int Rounds = 4;
    private const int AggregatesPerRound = 4;

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public async Task ProvidersJoiningTheSameNewAggregatesAtOnceAllSucceed(string backend)
    {
        using var database = new TestDatabase(backend);
        await database.Schema.SyncAsync();
        var providerIds = await CreateProvidersAsync(database);

        var random = new Random(7);
        for (var round = 1; round <= Rounds; round++)
        {
            var aggregates = Enumerable.Range(0, AggregatesPerRound).Select(_ => Guid.NewGuid().ToString()).ToArray();
            // Each writer names them in its own order, as nothing makes clients agree on one.
            var writers = providerIds.Select(id => (Id: id, Order: aggregates.OrderBy(_ => random.Next()).ToArray())).ToList();
            await Task.WhenAll(writers.Select(writer => Task.Run(async () =>
            {
                await using var db = database.CreateContext();
                var provider = await db.ResourceProviders.SingleAsync(p => p.Id == writer.Id);
                await new AggregateStore(db).SetAsync(provider, writer.Order, incrementGeneration: true, default);
            })));

            var expected = aggregates.Order(StringComparer.Ordinal).ToList();
            foreach (var id in providerIds)
            {
                await using var db = database.CreateContext();
                var provider = await db.ResourceProviders.SingleAsync(p => p.Id == id);
                Assert.Equal(expected, await new AggregateStore(db).ListAsync(provider, default));
                Assert.Equal(round, provider.Generation);
            }
        }
        Assert.Equal([(Rounds * AggregatesPerRound).ToString(System.Globalization.CultureInfo.InvariantCulture)],
            database.Query("SELECT count(*) FROM placement_aggregates"));
    }

    private static async Task<List<int>> CreateProvidersAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var providers = Enumerable.Range(0, Providers)
            .Select(i => new ResourceProvider { Uuid = Guid.NewGuid().ToString(), Name = $"cn-{i}", Generation = 0 })
            .ToList();
        db.ResourceProviders.AddRange(providers);
        await db.SaveChangesAsync();
        foreach (var provider in providers)
        {
            provider.RootProviderId = provider.Id;
        }
        await db.SaveChangesAsync();
        return providers.Select(p => p.Id).ToList();
    }
}
