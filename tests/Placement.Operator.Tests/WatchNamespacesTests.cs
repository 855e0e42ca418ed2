using k8s;
using Placement.Operator.Resources;
using Placement.Operator.Tests.FakeApi;
using static Placement.Operator.Tests.OperatorHarness;

namespace Placement.Operator.Tests;

/// <summary>An operator given watch namespaces lists, watches and reconciles only there.</summary>
public class WatchNamespacesTests
{
    [Fact]
    public async Task A_service_outside_the_watched_namespaces_is_neither_seen_nor_touched()
    {
        await using var cluster = await StartAsync();
        var outside = NewService();
        outside.Metadata.NamespaceProperty = "elsewhere";
        await cluster.Client.CustomObjects.CreateNamespacedCustomObjectAsync(outside, PlacementService.Group, PlacementService.Version, "elsewhere", PlacementService.Plural);
        var running = cluster.StartOperator("namespaced-operator", customise: o => o.WatchNamespaces = [Namespace]);

        await cluster.CreateReadyAsync(NewService());

        var untouched = cluster.Server.Store.Get(ResourceKind.ByPlural(PlacementService.Plural), "elsewhere", "placement")!;
        Assert.Null(untouched["status"]?["conditions"]);
        Assert.All(ResourceKind.All.Where(k => k.Plural != PlacementService.Plural),
            kind => Assert.Empty(cluster.Server.Store.List(kind, "elsewhere", new Dictionary<string, string>()).Items));
        var paths = cluster.Server.Requests.Where(r => r.UserAgent.Contains(running.Identity, StringComparison.Ordinal)).Select(r => r.Path).ToList();
        Assert.Contains(paths, p => p.EndsWith($"/namespaces/{Namespace}/{PlacementService.Plural}", StringComparison.Ordinal));
        Assert.All(paths, p => Assert.Contains($"/namespaces/{Namespace}/", p, StringComparison.Ordinal));
    }
}
