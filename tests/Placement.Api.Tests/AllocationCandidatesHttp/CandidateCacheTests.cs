using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Placement.Api.AllocationCandidates;
using Placement.Api.AllocationCandidates.Engine;
using Placement.Api.AllocationCandidates.Snapshots;
using Placement.Api.Database;
using Placement.Api.Database.Entities;
using Placement.Api.Http;
using Placement.Api.ResourceProviders;
using Placement.Api.Tests.Database;

namespace Placement.Api.Tests.AllocationCandidatesHttp;

/// <summary>The cache, its loader and the name check against a real (SQLite) database, seen through the engine's answers.</summary>
public sealed class CandidateCacheTests : IAsyncLifetime, IDisposable
{
    private const int Vcpu = 0;
    private const int DiskGb = 2;

    private readonly TestDatabase _database = new();
    private CandidateCache _cache = null!;
    private PlacementDbContext _db = null!;

    public async Task InitializeAsync()
    {
        await _database.Schema.SyncAsync();
        _db = _database.CreateContext();
        _cache = new CandidateCache(
            _database.Services.GetRequiredService<IDbContextFactory<PlacementDbContext>>(),
            _database.Services.GetRequiredService<DatabaseOutageDetector>(),
            _database.Services.GetRequiredService<SchemaReadiness>(),
            NullLogger<CandidateCache>.Instance);
    }

    public Task DisposeAsync() => _db.DisposeAsync().AsTask();

    public void Dispose() => _database.Dispose();

    private Task<ProviderRecord> Create(string name, string? parent = null) =>
        new ResourceProviderStore(_db).CreateAsync(Guid.NewGuid().ToString(), name, parent, CancellationToken.None);

    private void AddInventory(ProviderRecord provider, int resourceClass, int total, int used = 0)
    {
        _db.Inventories.Add(new Api.Database.Entities.Inventory
        {
            ResourceProviderId = provider.Id,
            ResourceClassId = resourceClass,
            Total = total,
            MinUnit = 1,
            MaxUnit = total,
            StepSize = 1,
            AllocationRatio = 1.0,
        });
        if (used > 0)
        {
            _db.Allocations.Add(new Allocation { ResourceProviderId = provider.Id, ResourceClassId = resourceClass, ConsumerId = "c", Used = used });
        }
    }

    private async Task AddTrait(ProviderRecord provider, string name)
    {
        var trait = await _db.Traits.SingleAsync(t => t.Name == name);
        _db.ResourceProviderTraits.Add(new ResourceProviderTrait { ResourceProviderId = provider.Id, TraitId = trait.Id });
    }

    private async Task<CandidateResult> Find(params (string Key, string Value)[] parameters)
    {
        var request = CandidateQuery.Parse([.. parameters.Select(p => KeyValuePair.Create(p.Key, p.Value))], Microversion.Max);
        var snapshot = await _cache.FreshSnapshotAsync(CancellationToken.None);
        CandidateNameCheck.Check(snapshot, request);
        return CandidateEngine.Find(snapshot, request, new CandidateOptions());
    }

    [Fact]
    public async Task TreesTraitsInventoriesAndUsageReachTheEngine()
    {
        var compute = await Create("compute");
        var numa = await Create("numa", compute.Uuid);
        AddInventory(compute, DiskGb, 100, used: 30);
        AddInventory(numa, Vcpu, 8, used: 6);
        await AddTrait(numa, "HW_NUMA_ROOT");
        await _db.SaveChangesAsync();

        var result = await Find(("resources", "DISK_GB:70,VCPU:2"), ("required", "HW_NUMA_ROOT"));

        var candidate = Assert.Single(result.AllocationRequests);
        Assert.Equal(new[] { Guid.Parse(compute.Uuid), Guid.Parse(numa.Uuid) }.Order(), candidate.Allocations.Select(a => a.ProviderUuid).Order());
        var numaSummary = result.ProviderSummaries.Single(s => s.Uuid == Guid.Parse(numa.Uuid));
        Assert.Equal(Guid.Parse(compute.Uuid), numaSummary.ParentUuid);
        Assert.Equal(Guid.Parse(compute.Uuid), numaSummary.RootUuid);
        Assert.Equal([new SummaryResource("VCPU", 8, 6)], numaSummary.Resources);
        Assert.Equal(["HW_NUMA_ROOT"], numaSummary.Traits);
        // Usage counts: 31 GB more is more than is left.
        Assert.Empty((await Find(("resources", "DISK_GB:71"))).AllocationRequests);
    }

