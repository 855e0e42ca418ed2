using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Placement.Api.Database;
using Placement.Api.Database.Entities;

namespace Placement.Api.Tests.Database;

/// <summary>Upstream Placement and this server open each other's databases.</summary>
public class UpstreamInterchangeTests
{
    [UpstreamFact]
    public async Task OurSchemaIsByteForByteUpstreamsAndUpstreamCallsItCurrent()
    {
        using var ours = new TestDatabase();
        using var theirs = new TestDatabase();
        await ours.Schema.SyncAsync();
        await UpstreamPlacement.SyncAsync(theirs.Path);

        Assert.Equal(theirs.SchemaDump(), ours.SchemaDump());
        Assert.Equal(SchemaManager.HeadRevision, await UpstreamPlacement.VersionAsync(ours.Path));

        var schema = ours.SchemaDump();
        await UpstreamPlacement.SyncAsync(ours.Path);
        Assert.Equal(schema, ours.SchemaDump());
    }

    [UpstreamFact]
    public async Task UpstreamReadsEveryRowWeWriteAndAddsNoStandardData()
    {
        using var ours = new TestDatabase();
        await ours.Schema.SyncAsync();
        await using (var context = ours.CreateContext())
        {
            await WriteOneOfEverythingAsync(context);
        }

        var upstream = await UpstreamPlacement.StartAndReadAsync(ours.Path);

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

    [UpstreamFact]
    public async Task WeAcceptADatabaseUpstreamCreatedAsCurrent()
    {
        using var theirs = new TestDatabase();
        var upstream = await UpstreamPlacement.StartAndReadAsync(theirs.Path);

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

    [UpstreamFact]
    public async Task SyncUpgradesADatabaseOfPlacement8ToUpstreamMastersHead()
    {
        using var placement8 = new TestDatabase();
        using var master = new TestDatabase();
        await UpstreamPlacement.SyncAsync(placement8.Path, atMasterHead: false);
        await UpstreamPlacement.SyncAsync(master.Path);

        var error = await Assert.ThrowsAsync<DatabaseSchemaException>(() => placement8.Schema.EnsureReadyAsync());
        Assert.Contains("422ece571366", error.Message);

        await placement8.Schema.SyncAsync();

        Assert.Equal(master.SchemaDump(), placement8.SchemaDump());
        Assert.Equal(SchemaManager.HeadRevision, await UpstreamPlacement.VersionAsync(placement8.Path));
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
