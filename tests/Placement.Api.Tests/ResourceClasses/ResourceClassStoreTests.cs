using Placement.Api.Database.Entities;
using Placement.Api.ResourceClasses;
using Placement.Api.Tests.Database;

namespace Placement.Api.Tests.ResourceClasses;

public sealed class ResourceClassStoreTests : IAsyncLifetime, IDisposable
{
    private readonly TestDatabase _database = new();

    public Task InitializeAsync() => _database.Schema.SyncAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task ListsTheStandardClassesFirstThenCustomOnes()
    {
        await using var db = _database.CreateContext();
        await ResourceClassStore.TryCreateAsync(db, "CUSTOM_GOLD", default);

        var classes = await ResourceClassStore.ListAsync(db, default);

        Assert.Equal(22, classes.Count);
        Assert.Equal(("VCPU", 0), (classes[0].Name, classes[0].Id));
        Assert.Equal(("CUSTOM_GOLD", ResourceClass.MinCustomId), (classes[^1].Name, classes[^1].Id));
    }

    [Fact]
    public async Task CustomClassesTakeTheNextIdFrom10000Up()
    {
        await using var db = _database.CreateContext();
        var first = await ResourceClassStore.TryCreateAsync(db, "CUSTOM_A", default);
        var second = await ResourceClassStore.TryCreateAsync(db, "CUSTOM_B", default);
        await ResourceClassStore.TryDeleteAsync(db, second!, default);
        var third = await ResourceClassStore.TryCreateAsync(db, "CUSTOM_C", default);

        Assert.Equal([10000, 10001, 10001], new[] { first!.Id, second!.Id, third!.Id });
        Assert.NotNull(first.CreatedAt);
    }

    [Fact]
    public async Task CreatingAnExistingClassGivesNull()
    {
        await using var db = _database.CreateContext();
        await ResourceClassStore.TryCreateAsync(db, "CUSTOM_A", default);

        Assert.Null(await ResourceClassStore.TryCreateAsync(db, "CUSTOM_A", default));
        Assert.Null(await ResourceClassStore.TryCreateAsync(db, "VCPU", default));
    }

    [Fact]
    public async Task ConcurrentCreationsAllGetTheirOwnId()
    {
        var names = Enumerable.Range(0, 6).Select(i => $"CUSTOM_C{i}").ToList();

        var created = await Task.WhenAll(names.Select(async name =>
        {
            await using var db = _database.CreateContext();
            return await ResourceClassStore.TryCreateAsync(db, name, default);
        }));

        Assert.All(created, Assert.NotNull);
        Assert.Equal(Enumerable.Range(10000, 6), created.Select(rc => rc!.Id).Order());
    }

    [Fact]
    public async Task RenamingKeepsTheIdAndRefusesATakenName()
    {
        await using var db = _database.CreateContext();
        var a = await ResourceClassStore.TryCreateAsync(db, "CUSTOM_A", default);
        await ResourceClassStore.TryCreateAsync(db, "CUSTOM_B", default);

        Assert.Null(await ResourceClassStore.TryRenameAsync(db, a!, "CUSTOM_B", default));
        var renamed = await ResourceClassStore.TryRenameAsync(db, a!, "CUSTOM_Z", default);

        Assert.Equal((a!.Id, "CUSTOM_Z"), (renamed!.Id, renamed.Name));
        Assert.NotNull(renamed.UpdatedAt);
        Assert.Null(await ResourceClassStore.FindAsync(db, "CUSTOM_A", default));
    }

    [Fact]
    public async Task AClassInInventoryOrAllocationsIsNotDeleted()
    {
        await using var db = _database.CreateContext();
        var inInventory = await ResourceClassStore.TryCreateAsync(db, "CUSTOM_INVENTORY", default);
        var allocated = await ResourceClassStore.TryCreateAsync(db, "CUSTOM_ALLOCATED", default);
        var provider = new ResourceProvider { Uuid = Guid.NewGuid().ToString(), Name = "rp", Generation = 0 };
        db.ResourceProviders.Add(provider);
        await db.SaveChangesAsync();
        db.Inventories.Add(new Inventory { ResourceProviderId = provider.Id, ResourceClassId = inInventory!.Id, Total = 1, MinUnit = 1, MaxUnit = 1, StepSize = 1, AllocationRatio = 1 });
        db.Allocations.Add(new Allocation { ResourceProviderId = provider.Id, ResourceClassId = allocated!.Id, ConsumerId = Guid.NewGuid().ToString(), Used = 1 });
        await db.SaveChangesAsync();

        Assert.False(await ResourceClassStore.TryDeleteAsync(db, inInventory, default));
        Assert.False(await ResourceClassStore.TryDeleteAsync(db, allocated, default));
        Assert.NotNull(await ResourceClassStore.FindAsync(db, "CUSTOM_INVENTORY", default));
        Assert.NotNull(await ResourceClassStore.FindAsync(db, "CUSTOM_ALLOCATED", default));
    }
}