    [Fact]
    public async Task AggregatesReachTheEngine()
    {
        var inAggregate = await Create("in");
        var outside = await Create("out");
        AddInventory(inAggregate, Vcpu, 4);
        AddInventory(outside, Vcpu, 4);
        var aggregate = new PlacementAggregate { Uuid = Guid.NewGuid().ToString() };
        _db.PlacementAggregates.Add(aggregate);
        await _db.SaveChangesAsync();
        _db.ResourceProviderAggregates.Add(new ResourceProviderAggregate { ResourceProviderId = inAggregate.Id, AggregateId = aggregate.Id });
        await _db.SaveChangesAsync();

        var candidate = Assert.Single((await Find(("resources", "VCPU:1"), ("member_of", aggregate.Uuid!))).AllocationRequests);
        Assert.Equal(Guid.Parse(inAggregate.Uuid), Assert.Single(candidate.Allocations).ProviderUuid);
        Assert.Equal(2, (await Find(("resources", "VCPU:1"))).AllocationRequests.Count);
    }

    [Fact]
    public async Task ChangesAfterTheTopologyIsCachedAreSeen()
    {
        var compute = await Create("compute");
        var other = await Create("other");
        AddInventory(compute, Vcpu, 4);
        await _db.SaveChangesAsync();
        Assert.Single((await Find(("resources", "VCPU:1"))).AllocationRequests);

        // New inventory on another provider.
        AddInventory(other, Vcpu, 4);
        await _db.SaveChangesAsync();
        Assert.Equal(2, (await Find(("resources", "VCPU:1"))).AllocationRequests.Count);

        // An inventory's total shrinks.
        var inventory = await _db.Inventories.SingleAsync(i => i.ResourceProviderId == other.Id);
        inventory.Total = 1;
        inventory.MaxUnit = 1;
        await _db.SaveChangesAsync();
        Assert.Single((await Find(("resources", "VCPU:2"))).AllocationRequests);

        // A trait is added.
        await AddTrait(compute, "HW_CPU_X86_AVX2");
        await _db.SaveChangesAsync();
        Assert.Single((await Find(("resources", "VCPU:1"), ("required", "HW_CPU_X86_AVX2"))).AllocationRequests);

        // It moves to the other provider (the cache patches both in place).
        await _db.ResourceProviderTraits.Where(t => t.ResourceProviderId == compute.Id).ExecuteDeleteAsync();
        _db.ChangeTracker.Clear();
        await AddTrait(other, "HW_CPU_X86_AVX2");
        await _db.SaveChangesAsync();
        Assert.Equal(Guid.Parse(other.Uuid), Assert.Single(Assert.Single((await Find(("resources", "VCPU:1"), ("required", "HW_CPU_X86_AVX2"))).AllocationRequests).Allocations).ProviderUuid);
        await _db.ResourceProviderTraits.Where(t => t.ResourceProviderId == other.Id).ExecuteDeleteAsync();
        _db.ChangeTracker.Clear();
        await AddTrait(compute, "HW_CPU_X86_AVX2");
        await _db.SaveChangesAsync();

        // Usage grows.
        _db.Allocations.Add(new Allocation { ResourceProviderId = compute.Id, ResourceClassId = Vcpu, ConsumerId = "c", Used = 4 });
        await _db.SaveChangesAsync();
        Assert.Empty((await Find(("resources", "VCPU:1"), ("required", "HW_CPU_X86_AVX2"))).AllocationRequests);
    }

