using Microsoft.EntityFrameworkCore;
using Placement.Api.Database;
using Placement.Api.Database.Entities;
using Placement.Api.Http;
using Placement.Api.ResourceProviders;
using Placement.Api.Tests.Database;

namespace Placement.Api.Tests.ResourceProviders;

/// <summary>The list filters and tree rules against a real (SQLite) database.</summary>
public sealed class ResourceProviderStoreTests : IAsyncLifetime, IDisposable
{
    private const int DiskGb = 2;
    private static readonly Microversion Latest = Microversion.Max;

    private readonly TestDatabase _database = new();
    private PlacementDbContext _db = null!;
    private ResourceProviderStore _store = null!;

    public async Task InitializeAsync()
    {
        await _database.Schema.SyncAsync();
        _db = _database.CreateContext();
        _store = new ResourceProviderStore(_db);
    }

    public Task DisposeAsync() => _db.DisposeAsync().AsTask();

    public void Dispose() => _database.Dispose();

    private Task<ProviderRecord> Create(string name, string? parent = null) =>
        _store.CreateAsync(Guid.NewGuid().ToString(), name, parent, CancellationToken.None);

    private async Task<List<string?>> Names(params (string Key, string Value)[] parameters)
    {
        var query = ProviderListQuery.Parse([.. parameters.Select(p => KeyValuePair.Create(p.Key, p.Value))], Latest);
        return [.. (await _store.ListAsync(query, CancellationToken.None)).Select(p => p.Name)];
    }

    [Fact]
    public async Task ResourcesFilterKeepsProvidersWithCapacityWithinUnitLimits()
    {
        var disk = await Create("disk");
        await Create("empty");
        _db.Inventories.Add(new Inventory
        {
            ResourceProviderId = disk.Id,
            ResourceClassId = DiskGb,
            Total = 1000,
            Reserved = 100,
            MinUnit = 10,
            MaxUnit = 600,
            StepSize = 10,
            AllocationRatio = 1.5,
        });
        _db.Allocations.Add(new Allocation { ResourceProviderId = disk.Id, ResourceClassId = DiskGb, ConsumerId = "c1", Used = 800 });
        await _db.SaveChangesAsync();

        // (1000 - 100) * 1.5 - 800 = 550 free.
        Assert.Equal(["disk"], await Names(("resources", "DISK_GB:550")));
        Assert.Empty(await Names(("resources", "DISK_GB:560")));
        Assert.Empty(await Names(("resources", "DISK_GB:5")));
        Assert.Empty(await Names(("resources", "DISK_GB:15")));
        Assert.Empty(await Names(("resources", "DISK_GB:10,VCPU:1")));
        var unknown = await Assert.ThrowsAsync<PlacementException>(() => Names(("resources", "CUSTOM_NOPE:1")));
        Assert.Equal("Invalid resource class in resources parameter: No such resource class CUSTOM_NOPE.", unknown.Message);
    }

    [Fact]
    public async Task TraitFiltersCombineAllOfAnyOfAndNoneOf()
    {
        var traits = await _db.Traits.Where(t => t.Name.StartsWith("HW_CPU_X86_")).OrderBy(t => t.Id).Take(4).ToListAsync();
        var (a, b, c, unused) = (traits[0], traits[1], traits[2], traits[3]);
        var left = await Create("left");
        var right = await Create("right");
        await Create("none");
        _db.ResourceProviderTraits.AddRange(
            new ResourceProviderTrait { ResourceProviderId = left.Id, TraitId = a.Id },
            new ResourceProviderTrait { ResourceProviderId = right.Id, TraitId = b.Id },
            new ResourceProviderTrait { ResourceProviderId = right.Id, TraitId = c.Id });
        await _db.SaveChangesAsync();

        Assert.Equal(["left", "right"], await Names(("required", $"in:{a.Name},{b.Name}")));
        Assert.Equal(["right"], await Names(("required", $"in:{a.Name},{b.Name}"), ("required", c.Name)));
        Assert.Equal(["left", "none"], await Names(("required", $"!{c.Name}")));
        var unknown = await Assert.ThrowsAsync<PlacementException>(() => Names(("required", "CUSTOM_NOPE")));
        Assert.Equal("Invalid trait(s) in \"required\" parameter: No such trait(s): CUSTOM_NOPE.", unknown.Message);
        // As upstream: when no provider has the required traits, later filters are not looked at.
        Assert.Empty(await Names(("required", $"{unused.Name},!CUSTOM_NOPE"), ("resources", "CUSTOM_NOPE:1")));
    }

