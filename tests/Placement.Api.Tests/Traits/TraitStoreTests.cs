using Placement.Api.Database;
using Placement.Api.Database.Entities;
using Placement.Api.Tests.Database;
using Placement.Api.Traits;

namespace Placement.Api.Tests.Traits;

public sealed class TraitStoreTests : IAsyncLifetime, IDisposable
{
    private readonly TestDatabase _database = new();

    public Task InitializeAsync() => _database.Schema.SyncAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task FiltersByNamesPrefixAndAssociation()
    {
        await using var db = _database.CreateContext();
        foreach (var name in new[] { "CUSTOM_B", "CUSTOM_A", "CUSTOM_X" })
        {
            await TraitStore.TryCreateAsync(db, name, default);
        }
        var provider = await AddProviderAsync(db);
        var a = await TraitStore.GetAsync(db, "CUSTOM_A", default);
        await ProviderTraitStore.TrySetAsync(db, provider, [a], default);

        Assert.Equal(["CUSTOM_A", "CUSTOM_B"], await Names(db, new TraitFilter(["CUSTOM_B", "CUSTOM_A", "NOPE"], null, null)));
        Assert.Equal(["CUSTOM_B", "CUSTOM_A", "CUSTOM_X"], await Names(db, new TraitFilter(null, "CUSTOM_", null)));
        Assert.Equal(["CUSTOM_A"], await Names(db, new TraitFilter(null, null, true)));
        Assert.Equal(["CUSTOM_B", "CUSTOM_X"], await Names(db, new TraitFilter(null, "CUSTOM_", false)));
        Assert.Equal(StandardData.Traits.Count + 3, (await TraitStore.ListAsync(db, new TraitFilter(null, null, null), default)).Count);
    }

    [Fact]
    public async Task CreatingAnExistingTraitGivesNull()
    {
        await using var db = _database.CreateContext();
        Assert.NotNull(await TraitStore.TryCreateAsync(db, "CUSTOM_A", default));
        Assert.Null(await TraitStore.TryCreateAsync(db, "CUSTOM_A", default));
    }

    [Fact]
    public async Task ATraitAProviderHasIsNotDeleted()
    {
        await using var db = _database.CreateContext();
        var used = (await TraitStore.TryCreateAsync(db, "CUSTOM_USED", default))!;
        var unused = (await TraitStore.TryCreateAsync(db, "CUSTOM_UNUSED", default))!;
        await ProviderTraitStore.TrySetAsync(db, await AddProviderAsync(db), [used], default);

        Assert.False(await TraitStore.TryDeleteAsync(db, used, default));
        Assert.True(await TraitStore.TryDeleteAsync(db, unused, default));
        Assert.NotNull(await TraitStore.FindAsync(db, "CUSTOM_USED", default));
        Assert.Null(await TraitStore.FindAsync(db, "CUSTOM_UNUSED", default));
    }

    internal static async Task<ResourceProvider> AddProviderAsync(PlacementDbContext db)
    {
        var provider = new ResourceProvider { Uuid = Guid.NewGuid().ToString(), Name = Guid.NewGuid().ToString(), Generation = 0 };
        db.ResourceProviders.Add(provider);
        await db.SaveChangesAsync();
        return provider;
    }

    private static async Task<List<string>> Names(PlacementDbContext db, TraitFilter filter) =>
        [.. (await TraitStore.ListAsync(db, filter, default)).Select(t => t.Name)];
}
