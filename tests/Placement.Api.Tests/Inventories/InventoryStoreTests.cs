using Microsoft.EntityFrameworkCore;
using Placement.Api.Database;
using Placement.Api.Database.Entities;
using Placement.Api.Inventories;
using Placement.Api.Tests.Database;

namespace Placement.Api.Tests.Inventories;

public sealed class InventoryStoreTests : IDisposable
{
    private const string ProviderUuid = "9b5b7d0e-8a55-4c53-9d4c-5a0f7e2ae1a4";
    private static readonly KnownResourceClass Vcpu = new(0, "VCPU");
    private static readonly KnownResourceClass MemoryMb = new(1, "MEMORY_MB");
    private static readonly KnownResourceClass DiskGb = new(2, "DISK_GB");

    private readonly TestDatabase _database = new();

    public InventoryStoreTests()
    {
        _database.Schema.SyncAsync().GetAwaiter().GetResult();
        _database.Execute($"INSERT INTO resource_providers (id, uuid, name, generation, root_provider_id) VALUES (1, '{ProviderUuid}', 'rp', 0, 1)");
    }

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task ReplacingAddsChangesAndRemovesInOneGenerationStep()
    {
        await ReplaceAsync(new() { [Vcpu] = Capacity.WithDefaults(8), [DiskGb] = Capacity.WithDefaults(100) });

        await ReplaceAsync(new() { [Vcpu] = Capacity.WithDefaults(16), [MemoryMb] = Capacity.WithDefaults(1024) });

        Assert.Equal(["MEMORY_MB 1024", "VCPU 16"], await InventoriesAsync());
        Assert.Equal(["2"], _database.Query("SELECT generation FROM resource_providers"));
    }

    [Fact]
    public async Task RemovingInventoryInUseFailsAndChangesNothing()
    {
        await ReplaceAsync(new() { [Vcpu] = Capacity.WithDefaults(8), [MemoryMb] = Capacity.WithDefaults(64), [DiskGb] = Capacity.WithDefaults(100) });
        Allocate(Vcpu, 2);
        Allocate(DiskGb, 10);

        var refusal = await Assert.ThrowsAsync<InventoryInUseException>(() => ReplaceAsync(new() { [MemoryMb] = Capacity.WithDefaults(1) }));

        Assert.Equal($"Inventory for 'VCPU, DISK_GB' on resource provider '{ProviderUuid}' in use.", refusal.Message);
        Assert.Equal(["DISK_GB 100", "MEMORY_MB 64", "VCPU 8"], await InventoriesAsync());
        Assert.Equal(["1"], _database.Query("SELECT generation FROM resource_providers"));
    }

    [Fact]
    public async Task DeletingOneClassInUseFails()
    {
        await ReplaceAsync(new() { [Vcpu] = Capacity.WithDefaults(8) });
        Allocate(Vcpu, 2);

        await using var db = _database.CreateContext();
        var classes = await ResourceClassIds.LoadAsync(db, CancellationToken.None);
        var provider = await ProviderAsync(db);
        await Assert.ThrowsAsync<InventoryInUseException>(() => InventoryStore.DeleteAsync(db, provider, classes, Vcpu, CancellationToken.None));
        Assert.Equal(["VCPU 8"], await InventoriesAsync());
    }

    [Fact]
    public async Task ShrinkingBelowUsageIsAllowedButReported()
    {
        await ReplaceAsync(new() { [Vcpu] = Capacity.WithDefaults(8) });
        Allocate(Vcpu, 6);

        await using var db = _database.CreateContext();
        var overCapacity = await InventoryStore.UpdateAsync(db, await ProviderAsync(db), Vcpu, Capacity.WithDefaults(4), CancellationToken.None);

        Assert.Equal(["VCPU"], overCapacity);
        Assert.Equal(["VCPU 4"], await InventoriesAsync());
    }

    [Fact]
    public async Task AWriteBasedOnAStaleGenerationFailsAndChangesNothing()
    {
        await using var db = _database.CreateContext();
        var stale = await ProviderAsync(db);
        _database.Execute("UPDATE resource_providers SET generation = 5");

        await Assert.ThrowsAsync<ProviderGenerationMovedException>(
            () => InventoryStore.AddAsync(db, stale, Vcpu, Capacity.WithDefaults(8), CancellationToken.None));

        Assert.Empty(await InventoriesAsync());
        Assert.Equal(["5"], _database.Query("SELECT generation FROM resource_providers"));
    }

    [Fact]
    public async Task AddingAClassTwiceFails()
    {
        await ReplaceAsync(new() { [Vcpu] = Capacity.WithDefaults(8) });

        await using var db = _database.CreateContext();
        var provider = await ProviderAsync(db);
        await Assert.ThrowsAsync<InventoryExistsException>(
            () => InventoryStore.AddAsync(db, provider, Vcpu, Capacity.WithDefaults(8), CancellationToken.None));
    }

    [Fact]
    public async Task AWriteInsideTheCallersTransactionIsUndoneWithIt()
    {
        await using var db = _database.CreateContext();
        var classes = await ResourceClassIds.LoadAsync(db, CancellationToken.None);
        var provider = await ProviderAsync(db);
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await InventoryStore.ReplaceAsync(db, provider, classes, new Dictionary<KnownResourceClass, Capacity> { [Vcpu] = Capacity.WithDefaults(8) }, CancellationToken.None);
            await InventoryStore.ReplaceAsync(db, provider, classes, new Dictionary<KnownResourceClass, Capacity> { [Vcpu] = Capacity.WithDefaults(4) }, CancellationToken.None);
            Assert.Equal(2, provider.Generation);
            await transaction.RollbackAsync();
        }

        Assert.Empty(await InventoriesAsync());
        Assert.Equal(["0"], _database.Query("SELECT generation FROM resource_providers"));
    }

    private async Task ReplaceAsync(Dictionary<KnownResourceClass, Capacity> wanted)
    {
        await using var db = _database.CreateContext();
        var classes = await ResourceClassIds.LoadAsync(db, CancellationToken.None);
        await InventoryStore.ReplaceAsync(db, await ProviderAsync(db), classes, wanted, CancellationToken.None);
    }

    private static Task<ResourceProvider> ProviderAsync(PlacementDbContext db) =>
        db.ResourceProviders.SingleAsync(p => p.Uuid == ProviderUuid);

    private async Task<List<string>> InventoriesAsync()
    {
        await using var db = _database.CreateContext();
        var classes = await ResourceClassIds.LoadAsync(db, CancellationToken.None);
        var inventories = await InventoryStore.ListAsync(db, await ProviderAsync(db), classes, CancellationToken.None);
        return [.. inventories.Select(i => $"{i.ResourceClass} {i.Capacity.Total}").Order(StringComparer.Ordinal)];
    }

    private void Allocate(KnownResourceClass resourceClass, int used) =>
        _database.Execute($"INSERT INTO allocations (resource_provider_id, consumer_id, resource_class_id, used) VALUES (1, 'c1', {resourceClass.Id}, {used})");
}