    [Fact]
    public async Task UnknownNamesAreRejectedInUpstreamsOrder()
    {
        var unknownClass = await Assert.ThrowsAsync<PlacementException>(() => Find(("resources", "VCPU:1,MCPU:1")));
        Assert.Equal("Invalid resource class in resources parameter: No such resource class MCPU.", unknownClass.Message);
        var unknownTrait = await Assert.ThrowsAsync<PlacementException>(() => Find(("resources", "VCPU:1"), ("required", "!CUSTOM_NOPE")));
        Assert.Equal("No such trait(s): CUSTOM_NOPE.", unknownTrait.Message);
        // root_required is resolved before the groups.
        var rootFirst = await Assert.ThrowsAsync<PlacementException>(
            () => Find(("resources", "MCPU:1"), ("root_required", "CUSTOM_ROOT")));
        Assert.Equal("No such trait(s): CUSTOM_ROOT.", rootFirst.Message);
    }

    private ChangeLogPruner Pruner() => new(
        _database.Services.GetRequiredService<IDbContextFactory<PlacementDbContext>>(),
        _database.Services.GetRequiredService<DatabaseUrl>(),
        _database.Services.GetRequiredService<SchemaReadiness>(),
        NullLogger<ChangeLogPruner>.Instance);

    private long Head() => long.Parse(_database.Query("SELECT value FROM change_log_counters WHERE name = 'head'").Single(), System.Globalization.CultureInfo.InvariantCulture);

    private async Task<List<Guid>> ProvidersOffering(params (string Key, string Value)[] parameters) =>
        [.. (await Find(parameters)).AllocationRequests.SelectMany(c => c.Allocations.Select(a => a.ProviderUuid)).Distinct().Order()];

    [Fact]
    public async Task DeletedProvidersTraitLinksAndAggregateLinksAreGoneFromTheAnswers()
    {
        var kept = await Create("kept");
        var deleted = await Create("deleted");
        AddInventory(kept, Vcpu, 4);
        AddInventory(deleted, Vcpu, 4);
        await AddTrait(kept, "HW_CPU_X86_AVX2");
        var aggregate = new PlacementAggregate { Uuid = Guid.NewGuid().ToString() };
        _db.PlacementAggregates.Add(aggregate);
        await _db.SaveChangesAsync();
        _db.ResourceProviderAggregates.Add(new ResourceProviderAggregate { ResourceProviderId = kept.Id, AggregateId = aggregate.Id });
        await _db.SaveChangesAsync();
        Assert.Equal(2, (await ProvidersOffering(("resources", "VCPU:1"))).Count);
        Assert.Single(await ProvidersOffering(("resources", "VCPU:1"), ("required", "HW_CPU_X86_AVX2")));
        Assert.Single(await ProvidersOffering(("resources", "VCPU:1"), ("member_of", aggregate.Uuid!)));

        await new ResourceProviderStore(_db).DeleteAsync(deleted.Uuid, CancellationToken.None);
        await _db.ResourceProviderTraits.Where(t => t.ResourceProviderId == kept.Id).ExecuteDeleteAsync();
        await _db.ResourceProviderAggregates.Where(a => a.ResourceProviderId == kept.Id).ExecuteDeleteAsync();

        Assert.Equal([Guid.Parse(kept.Uuid)], await ProvidersOffering(("resources", "VCPU:1")));
        Assert.Empty(await ProvidersOffering(("resources", "VCPU:1"), ("required", "HW_CPU_X86_AVX2")));
        Assert.Empty(await ProvidersOffering(("resources", "VCPU:1"), ("member_of", aggregate.Uuid!)));
    }

    [Fact]
    public async Task ChangesPrunedPastTheCachesPositionAreStillSeen()
    {
        var first = await Create("first");
        AddInventory(first, Vcpu, 4);
        await _db.SaveChangesAsync();
        Assert.Single(await ProvidersOffering(("resources", "VCPU:1")));

        var second = await Create("second");
        AddInventory(second, Vcpu, 4);
        await _db.SaveChangesAsync();
        await Pruner().PruneAsync(Head(), CancellationToken.None);

        Assert.Equal(["0"], _database.Query("SELECT count(*) FROM change_log"));
        Assert.Equal(2, (await ProvidersOffering(("resources", "VCPU:1"))).Count);
    }