    [Fact]
    public async Task MemberOfNeedsOneAggregateOfEachSetAndNoneForbidden()
    {
        var (agg1, agg2, unknownAgg) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        var aggregates = new[] { new PlacementAggregate { Uuid = agg1 }, new PlacementAggregate { Uuid = agg2 } };
        _db.PlacementAggregates.AddRange(aggregates);
        var one = await Create("one");
        var both = await Create("both");
        await Create("neither");
        _db.ResourceProviderAggregates.AddRange(
            new ResourceProviderAggregate { ResourceProviderId = one.Id, AggregateId = aggregates[0].Id },
            new ResourceProviderAggregate { ResourceProviderId = both.Id, AggregateId = aggregates[0].Id },
            new ResourceProviderAggregate { ResourceProviderId = both.Id, AggregateId = aggregates[1].Id });
        await _db.SaveChangesAsync();

        Assert.Equal(["one", "both"], await Names(("member_of", $"in:{agg1},{unknownAgg}")));
        Assert.Equal(["both"], await Names(("member_of", agg1), ("member_of", agg2)));
        Assert.Empty(await Names(("member_of", unknownAgg)));
        Assert.Equal(["one", "neither"], await Names(("member_of", $"!{agg2}")));
    }

    [Fact]
    public async Task ReparentingMovesTheWholeSubtreeAndRefusesLoops()
    {
        var root = await Create("root");
        var child = await Create("child", root.Uuid);
        var grandchild = await Create("grandchild", child.Uuid);
        var other = await Create("other");

        var moved = await Update(child, other.Uuid);
        Assert.Equal((other.Uuid, other.Uuid), (moved.ParentProviderUuid, moved.RootProviderUuid));
        Assert.Equal(other.Uuid, (await _store.FindAsync(grandchild.Uuid, CancellationToken.None))!.RootProviderUuid);

        var loop = await Assert.ThrowsAsync<PlacementException>(() => Update(child, grandchild.Uuid));
        Assert.Equal($"Unable to save resource provider {child.Uuid}: Object action update failed because: creating loop in the provider tree is not allowed.", loop.Message);

        var unparented = await Update(child, null);
        Assert.Equal((null, child.Uuid), (unparented.ParentProviderUuid, unparented.RootProviderUuid));
        Assert.Equal(["child", "grandchild"], await Names(("in_tree", grandchild.Uuid)));
    }

    [Fact]
    public async Task BeforeVersion137OnlyRootsMayGetAParent()
    {
        var first = await Create("first");
        var second = await Create("second");
        var child = await Create("child");
        await Update(child, first.Uuid, allowReparenting: false);

        var reparent = await Assert.ThrowsAsync<PlacementException>(() => Update(child, second.Uuid, allowReparenting: false));
        Assert.EndsWith("re-parenting a provider is not currently allowed.", reparent.Message);
        var unparent = await Assert.ThrowsAsync<PlacementException>(() => Update(child, null, allowReparenting: false));
        Assert.EndsWith("un-parenting a provider is not currently allowed.", unparent.Message);
    }

    [Fact]
    public async Task DeleteRefusesParentsAndProvidersWithAllocations()
    {
        var parent = await Create("parent");
        var child = await Create("child", parent.Uuid);
        _db.Allocations.Add(new Allocation { ResourceProviderId = child.Id, ResourceClassId = DiskGb, ConsumerId = "c1", Used = 1 });
        await _db.SaveChangesAsync();

        var hasChild = await Assert.ThrowsAsync<PlacementException>(() => _store.DeleteAsync(parent.Uuid, CancellationToken.None));
        Assert.Equal(ErrorCodes.ProviderCannotDeleteParent, hasChild.ErrorCode);
        var inUse = await Assert.ThrowsAsync<PlacementException>(() => _store.DeleteAsync(child.Uuid, CancellationToken.None));
        Assert.Equal(ErrorCodes.ProviderInUse, inUse.ErrorCode);

        await _db.Allocations.ExecuteDeleteAsync();
        await _store.DeleteAsync(child.Uuid, CancellationToken.None);
        await _store.DeleteAsync(parent.Uuid, CancellationToken.None);
        Assert.Empty(await Names());
    }

    [Fact]
    public async Task NamesAndUuidsAreUnique()
    {
        var first = await Create("first");
        var taken = await Assert.ThrowsAsync<PlacementException>(() => _store.CreateAsync(first.Uuid, "first", null, CancellationToken.None));
        Assert.Equal($"Conflicting resource provider uuid: {first.Uuid} already exists.", taken.Message);
        var second = await Create("second");
        var renamed = await Assert.ThrowsAsync<PlacementException>(() => Update(second, null, name: "first"));
        Assert.Equal(ErrorCodes.Duplicate, renamed.ErrorCode);
    }

    [Fact]
    public async Task ANewProviderNeedsANonEmptyName()
    {
        var uuid = Guid.NewGuid().ToString();
        var error = await Assert.ThrowsAsync<PlacementException>(() => _store.CreateAsync(uuid, "", null, CancellationToken.None));
        Assert.Equal($"Unable to create resource provider \"\", {uuid}: Object action create failed because: name is required", error.Message);
    }

    private async Task<ProviderRecord> Update(ProviderRecord provider, string? parentUuid, bool allowReparenting = true, string? name = null)
    {
        var row = await _db.ResourceProviders.SingleAsync(p => p.Id == provider.Id);
        return await _store.UpdateAsync(row, name ?? provider.Name!, setParent: true, parentUuid, allowReparenting, CancellationToken.None);
    }
}
