using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Placement.Api.Allocations;
using Placement.Api.Configuration;
using Placement.Api.Database;
using Placement.Api.Http;
using Placement.Api.Inventories;
using Placement.Api.Reshaper;
using Placement.Api.Tests.Database;

namespace Placement.Api.Tests.Reshaper;

/// <summary>ReshapeOperation against a real database: a root provider with VCPU and DISK_GB, a consumer using both, and an empty child.</summary>
public sealed class ReshapeOperationTests : IAsyncLifetime, IDisposable
{
    private const string Root = "6de0ba91-c173-4461-9502-4880a6a82422";
    private const string Child = "be8b9cba-e7db-4a12-a386-99b4242167fe";
    private const string Consumer = "599ffd2d-526a-4b2e-8683-f13ad25f9958";
    private const string NewConsumer = "39715579-2167-4c63-8247-301311cc6703";

    private static readonly PlacementSettings Settings = PlacementSettings.From(new OsloConfig([]));

    private readonly TestDatabase _database = new();

    public async Task InitializeAsync()
    {
        await _database.Schema.SyncAsync();
        _database.Execute($"INSERT INTO resource_providers (id, uuid, name, generation, root_provider_id) VALUES (1, '{Root}', 'root', 0, 1)");
        _database.Execute($"INSERT INTO resource_providers (id, uuid, name, generation, root_provider_id, parent_provider_id) VALUES (2, '{Child}', 'child', 0, 1, 1)");
        await using var db = _database.CreateContext();
        var classes = await ResourceClassIds.LoadAsync(db, CancellationToken.None);
        await InventoryStore.ReplaceAsync(db, await db.ResourceProviders.SingleAsync(p => p.Uuid == Root), classes,
            new Dictionary<KnownResourceClass, Capacity> { [classes.Resolve("VCPU")] = Capacity.WithDefaults(8), [classes.Resolve("DISK_GB")] = Capacity.WithDefaults(100) },
            CancellationToken.None);
        await new AllocationWriter(db, Settings, NullLogger<AllocationWriter>.Instance).ReplaceAsync(
            [Allocations(Consumer, generation: null, (Root, "VCPU", 2), (Root, "DISK_GB", 10))], CancellationToken.None);
        // Root: generation 2 (inventory, allocation); the consumer: generation 1.
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _database.Dispose();

    [Fact]
    public void TheInterimInventoriesAreTheCurrentOnesWithTheWantedOnesLaidOver()
    {
        var current = new[]
        {
            new InventoryRecord("VCPU", Capacity.WithDefaults(8), null),
            new InventoryRecord("DISK_GB", Capacity.WithDefaults(100), null),
        };

        var interim = ReshapeOperation.Interim(current, new Dictionary<string, Capacity> { ["DISK_GB"] = Capacity.WithDefaults(50), ["MEMORY_MB"] = Capacity.WithDefaults(64) });

        Assert.Equal(
            ["DISK_GB 50", "MEMORY_MB 64", "VCPU 8"],
            interim.Select(i => $"{i.Key} {i.Value.Total}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task InventoryMovesToTheChildWithTheAllocationsDrawnFromIt()
    {
        await RunAsync(
            [Wanted(Root, ("DISK_GB", 100)), Wanted(Child, ("VCPU", 8))],
            Allocations(Consumer, generation: 1, (Root, "DISK_GB", 10), (Child, "VCPU", 2)));

        Assert.Equal([$"{Root} DISK_GB 100", $"{Child} VCPU 8"], Inventories());
        Assert.Equal([$"{Root} DISK_GB 10", $"{Child} VCPU 2"], AllocationRows());
        // Interim inventories, allocations, final inventories: three bumps each, as upstream.
        Assert.Equal(["5", "3"], Generations());
        Assert.Equal(["2"], _database.Query($"SELECT generation FROM consumers WHERE uuid = '{Consumer}'"));
    }

    [Fact]
    public async Task AnInventoryMayShrinkBelowItsUsageWhenTheNewAllocationsFit()
    {
        await RunAsync([Wanted(Root, ("VCPU", 1), ("DISK_GB", 100))], Allocations(Consumer, generation: 1, (Root, "VCPU", 1), (Root, "DISK_GB", 10)));

        Assert.Equal([$"{Root} DISK_GB 100", $"{Root} VCPU 1"], Inventories());
        Assert.Equal([$"{Root} DISK_GB 10", $"{Root} VCPU 1"], AllocationRows());
    }

    [Fact]
    public async Task AllocationsThatDoNotFitUndoEverything()
    {
        var refusal = await Assert.ThrowsAsync<AllocationWriteException>(() => RunAsync(
            [Wanted(Root, ("DISK_GB", 100)), Wanted(Child, ("VCPU", 8))],
            Allocations(NewConsumer, generation: null, (Root, "DISK_GB", 10)),
            Allocations(Consumer, generation: 1, (Root, "DISK_GB", 10), (Child, "VCPU", 9))));

        Assert.Equal(AllocationWriteFailure.InvalidInventory, refusal.Failure);
        AssertNothingChanged();
    }

    [Fact]
    public async Task InventoryLeftWithAllocationsCannotBeRemoved()
    {
        var refusal = await Assert.ThrowsAsync<InventoryInUseException>(() => RunAsync([Wanted(Root, ("DISK_GB", 100)), Wanted(Child, ("VCPU", 8))]));

        Assert.Equal($"Inventory for 'VCPU' on resource provider '{Root}' in use.", refusal.Message);
        AssertNothingChanged();
    }

    [Fact]
    public async Task AnUnknownInventoryClassIsReportedAfterConsumerConflictsButBeforeAllocationsThatDoNotFit()
    {
        var consumerConflict = await Assert.ThrowsAsync<PlacementException>(
            () => RunAsync([Wanted(Root, ("COWS", 1))], Allocations(Consumer, generation: 7, (Root, "VCPU", 1))));
        var noRoom = await Assert.ThrowsAsync<UnknownResourceClassException>(
            () => RunAsync([Wanted(Root, ("COWS", 1))], Allocations(Consumer, generation: 1, (Root, "VCPU", 99))));
        var fits = await Assert.ThrowsAsync<UnknownResourceClassException>(
            () => RunAsync([Wanted(Root, ("VCPU", 8), ("COWS", 1))], Allocations(Consumer, generation: 1, (Root, "VCPU", 1))));

        Assert.Equal("consumer generation conflict - expected 1 but got 7", consumerConflict.Message);
        Assert.Equal("No such resource class COWS.", noRoom.Message);
        Assert.Equal("No such resource class COWS.", fits.Message);
        AssertNothingChanged();
    }

    [Fact]
    public async Task AProviderThatMovedAfterItsGenerationWasCheckedIsAConcurrentUpdate()
    {
        await using var db = _database.CreateContext();
        var child = await db.ResourceProviders.SingleAsync(p => p.Uuid == Child);
        _database.Execute($"UPDATE resource_providers SET generation = 1 WHERE uuid = '{Child}'");

        await Assert.ThrowsAsync<ProviderGenerationMovedException>(
            () => Operation(db).RunAsync([new ProviderInventories(child, new Dictionary<string, Capacity>())], [], CancellationToken.None));
    }

    [Fact]
    public async Task NoInventoriesRemovesThemAllInOneGenerationStep()
    {
        await RunAsync([Wanted(Child, ("VCPU", 8))]);

        await RunAsync([Wanted(Child)]);

        Assert.Equal([$"{Root} DISK_GB 100", $"{Root} VCPU 8"], Inventories());
        // 2 for the first reshape (interim, final), 1 for the second (final only).
        Assert.Equal(["2", "3"], Generations());
    }

    private static ReshapeOperation Operation(PlacementDbContext db) =>
        new(db, new AllocationWriter(db, Settings, NullLogger<AllocationWriter>.Instance), NullLogger<ReshapeOperation>.Instance);

    private async Task RunAsync((string Provider, Dictionary<string, Capacity> Inventories)[] wanted, params ConsumerAllocations[] allocations)
    {
        await using var db = _database.CreateContext();
        var inventories = new List<ProviderInventories>();
        foreach (var (uuid, capacities) in wanted)
        {
            inventories.Add(new ProviderInventories(await db.ResourceProviders.SingleAsync(p => p.Uuid == uuid), capacities));
        }
        await Operation(db).RunAsync(inventories, allocations, CancellationToken.None);
    }

    private static (string Provider, Dictionary<string, Capacity> Inventories) Wanted(string provider, params (string Class, int Total)[] inventories) =>
        (provider, inventories.ToDictionary(i => i.Class, i => Capacity.WithDefaults(i.Total)));

    private static ConsumerAllocations Allocations(string consumer, long? generation, params (string Provider, string Class, long Amount)[] amounts) => new()
    {
        ConsumerUuid = consumer,
        Resources = amounts.GroupBy(a => a.Provider).ToDictionary(
            g => g.Key, g => (IReadOnlyDictionary<string, long>)g.ToDictionary(a => a.Class, a => a.Amount)),
        Owner = new ConsumerOwner("project", "user"),
        Generation = new ExpectedGeneration(generation),
    };

    private void AssertNothingChanged()
    {
        Assert.Equal([$"{Root} DISK_GB 100", $"{Root} VCPU 8"], Inventories());
        Assert.Equal([$"{Root} DISK_GB 10", $"{Root} VCPU 2"], AllocationRows());
        Assert.Equal(["2", "0"], Generations());
        Assert.Equal([Consumer], _database.Query("SELECT uuid FROM consumers"));
    }

    private IReadOnlyList<string> Inventories() => _database.Query(
        "SELECT p.uuid || ' ' || rc.name || ' ' || i.total FROM inventories i JOIN resource_providers p ON p.id = i.resource_provider_id "
        + "JOIN resource_classes rc ON rc.id = i.resource_class_id ORDER BY 1");

    private IReadOnlyList<string> AllocationRows() => _database.Query(
        "SELECT p.uuid || ' ' || rc.name || ' ' || a.used FROM allocations a JOIN resource_providers p ON p.id = a.resource_provider_id "
        + "JOIN resource_classes rc ON rc.id = a.resource_class_id ORDER BY 1");

    /// <summary>Root's, then the child's.</summary>
    private IReadOnlyList<string> Generations() => _database.Query("SELECT generation FROM resource_providers ORDER BY id");
}