    /// <summary>
    /// A database restored from a backup, or a replica promoted without the last commits: the log's head goes back,
    /// and new changes may reuse the seqs the cache had read. The cache must read everything again.
    /// </summary>
    [Fact]
    public async Task AChangeLogThatWentBackIsReadWhole()
    {
        var compute = await Create("compute");
        AddInventory(compute, Vcpu, 4);
        await _db.SaveChangesAsync();
        var before = Head();
        Assert.Single(await ProvidersOffering(("resources", "VCPU:1")));

        // Lost: a second provider with inventory, seen by the cache.
        var lost = await Create("lost");
        AddInventory(lost, Vcpu, 4);
        await _db.SaveChangesAsync();
        Assert.Equal(2, (await ProvidersOffering(("resources", "VCPU:1"))).Count);
        var lostHead = Head();

        // The database goes back to `before`, then takes as many other changes (traits on the first provider).
        _database.Execute($"DELETE FROM inventories WHERE resource_provider_id = {lost.Id}");
        _database.Execute($"DELETE FROM resource_providers WHERE id = {lost.Id}");
        _database.Execute($"DELETE FROM change_log WHERE seq > {before}");
        _database.Execute($"UPDATE change_log_counters SET value = {before} WHERE name = 'head'");
        Assert.Single(await ProvidersOffering(("resources", "VCPU:1")));
        var traits = await _db.Traits.Where(t => t.Name.StartsWith("HW_CPU_X86_")).Take((int)(lostHead - before) + 1).ToListAsync();
        foreach (var trait in traits)
        {
            _db.ResourceProviderTraits.Add(new ResourceProviderTrait { ResourceProviderId = compute.Id, TraitId = trait.Id });
        }
        await _db.SaveChangesAsync();
        Assert.True(Head() > lostHead);

        Assert.Equal([Guid.Parse(compute.Uuid)], await ProvidersOffering(("resources", "VCPU:1"), ("required", traits[^1].Name)));
        Assert.Equal([Guid.Parse(compute.Uuid)], await ProvidersOffering(("resources", "VCPU:1")));
    }

    [Fact]
    public async Task MostProvidersChangedAtOnceAreReadWhole()
    {
        var providers = new List<ProviderRecord>();
        for (var i = 0; i < 8; i++)
        {
            providers.Add(await Create($"p{i}"));
            AddInventory(providers[^1], Vcpu, 4);
        }
        await _db.SaveChangesAsync();
        Assert.Equal(8, (await ProvidersOffering(("resources", "VCPU:1"))).Count);

        // Six of eight lose their inventory: more than a quarter of the cloud.
        await _db.Inventories.Where(i => i.ResourceProviderId != providers[0].Id && i.ResourceProviderId != providers[1].Id).ExecuteDeleteAsync();

        Assert.Equal(new[] { providers[0], providers[1] }.Select(p => Guid.Parse(p.Uuid)).Order(), await ProvidersOffering(("resources", "VCPU:1")));
    }

    [Fact]
    public async Task TheCloudIsReadAsTheServerStartsNotAtTheFirstRequest()
    {
        var compute = await Create("compute");
        AddInventory(compute, Vcpu, 8);
        await _db.SaveChangesAsync();
        var log = new FakeLogger<CandidateCache>();
        var cache = new CandidateCache(
            _database.Services.GetRequiredService<IDbContextFactory<PlacementDbContext>>(),
            _database.Services.GetRequiredService<DatabaseOutageDetector>(),
            _database.Services.GetRequiredService<SchemaReadiness>(),
            log);
        using var warmUp = new CandidateCacheWarmUp(cache, _database.Services.GetRequiredService<SchemaReadiness>(), NullLogger<CandidateCacheWarmUp>.Instance);

        await warmUp.StartAsync(CancellationToken.None);
        await warmUp.ExecuteTask!;

        Assert.Contains(log.Collector.GetSnapshot(), r => r.Message.StartsWith("Candidates cache loaded 1 providers", StringComparison.Ordinal));
        // The first request finds it loaded.
        await cache.FreshSnapshotAsync(CancellationToken.None);
        Assert.Single(log.Collector.GetSnapshot(), r => r.Message.StartsWith("Candidates cache loaded", StringComparison.Ordinal));
    }
}
