using System.Text.Json.Nodes;
using k8s.Models;
using Placement.Operator.Resources;
using Placement.Operator.Tests.FakeApi;
using static Placement.Operator.Tests.OperatorHarness;

namespace Placement.Operator.Tests;

/// <summary>
/// Each install mode's RBAC, as `kubectl kustomize` renders it, grants the operator's service account every call a
/// full lifecycle makes and nothing that no call uses: the roles are checked against the code's calls both ways.
/// </summary>
public class RbacTests
{
    // The namespace of the operator, its service account and its Lease in both install modes (config/default).
    private const string OperatorNamespace = "placement-operator-system";
    private const string ServiceAccount = "placement-operator";

    /// <summary>What a request is authorized as: a verb on a resource (with its subresource) in a namespace, or cluster-wide (null).</summary>
    private sealed record Call(string? Namespace, string Group, string Resource, string Verb);

    /// <summary>A verb granted on a resource in one namespace, or (null) in all namespaces and cluster-wide.</summary>
    private sealed record Grant(string? Namespace, string Group, string Resource, string Verb)
    {
        public bool Allows(Call call) =>
            (Namespace is null || Namespace == call.Namespace) && (Group, Resource, Verb) == (call.Group, call.Resource, call.Verb);
    }

    /// <summary>Granted, and needed, though the lifecycle makes no such call; each with the reason.</summary>
    private static readonly Dictionary<(string Group, string Resource, string Verb), string> NeededWithoutCalls = new()
    {
        // Owner references with blockOwnerDeletion need it where the OwnerReferencesPermissionEnforcement admission
        // plugin runs (OpenShift): without it every object the operator makes is refused.
        [(PlacementService.Group, $"{PlacementService.Plural}/finalizers", "update")] = "admission of blockOwnerDeletion",
        // The metrics endpoint's reviews of its callers, which SecureMetricsTests makes against a stand-in API server.
        [("authentication.k8s.io", "tokenreviews", "create")] = "metrics authentication",
        [("authorization.k8s.io", "subjectaccessreviews", "create")] = "metrics authorization",
    };

    [KubectlFact]
    public async Task The_cluster_wide_install_grants_exactly_what_a_full_lifecycle_uses()
    {
        var grants = OperatorGrants(Kubectl.Kustomize("default"));

        var calls = await LifecycleCallsAsync(watchNamespaces: []);

        AssertExactly(grants, calls);
        Assert.All(grants.Where(g => g.Resource == "leases"), g => Assert.Equal(OperatorNamespace, g.Namespace));
        // Secrets are read one by one, by name: never listed or watched, never written.
        Assert.Equal(["get"], grants.Where(g => g.Resource == "secrets").Select(g => g.Verb).Distinct());
    }

    [KubectlFact]
    public async Task The_namespaced_install_grants_exactly_what_a_full_lifecycle_uses_in_the_watched_namespaces()
    {
        var install = Kubectl.Kustomize("namespaced");
        var grants = OperatorGrants(install);
        var manager = install.OfType<V1Deployment>().Single().Spec.Template.Spec.Containers.Single();
        var watched = CommandLine.Parse([.. manager.Args]).Options!.WatchNamespaces;
        Assert.Contains(Namespace, watched);

        var calls = await LifecycleCallsAsync(watched);

        // The lifecycle runs in one watched namespace; the others are granted the same.
        AssertExactly([.. grants.Where(g => g.Namespace is null or OperatorNamespace || g.Namespace == Namespace)], calls);
        Assert.All(watched, ns => Assert.Equal(InNamespace(Namespace), InNamespace(ns)));
        Assert.All(calls, c => Assert.Contains(c.Namespace, watched.Append(OperatorNamespace)));
        // Cluster-wide, only the metrics endpoint's reviews, which are cluster-scoped resources.
        Assert.Equal(["subjectaccessreviews", "tokenreviews"], grants.Where(g => g.Namespace is null).Select(g => g.Resource).Order());

        HashSet<(string, string, string)> InNamespace(string ns) => [.. grants.Where(g => g.Namespace == ns).Select(g => (g.Group, g.Resource, g.Verb))];
    }

    private static void AssertExactly(IReadOnlyCollection<Grant> grants, IReadOnlyCollection<Call> calls)
    {
        Assert.All(calls, call => Assert.True(grants.Any(g => g.Allows(call)), $"{call} is not granted"));
        Assert.All(grants.Where(g => !NeededWithoutCalls.ContainsKey((g.Group, g.Resource, g.Verb))),
            grant => Assert.True(calls.Any(grant.Allows), $"{grant} is granted, but no call of the lifecycle uses it"));
        Assert.All(NeededWithoutCalls.Keys, needed => Assert.Contains(grants, g => (g.Group, g.Resource, g.Verb) == needed));
    }

