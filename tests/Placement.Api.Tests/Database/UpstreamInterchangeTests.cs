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

        // Upstream's schema exactly, plus the change log of ours beside it.
        Assert.Equal(theirs.SchemaDump(), ours.UpstreamSchemaDump());
        Assert.Equal(ChangeLogTests.ExpectedObjects(backend), ours.ChangeLogObjects());
        Assert.Empty(theirs.ChangeLogObjects());
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

        Assert.Equal(master.SchemaDump(), placement8.UpstreamSchemaDump());
        Assert.Equal(ChangeLogTests.ExpectedObjects(backend), placement8.ChangeLogObjects());
        Assert.Equal(SchemaManager.HeadRevision, await UpstreamPlacement.VersionAsync(placement8.Url));
    }

    /// <summary>Every backend with the oldest revision (every migration to run) and the last before 8.0.0's (the schema change alone).</summary>
    public static TheoryData<string, string> OlderRevisions()
    {
        var data = new TheoryData<string, string>();
        foreach (var backend in TestBackends.All)
        {
            foreach (var revision in new[] { "b4ed3a175331", "b5c396305c25" })
            {
                data.Add(backend, revision);
            }
        }

        return data;
    }

    [UpstreamTheory]
    [MemberData(nameof(OlderRevisions))]
    public async Task SyncUpgradesADatabaseOfAnOlderUpstreamReleaseAsAlembicWould(string backend, string revision)
    {
        using var older = new TestDatabase(backend);
        using var master = new TestDatabase(backend);
        await UpstreamPlacement.SyncToAsync(older.Url, revision);
        await UpstreamPlacement.SyncAsync(master.Url);
        older.Execute("""
            INSERT INTO projects (id, external_id) VALUES (1, 'project');
            INSERT INTO users (id, external_id) VALUES (1, 'user');
            INSERT INTO resource_providers (id, uuid, name, generation, root_provider_id) VALUES (1, 'a5c8d4f0-8f4b-4a55-9b4c-2d1e0f3a6b71', 'rp', 3, 1);
            INSERT INTO consumers (id, uuid, project_id, user_id, generation) VALUES (1, '6e3c1f52-93c5-4b8e-a2f0-0d7c5b9e4a13', 1, 1, 2);
            INSERT INTO allocations (id, resource_provider_id, consumer_id, resource_class_id, used) VALUES (1, 1, '6e3c1f52-93c5-4b8e-a2f0-0d7c5b9e4a13', 0, 4);
            """);

        Assert.Contains(revision, (await Assert.ThrowsAsync<DatabaseSchemaException>(() => older.Schema.EnsureReadyAsync())).Message);
        await older.Schema.SyncAsync();

        Assert.Equal(master.SchemaDump(), older.UpstreamSchemaDump());
        Assert.Equal(ChangeLogTests.ExpectedObjects(backend), older.ChangeLogObjects());
        Assert.Equal(SchemaManager.HeadRevision, await UpstreamPlacement.VersionAsync(older.Url));
        Assert.Equal(["6e3c1f52-93c5-4b8e-a2f0-0d7c5b9e4a13 1 1 2"],
            older.Query("SELECT uuid || ' ' || project_id || ' ' || user_id || ' ' || generation FROM consumers"));
        Assert.Equal(["NULL"], older.Query("SELECT consumer_type_id FROM consumers"));
        Assert.Equal(["1 6e3c1f52-93c5-4b8e-a2f0-0d7c5b9e4a13 4"], older.Query("SELECT resource_provider_id || ' ' || consumer_id || ' ' || used FROM allocations"));
        Assert.Equal(["rp 3 1"], older.Query("SELECT name || ' ' || generation || ' ' || root_provider_id FROM resource_providers"));
        var upstream = await UpstreamPlacement.StartAndReadAsync(older.Url);
        Assert.Equal(1, upstream.GetProperty("rows").GetProperty("consumers").GetArrayLength());
    }

    public static TheoryData<string, string, string, string> DataUpstreamsBlockMigrationsRefuse()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var backend in TestBackends.All)
        {
            data.Add(backend, "b4ed3a175331",
                "INSERT INTO resource_providers (id, uuid, name, generation) VALUES (1, 'a5c8d4f0-8f4b-4a55-9b4c-2d1e0f3a6b71', 'rp', 0)",
                "no root provider id");
            data.Add(backend, "611cd6dffd7b",
                "INSERT INTO allocations (id, resource_provider_id, consumer_id, resource_class_id, used) VALUES (1, 1, '6e3c1f52-93c5-4b8e-a2f0-0d7c5b9e4a13', 0, 4)",
                "no consumer record");
        }

        return data;
    }

    [UpstreamTheory]
    [MemberData(nameof(DataUpstreamsBlockMigrationsRefuse))]
    public async Task AnOlderDatabaseWhoseDataUpstreamWouldRefuseIsRefusedAndLeftAsItWas(string backend, string revision, string insert, string problem)
    {
        using var older = new TestDatabase(backend);
        await UpstreamPlacement.SyncToAsync(older.Url, revision);
        older.Execute(insert);
        var schema = older.SchemaDump();

        var error = await Assert.ThrowsAsync<DatabaseSchemaException>(() => older.Schema.SyncAsync());

        Assert.Contains(problem, error.Message);
        Assert.Contains("placement-manage db online_data_migrations", error.Message);
        Assert.Equal(schema, older.SchemaDump());
        Assert.Equal(revision, await older.Schema.CurrentRevisionAsync());
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
