using Placement.Api.Tests.Database;
using Placement.Api.Usages;

namespace Placement.Api.Tests.Usages;

public sealed class UsageStoreTests : IDisposable
{
    private readonly TestDatabase _database = new();

    public UsageStoreTests()
    {
        _database.Schema.SyncAsync().GetAwaiter().GetResult();
        // Project p1: c1 (INSTANCE, user u1) uses VCPU and DISK_GB, c2 (no type, user u2) and
        // c3 (no type, user u1) use DISK_GB and MEMORY_MB. Project p2's c4 must never count.
        _database.Execute("""
            INSERT INTO resource_providers (id, uuid, name, generation, root_provider_id) VALUES (1, 'rp', 'rp', 0, 1);
            INSERT INTO inventories (resource_provider_id, resource_class_id, total, reserved, min_unit, max_unit, step_size, allocation_ratio)
                VALUES (1, 0, 8, 0, 1, 8, 1, 1.0), (1, 1, 1024, 0, 1, 1024, 1, 1.0), (1, 2, 100, 0, 1, 100, 1, 1.0), (1, 9, 10, 0, 1, 10, 1, 1.0);
            INSERT INTO projects (id, external_id) VALUES (1, 'p1'), (2, 'p2');
            INSERT INTO users (id, external_id) VALUES (1, 'u1'), (2, 'u2');
            INSERT INTO consumer_types (id, name) VALUES (1, 'INSTANCE');
            INSERT INTO consumers (id, uuid, project_id, user_id, generation, consumer_type_id)
                VALUES (1, 'c1', 1, 1, 0, 1), (2, 'c2', 1, 2, 0, NULL), (3, 'c3', 1, 1, 0, NULL), (4, 'c4', 2, 1, 0, 1);
            INSERT INTO allocations (resource_provider_id, consumer_id, resource_class_id, used)
                VALUES (1, 'c1', 0, 2), (1, 'c1', 2, 10), (1, 'c2', 2, 5), (1, 'c2', 1, 128), (1, 'c3', 1, 256), (1, 'c4', 0, 1);
            """);
    }

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task AProviderShowsEveryInventoryClassWithItsUsage()
    {
        await using var db = _database.CreateContext();
        var provider = db.ResourceProviders.Single();
        Assert.Equal(
            new Dictionary<string, long> { ["VCPU"] = 3, ["MEMORY_MB"] = 384, ["DISK_GB"] = 15, ["IPV4_ADDRESS"] = 0 },
            await UsageStore.OfProviderAsync(db, provider, CancellationToken.None));
    }

    [Fact]
    public async Task AProjectSumsItsConsumersOrOneUsers()
    {
        await using var db = _database.CreateContext();
        Assert.Equal(
            new Dictionary<string, long> { ["VCPU"] = 2, ["MEMORY_MB"] = 384, ["DISK_GB"] = 15 },
            await UsageStore.OfProjectAsync(db, "p1", null, CancellationToken.None));
        Assert.Equal(
            new Dictionary<string, long> { ["MEMORY_MB"] = 128, ["DISK_GB"] = 5 },
            await UsageStore.OfProjectAsync(db, "p1", "u2", CancellationToken.None));
        Assert.Empty(await UsageStore.OfProjectAsync(db, "p3", null, CancellationToken.None));
    }

    [Theory]
    [InlineData(null, "INSTANCE: 1 consumers, DISK_GB=10, VCPU=2 | unknown: 2 consumers, DISK_GB=5, MEMORY_MB=384")]
    [InlineData("INSTANCE", "INSTANCE: 1 consumers, DISK_GB=10, VCPU=2")]
    [InlineData("all", "all: 3 consumers, DISK_GB=15, MEMORY_MB=384, VCPU=2")]
    [InlineData("unknown", "unknown: 2 consumers, DISK_GB=5, MEMORY_MB=384")]
    [InlineData("PONY", "")]
    public async Task ConsumerTypesGroupUsagesAndCountDistinctConsumers(string? consumerType, string expected)
    {
        await using var db = _database.CreateContext();
        var usages = await UsageStore.ByConsumerTypeAsync(db, "p1", null, consumerType, CancellationToken.None);
        var described = usages.OrderBy(u => u.Key, StringComparer.Ordinal).Select(u =>
            $"{u.Key}: {u.Value.ConsumerCount} consumers, "
            + string.Join(", ", u.Value.Amounts.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}")));
        Assert.Equal(expected, string.Join(" | ", described));
    }
}
