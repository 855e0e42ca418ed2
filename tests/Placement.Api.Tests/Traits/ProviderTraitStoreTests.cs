using Microsoft.EntityFrameworkCore;
using Placement.Api.Database.Entities;
using Placement.Api.Tests.Database;
using Placement.Api.Traits;

namespace Placement.Api.Tests.Traits;

public sealed class ProviderTraitStoreTests : IAsyncLifetime, IDisposable
{
    private readonly TestDatabase _database = new();

    public Task InitializeAsync() => _database.Schema.SyncAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task ReplacingTheTraitsBumpsTheGenerationOnlyWhenTheyChange()
    {
        await using var db = _database.CreateContext();
        var provider = await TraitStoreTests.AddProviderAsync(db);
        var sse = await TraitStore.GetAsync(db, "HW_CPU_X86_SSE", default);
        var avx = await TraitStore.GetAsync(db, "HW_CPU_X86_AVX", default);

        Assert.True(await ProviderTraitStore.TrySetAsync(db, provider, [sse, avx], default));
        Assert.True(await ProviderTraitStore.TrySetAsync(db, provider, [avx, sse], default));
        Assert.Equal(1, await StoredGeneration(provider));
        Assert.True(await ProviderTraitStore.TrySetAsync(db, provider, [avx], default));
        Assert.True(await ProviderTraitStore.TrySetAsync(db, provider, [], default));

        Assert.Equal(3, await StoredGeneration(provider));
        Assert.Empty(await ProviderTraitStore.ListAsync(db, provider, default));
    }

    [Fact]
    public async Task AStaleGenerationChangesNothing()
    {
        await using var db = _database.CreateContext();
        var provider = await TraitStoreTests.AddProviderAsync(db);
        var sse = await TraitStore.GetAsync(db, "HW_CPU_X86_SSE", default);
        await using (var other = _database.CreateContext())
        {
            await other.ResourceProviders.Where(p => p.Id == provider.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.Generation, 5));
        }

        Assert.False(await ProviderTraitStore.TrySetAsync(db, provider, [sse], default));

        Assert.Empty(await ProviderTraitStore.ListAsync(db, provider, default));
        Assert.Equal(5, await StoredGeneration(provider));
    }

    private async Task<int?> StoredGeneration(ResourceProvider provider)
    {
        await using var db = _database.CreateContext();
        return await db.ResourceProviders.Where(p => p.Id == provider.Id).Select(p => p.Generation).SingleAsync();
    }
}
