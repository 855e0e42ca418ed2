using System.Text.Json.Nodes;
using k8s.Models;
using Placement.Operator.Resources;
using Placement.Operator.Tests.FakeApi;
using YamlDotNet.RepresentationModel;
using static Placement.Operator.Tests.OperatorHarness;

namespace Placement.Operator.Tests;

/// <summary>The operator's RBAC in config/rbac allows every call it makes, and the Lease only in its namespace.</summary>
public class RbacTests
{
    private sealed record Rule(HashSet<string> Groups, HashSet<string> Resources, HashSet<string> Verbs)
    {
        public bool Allows(string group, string resource, string verb) =>
            Groups.Contains(group) && Resources.Contains(resource) && Verbs.Contains(verb);
    }

    private static List<Rule> Rules(string file)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(RepositoryFiles.Read("config", "rbac", file)));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        static HashSet<string> Strings(YamlNode node) => [.. ((YamlSequenceNode)node).Children.Select(c => ((YamlScalarNode)c).Value!)];
        return [.. ((YamlSequenceNode)root["rules"]).Children.Cast<YamlMappingNode>()
            .Select(r => new Rule(Strings(r["apiGroups"]), Strings(r["resources"]), Strings(r["verbs"])))];
    }

    private static string Verb(FakeApiServer.Request request, FakeApiServer.Route route) => request.Method switch
    {
        "GET" when request.Watch => "watch",
        "GET" when route.Name is null => "list",
        "GET" => "get",
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => "delete",
        _ => request.Method,
    };

    [Fact]
    public async Task Every_call_of_a_full_lifecycle_is_allowed_by_the_roles()
    {
        await using var cluster = await StartAsync();
        var running = cluster.StartOperator("rbac-operator", leaderElection: true);
        await cluster.CreateReadyAsync(NewService(customise: s => s.Database.ConnectionSecretRef = new SecretKeyRef { Name = "db", Key = "url" }));
        await cluster.PatchSpecAsync("placement", new JsonObject { ["autoscaling"] = new JsonObject(), ["ingress"] = new JsonObject { ["enabled"] = false } });
        await EventuallyAsync(() => cluster.All("horizontalpodautoscalers").Count == 1 && cluster.All("ingresses").Count == 0, "autoscaler in, ingress out");
        await cluster.PatchSpecAsync("placement", new JsonObject
        {
            ["autoscaling"] = null,
            ["image"] = "placement-api:2",
            ["config"] = new JsonObject { ["env"] = new JsonObject { ["OS_API__MAX_LIMIT"] = "50" } },
        });
        cluster.FinishJob((await cluster.SyncJobAsync()).Metadata.Name, succeeded: true);
        await EventuallyAsync(() => cluster.All("horizontalpodautoscalers").Count == 0 && cluster.All("jobs").Count == 1, "autoscaler and old Job deleted");
        await EventuallyAsync(() => cluster.Get<V1Deployment>("deployments", "placement")!.Spec.Template.Spec.Containers[0].Image == "placement-api:2", "the new revision applied");
        cluster.RollOut();
        await EventuallyAsync(() => cluster.All("configmaps").Count == 1, "the old revision's ConfigMap deleted");
        await running.StopAsync(); // the Lease's release too

        var cluserWide = Rules("role.yaml");
        var leaseNamespaceOnly = Rules("leader_election_role.yaml");
        var calls = cluster.Server.Requests.Where(r => r.UserAgent.Contains("rbac-operator", StringComparison.Ordinal))
            .Select(r => (Request: r, Route: FakeApiServer.Route.Parse(r.Path)!))
            .Select(c => (c.Route.Kind.Group, Resource: c.Route.Kind.Plural + (c.Route.Status ? "/status" : ""), Verb: Verb(c.Request, c.Route), c.Route.Namespace))
            .Distinct().ToList();

        Assert.Contains(calls, c => c.Resource == "leases");
        Assert.Contains(calls, c => c.Verb == "delete");
        foreach (var call in calls)
        {
            var allowed = call.Resource == "leases"
                ? call.Namespace == Namespace && leaseNamespaceOnly.Any(r => r.Allows(call.Group, call.Resource, call.Verb))
                : cluserWide.Any(r => r.Allows(call.Group, call.Resource, call.Verb));
            Assert.True(allowed, $"{call.Verb} {call.Group}/{call.Resource} is not granted");
        }
        // Owner references with blockOwnerDeletion need update on the owner's finalizers where the
        // OwnerReferencesPermissionEnforcement admission plugin runs (OpenShift): without it every create is refused.
        var blocking = cluster.All("deployments").Concat(cluster.All("jobs")).Concat(cluster.All("configmaps"))
            .SelectMany(o => o["metadata"]!["ownerReferences"]!.AsArray()).Any(r => (bool?)r!["blockOwnerDeletion"] == true);
        Assert.True(blocking);
        Assert.Contains(cluserWide, r => r.Allows(PlacementService.Group, $"{PlacementService.Plural}/finalizers", "update"));
        // Secrets are read one by one, by name: never listed or watched, never written.
        Assert.Equal(["get"], cluserWide.Where(r => r.Resources.Contains("secrets")).SelectMany(r => r.Verbs));
    }
}