    /// <summary>What the rendered manifests grant the operator's service account, through its role bindings.</summary>
    private static List<Grant> OperatorGrants(IList<object> manifests)
    {
        var clusterRoles = manifests.OfType<V1ClusterRole>().ToDictionary(r => r.Metadata.Name, r => r.Rules);
        var roles = manifests.OfType<V1Role>().ToDictionary(r => (r.Metadata.NamespaceProperty, r.Metadata.Name), r => r.Rules);
        bool ToOperator(IEnumerable<Rbacv1Subject> subjects) =>
            subjects.Any(s => (s.Kind, s.Name, s.NamespaceProperty) == ("ServiceAccount", ServiceAccount, OperatorNamespace));
        var bound = manifests.OfType<V1ClusterRoleBinding>().Where(b => ToOperator(b.Subjects))
            .Select(b => (Namespace: (string?)null, Rules: clusterRoles[b.RoleRef.Name]))
            .Concat(manifests.OfType<V1RoleBinding>().Where(b => ToOperator(b.Subjects))
                .Select(b => (Namespace: (string?)b.Metadata.NamespaceProperty, Rules: b.RoleRef.Kind == "ClusterRole"
                    ? clusterRoles[b.RoleRef.Name]
                    : roles[(b.Metadata.NamespaceProperty, b.RoleRef.Name)])));
        return [.. from binding in bound
                   from rule in binding.Rules
                   from @group in rule.ApiGroups
                   from resource in rule.Resources
                   from verb in rule.Verbs
                   select new Grant(binding.Namespace, @group, resource, verb)];
    }

    /// <summary>
    /// The calls of an operator through a full lifecycle: leader election, an exposed service on an external database
    /// (its Secret, Ingress, disruption budget and network policy) and one on embedded SQLite (its volume claim),
    /// autoscaling on and the Ingress off, an upgrade with new settings (sync Job, old revision's Job and ConfigMap
    /// deleted, autoscaler deleted) that also drops the budget and the policy, then a graceful stop (the Lease's release).
    /// </summary>
    private static async Task<List<Call>> LifecycleCallsAsync(IReadOnlyList<string> watchNamespaces)
    {
        await using var cluster = await StartAsync();
        var running = cluster.StartOperator("rbac-operator", leaderElection: true, customise: o =>
        {
            o.LeaseNamespace = OperatorNamespace;
            o.WatchNamespaces = watchNamespaces;
        });
        await cluster.CreateReadyAsync(NewService(customise: s =>
        {
            s.Database.ConnectionSecretRef = new SecretKeyRef { Name = "db", Key = "url" };
            s.Ingress.Enabled = true;
            s.Auth.ExposeUnauthenticated = true;
        }));
        await EventuallyAsync(() => cluster.All("ingresses").Count == 1 && cluster.All("poddisruptionbudgets").Count == 1, "Ingress and budget in");
        await cluster.CreateReadyAsync(NewService("sqlite"));
        await cluster.PatchSpecAsync("placement", new JsonObject { ["autoscaling"] = new JsonObject(), ["ingress"] = new JsonObject { ["enabled"] = false } });
        await EventuallyAsync(() => cluster.All("horizontalpodautoscalers").Count == 1 && cluster.All("ingresses").Count == 0, "autoscaler in, ingress out");
        await cluster.PatchSpecAsync("placement", new JsonObject
        {
            ["autoscaling"] = null,
            ["image"] = "placement-api:2",
            ["config"] = new JsonObject { ["env"] = new JsonObject { ["OS_API__MAX_LIMIT"] = "50" } },
            ["availability"] = new JsonObject { ["podDisruptionBudget"] = false },
            ["networkPolicy"] = new JsonObject { ["enabled"] = false },
        });
        await EventuallyAsync(() => cluster.All("poddisruptionbudgets").Count == 0 && cluster.All("networkpolicies").Count == 1, "budget and policy out");
        cluster.FinishJob((await cluster.SyncJobAsync()).Metadata.Name, succeeded: true);
        await EventuallyAsync(() => cluster.All("horizontalpodautoscalers").Count == 0 && cluster.All("jobs").Count == 2, "autoscaler and old Job deleted");
        await EventuallyAsync(() => cluster.Get<V1Deployment>("deployments", "placement")!.Spec.Template.Spec.Containers[0].Image == "placement-api:2", "the new revision applied");
        cluster.RollOut();
        await EventuallyAsync(() => cluster.All("configmaps").Count == 2, "the old revision's ConfigMap deleted");
        // Owner references block their owner's deletion, which is why placementservices/finalizers is granted.
        Assert.Contains(cluster.All("deployments").Concat(cluster.All("jobs")).Concat(cluster.All("configmaps"))
            .SelectMany(o => o["metadata"]!["ownerReferences"]!.AsArray()), r => (bool?)r!["blockOwnerDeletion"] == true);
        await running.StopAsync();

        return [.. cluster.Server.Requests.Where(r => r.UserAgent.Contains(running.Identity, StringComparison.Ordinal)).SelectMany(CallsOf).Distinct()];
    }

    private static IEnumerable<Call> CallsOf(FakeApiServer.Request request)
    {
        var route = FakeApiServer.Route.Parse(request.Path)!;
        var resource = route.Kind.Plural + (route.Status ? "/status" : "");
        var verb = request.Method switch
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
        yield return new Call(route.Namespace, route.Kind.Group, resource, verb);
        // kube-apiserver authorizes a server-side apply that creates the object as a create too
        // (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go).
        if (request.Method == "PATCH" && request.StatusCode == 201)
        {
            yield return new Call(route.Namespace, route.Kind.Group, resource, "create");
        }
    }
}
