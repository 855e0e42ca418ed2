using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Placement.Operator.Resources;
using Placement.Operator.Tests.FakeApi;

namespace Placement.Operator.Tests;

/// <summary>The fake API server keeps the promises of a real one that the operator depends on.</summary>
public class FakeApiServerTests
{
    private const string Ns = "fake";

    private static Task<object> CreateService(Kubernetes client, string name = "p") =>
        client.CustomObjects.CreateNamespacedCustomObjectAsync(
            new PlacementService { Metadata = new V1ObjectMeta { Name = name } }, PlacementService.Group, PlacementService.Version, Ns, PlacementService.Plural);

    private static async Task<PlacementService> Read(Kubernetes client, string name = "p") =>
        KubernetesJson.Deserialize<PlacementService>(KubernetesJson.Serialize(await client.CustomObjects.GetNamespacedCustomObjectAsync(
            PlacementService.Group, PlacementService.Version, Ns, PlacementService.Plural, name)));

    [Fact]
    public async Task A_stale_resource_version_is_a_conflict_and_spec_changes_bump_the_generation_only()
    {
        await using var server = await FakeApiServer.StartAsync();
        using var client = server.Client();
        await CreateService(client);
        var first = await Read(client);

        first.Spec.Image = "placement-api:2";
        await client.CustomObjects.ReplaceNamespacedCustomObjectAsync(first, PlacementService.Group, PlacementService.Version, Ns, PlacementService.Plural, "p");
        var second = await Read(client);
        Assert.Equal(2, second.Metadata.Generation);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CustomObjects.ReplaceNamespacedCustomObjectAsync(first, PlacementService.Group, PlacementService.Version, Ns, PlacementService.Plural, "p"));
        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);

        second.Status = new PlacementServiceStatus { CurrentVersion = "1" };
        await client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(second, PlacementService.Group, PlacementService.Version, Ns, PlacementService.Plural, "p");
        var third = await Read(client);
        Assert.Equal(2, third.Metadata.Generation);
        Assert.Equal("1", third.Status!.CurrentVersion);
    }

    [Fact]
    public async Task The_main_resource_cannot_write_status_nor_the_status_subresource_the_spec()
    {
        await using var server = await FakeApiServer.StartAsync();
        using var client = server.Client();
        await CreateService(client);
        var ps = await Read(client);

        ps.Status = new PlacementServiceStatus { CurrentVersion = "ignored" };
        await client.CustomObjects.ReplaceNamespacedCustomObjectAsync(ps, PlacementService.Group, PlacementService.Version, Ns, PlacementService.Plural, "p");
        ps = await Read(client);
        Assert.Null(ps.Status);

        var image = ps.Spec.Image;
        ps.Spec.Image = "ignored:1";
        ps.Status = new PlacementServiceStatus { CurrentVersion = "kept" };
        await client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(ps, PlacementService.Group, PlacementService.Version, Ns, PlacementService.Plural, "p");
        ps = await Read(client);
        Assert.Equal(image, ps.Spec.Image);
        Assert.Equal("kept", ps.Status!.CurrentVersion);
    }

    [Fact]
    public async Task Apply_removes_what_the_manager_stopped_applying_and_keeps_what_others_set()
    {
        await using var server = await FakeApiServer.StartAsync();
        using var client = server.Client();
        V1ConfigMap Config(Dictionary<string, string> data) => new() { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = "c", NamespaceProperty = Ns }, Data = data };
        var apply = (V1ConfigMap c) => client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(c, V1Patch.PatchType.ApplyPatch), "c", Ns, fieldManager: "me", force: true);

        await apply(Config(new() { ["a"] = "1", ["b"] = "2" }));
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"theirs\":\"x\"}}", V1Patch.PatchType.MergePatch), "c", Ns);
        var unchanged = await apply(Config(new() { ["a"] = "1", ["b"] = "2" }));
        var result = await apply(Config(new() { ["a"] = "1" }));

        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["theirs"] = "x" }, result.Data);
        Assert.NotEqual(unchanged.Metadata.ResourceVersion, result.Metadata.ResourceVersion);
        Assert.Equal(result.Metadata.ResourceVersion, (await apply(Config(new() { ["a"] = "1" }))).Metadata.ResourceVersion);
    }

    [Fact]
    public async Task A_field_another_writer_changed_is_no_longer_its_appliers_to_remove()
    {
        await using var server = await FakeApiServer.StartAsync();
        using var client = server.Client();
        V1ConfigMap Config(Dictionary<string, string> data) => new() { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = "c", NamespaceProperty = Ns }, Data = data };
        Task<V1ConfigMap> Apply(string manager, Dictionary<string, string> data) =>
            client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(Config(data), V1Patch.PatchType.ApplyPatch), "c", Ns, fieldManager: manager, force: true);

        await Apply("me", new() { ["a"] = "1", ["b"] = "1" });
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"a\":\"2\"}}", V1Patch.PatchType.MergePatch), "c", Ns);
        await Apply("other", new() { ["b"] = "3" });
        var afterMe = await Apply("me", []);
        var afterOther = await Apply("other", []);

        // The update took a, the forced apply took b: neither was "me"'s to remove; b was "other"'s.
        Assert.Equal(new Dictionary<string, string> { ["a"] = "2", ["b"] = "3" }, afterMe.Data);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "2" }, afterOther.Data);
    }

    [Fact]
    public async Task Deleting_an_owner_collects_its_dependents_and_late_orphans()
    {
        await using var server = await FakeApiServer.StartAsync();
        using var client = server.Client();
        await CreateService(client);
        var owner = await Read(client);
        V1ConfigMap Owned(string name) => new()
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                OwnerReferences = [new V1OwnerReference { ApiVersion = owner.ApiVersion, Kind = owner.Kind, Name = "p", Uid = owner.Metadata.Uid }],
            },
        };
        await client.CoreV1.CreateNamespacedConfigMapAsync(Owned("dependent"), Ns);

        await client.CustomObjects.DeleteNamespacedCustomObjectAsync(PlacementService.Group, PlacementService.Version, Ns, PlacementService.Plural, "p");
        await client.CoreV1.CreateNamespacedConfigMapAsync(Owned("late"), Ns);

        Assert.Empty((await client.CoreV1.ListNamespacedConfigMapAsync(Ns)).Items);
    }

    [Fact]
    public async Task A_watch_from_a_compacted_version_ends_with_410_Gone()
    {
        await using var server = await FakeApiServer.StartAsync();
        using var client = server.Client();
        var version = (await client.CoreV1.ListNamespacedConfigMapAsync(Ns)).Metadata.ResourceVersion;
        server.Store.ExpireWatches();

        var errors = new List<Exception>();
#pragma warning disable CS0618 // the same call the operator's informers make
        await foreach (var _ in client.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync(Ns, resourceVersion: version, watch: true)
            .WatchAsync<V1ConfigMap, V1ConfigMapList>(errors.Add))
#pragma warning restore CS0618
        {
            Assert.Fail("no event expected");
        }

        Assert.Equal(410, Assert.IsType<KubernetesException>(Assert.Single(errors)).Status.Code);
    }
}
