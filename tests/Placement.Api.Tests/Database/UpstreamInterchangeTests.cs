using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Placement.Api.Database;
using Placement.Api.Database.Entities;

namespace Placement.Api.Tests.Database;

/// <summary>Upstream Placement and this server open each other's databases.</summary>
public class UpstreamInterchangeTests
{
    [UpstreamTheory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public async Task OurSchemaIsByteForByteUpstreamsAndUpstreamCallsItCurrent(string backend)
    {
        using var ours = new TestDatabase(backend);
        using var theirs = new TestDatabase(backend);
        await ours.Schema.SyncAsync();
        await UpstreamPlacement.SyncAsync(theirs.Url);

        Assert.Equal(theirs.SchemaDump(), ours.SchemaDump());
        Assert.Equal(SchemaManager.HeadRevision, await UpstreamPlacement.VersionAsync(ours.Url));

        var schema = ours.SchemaDump();
        await UpstreamPlacement.SyncAsync(ours.Url);
        Assert.Equal(schema, ours.SchemaDump());
    }

    [UpstreamTheory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public async Task UpstreamReadsEveryRowWeWriteAndAddsNoStandardData(string backend)
    {
        using var ours = new TestDatabase(backend);
        await ours.Schema.SyncAsync();
        await using (var context = ours.CreateContext())
        {
            await WriteOneOfEverythingAsync(context);
        }

        var upstream = await UpstreamPlacement.StartAndReadAsync(ours.Url);

        await using (var context = ours.CreateContext())
        {
            Assert.Equal(
                await context.ResourceClasses.OrderBy(rc => rc.Id).Select(rc => $"{rc.Id} {rc.Name}").ToListAsync(),
                upstream.GetProperty("resource_classes").EnumerateArray().Select(rc => $"{rc[0].GetInt32()} {rc[1].GetString()}"));
            Assert.Equal(
                await context.Traits.OrderBy(t => t.Name).Select(t => t.Name).ToListAsync(),
                upstream.GetProperty("traits").EnumerateArray().Select(t => t.GetString()!).Order(StringComparer.Ordinal));
            var project = await context.Projects.SingleAsync();
            var upstreamProject = upstream.GetProperty("rows").GetProperty("projects")[0];
            Assert.Equal(project.CreatedAt, ParseIsoformat(upstreamProject.GetProperty("created_at").GetString()!));
            Assert.Equal(project.UpdatedAt, ParseIsoformat(upstreamProject.GetProperty("updated_at").GetString()!));
        }

        foreach (var table in upstream.GetProperty("rows").EnumerateObject())
        {
            Assert.Equal(ours.Query($"SELECT count(*) FROM {table.Name}")[0], table.Value.GetArrayLength().ToString(CultureInfo.InvariantCulture));
        }
    }

    [UpstreamTheory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public async Task WeAcceptADatabaseUpstreamCreatedAsCurrent(string backend)
    {
        using var theirs = new TestDatabase(backend);
        var upstream = await UpstreamPlacement.StartAndReadAsync(theirs.Url);

        Assert.Equal(SchemaManager.HeadRevision, await theirs.Schema.CurrentRevisionAsync());
        await theirs.Schema.EnsureReadyAsync();

        await using var context = theirs.CreateContext();
        Assert.Equal(
            upstream.GetProperty("resource_classes").EnumerateArray().Select(rc => $"{rc[0].GetInt32()} {rc[1].GetString()}"),
            await context.ResourceClasses.OrderBy(rc => rc.Id).Select(rc => $"{rc.Id} {rc.Name}").ToListAsync());
        // Debian's os-traits is older than our list: we add the newer traits, upstream's rows stay.
        var traits = await context.Traits.ToListAsync();
        Assert.Equal(StandardData.Traits.Order(StringComparer.Ordinal), traits.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.All(traits, t => Assert.Equal(DateTimeKind.Utc, t.CreatedAt!.Value.Kind));
    }

    [UpstreamTheory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public async Task SyncUpgradesADatabaseOfPlacement8ToUpstreamMastersHead(string backend)
    {
        using var placement8 = new TestDatabase(backend);
        using var master = new TestDatabase(backend);
        await UpstreamPlacement.SyncAsync(placement8.Url, atMasterHead: false);
        await UpstreamPlacement.SyncAsync(master.Url);

        var error = await Assert.ThrowsAsync<DatabaseSchemaException>(() => placement8.Schema.EnsureReadyAsync());
        Assert.Contains("422ece571366", error.Message);

        await placement8.Schema.SyncAsync();

        Assert.Equal(master.SchemaDump(), placement8.SchemaDump());
        Assert.Equal(SchemaManager.HeadRevision, await UpstreamPlacement.VersionAsync(placement8.Url));
    }

    private static async Task WriteOneOfEverythingAsync(PlacementDbContext context)
    {
        var project = new Project { ExternalId = "project" };
        var user = new User { ExternalId = "user" };
        var consumerType = new ConsumerType { Name = "INSTANCE" };
        var provider = new ResourceProvider { Uuid = Guid.NewGuid().ToString(), Name = "rp", Generation = 0 };
        var aggregate = new PlacementAggregate { Uuid = Guid.NewGuid().ToString() };
        var trait = new Trait { Name = "CUSTOM_GOLD" };
        context.AddRange(project, user, consumerType, provider, aggregate, trait,
            new ResourceClass { Id = ResourceClass.MinCustomId, Name = "CUSTOM_MAGIC" });
        await context.SaveChangesAsync();

        provider.RootProviderId = provider.Id;
        project.ExternalId = "project-renamed"; // gives the project an updated_at
        var consumer = new Consumer { Uuid = Guid.NewGuid().ToString(), ProjectId = project.Id, UserId = user.Id, ConsumerTypeId = consumerType.Id };
        context.AddRange(
            consumer,
            new Inventory { ResourceProviderId = provider.Id, ResourceClassId = 0, Total = 8, MinUnit = 1, MaxUnit = 8, StepSize = 1, AllocationRatio = 16.0 },
            new Allocation { ResourceProviderId = provider.Id, ResourceClassId = 0, ConsumerId = consumer.Uuid, Used = 2 },
            new ResourceProviderTrait { ResourceProviderId = provider.Id, TraitId = trait.Id },
            new ResourceProviderAggregate { ResourceProviderId = provider.Id, AggregateId = aggregate.Id });
        await context.SaveChangesAsync();
    }

    private static DateTime ParseIsoformat(string text) =>
        DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
