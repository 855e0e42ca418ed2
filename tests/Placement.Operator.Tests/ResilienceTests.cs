using System.Diagnostics;
using System.Net;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using Placement.Operator.Controller;
using Placement.Operator.Reconciliation;
using Placement.Operator.Tests.FakeApi;
using static Placement.Operator.Tests.OperatorHarness;

namespace Placement.Operator.Tests;

/// <summary>Restarts, expired watches and leader election.</summary>
public class ResilienceTests
{
    private static int Lists(OperatorHarness cluster, string plural) =>
        cluster.Server.Requests.Count(r => r.Method == "GET" && !r.Watch && r.Path.EndsWith("/" + plural, StringComparison.Ordinal));

    private static int ListsAndWatches(OperatorHarness cluster, string plural) =>
        cluster.Server.Requests.Count(r => r.Method == "GET" && r.Path.EndsWith("/" + plural, StringComparison.Ordinal));

    private static V1LeaseSpec? Lease(OperatorHarness cluster) => cluster.Get<V1Lease>("leases", "placement-operator")?.Spec;

    /// <summary>A Lease that outlives EventuallyAsync's wait: only a released one changes hands within it.</summary>
    private static void SlowExpiry(OperatorOptions options)
    {
        options.LeaseDuration = TimeSpan.FromSeconds(30);
        options.RenewDeadline = TimeSpan.FromSeconds(20);
    }

    [Fact]
    public async Task An_operator_restarted_mid_reconcile_finishes_the_job()
    {
        await using var cluster = await StartAsync();
        var first = cluster.StartOperator("first");
        await cluster.CreateAsync(NewService());
        var job = await cluster.SyncJobAsync();
        await first.StopAsync();

        cluster.FinishJob(job.Metadata.Name, succeeded: true);
        Assert.Null(cluster.Get<V1Deployment>("deployments", "placement"));
        cluster.StartOperator("second");

        await cluster.EventuallyAsync<V1Deployment>("deployments", "placement");
        cluster.RollOut();
        await cluster.ConditionAsync(Conditions.Ready, "True");
        Assert.Single(cluster.All("jobs"));
    }

    [Fact]
    public async Task Expired_watches_are_relisted_and_changes_made_meanwhile_are_seen()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        await cluster.CreateReadyAsync(NewService());
        var listsBefore = Lists(cluster, "services");

        cluster.Server.Store.ExpireWatches();
        await cluster.Client.CoreV1.DeleteNamespacedServiceAsync("placement", Namespace);

        await EventuallyAsync(() => Lists(cluster, "services") > listsBefore, "a relist of services");
        await cluster.EventuallyAsync<V1Service>("services", "placement");
    }

    [Fact]
    public async Task Bookmarks_let_watches_resume_without_relisting()
    {
        await using var cluster = await StartAsync();
        cluster.StartOperator();
        await cluster.CreateReadyAsync(NewService());
        // Changes no informer is interested in move the resource version on.
        for (var i = 0; i < 3; i++)
        {
            await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"unrelated-{i}" } }, Namespace);
        }
        var listsBefore = Lists(cluster, "services");

        cluster.Server.Store.SendBookmarks();
        cluster.Server.Store.CloseWatches(compactTo: cluster.Server.Store.Revision);
        await cluster.Client.CoreV1.DeleteNamespacedServiceAsync("placement", Namespace);

        await cluster.EventuallyAsync<V1Service>("services", "placement");
        Assert.Equal(listsBefore, Lists(cluster, "services"));
    }

    [Fact]
    public async Task Two_operators_elect_one_leader_and_the_other_takes_over_when_it_stops()
    {
        await using var cluster = await StartAsync();
        var a = cluster.StartOperator("operator-a", leaderElection: true);
        var b = cluster.StartOperator("operator-b", leaderElection: true);
        var lease = await EventuallyAsync(() => cluster.Get<V1Lease>("leases", "placement-operator")?.Spec.HolderIdentity, "a leader");
        var (leader, follower) = lease == a.Identity ? (a, b) : (b, a);

        await cluster.CreateReadyAsync(NewService());
        bool WroteObjects(string identity) => cluster.Server.Requests.Any(r =>
            r.UserAgent.Contains(identity, StringComparison.Ordinal) && r.Method != "GET" && !r.Path.Contains("/leases", StringComparison.Ordinal));
        Assert.True(WroteObjects(leader.Identity));
        Assert.False(WroteObjects(follower.Identity), string.Join("\n", cluster.Server.Requests.Select(r => $"{r.UserAgent} {r.Method} {r.Path}")));

        await leader.StopAsync();
        await EventuallyAsync(() => cluster.Get<V1Lease>("leases", "placement-operator")?.Spec.HolderIdentity == follower.Identity, "the follower leading");
        await cluster.PatchSpecAsync("placement", new System.Text.Json.Nodes.JsonObject { ["service"] = new System.Text.Json.Nodes.JsonObject { ["port"] = 9000 } });
        await EventuallyAsync(() => cluster.Get<V1Service>("services", "placement")!.Spec.Ports.Single().Port == 9000, "the new leader reconciling");
        Assert.True(WroteObjects(follower.Identity));
    }

    [Fact]
    public async Task An_informer_that_cannot_list_or_watch_fails_liveness_until_it_works_again()
    {
        await using var cluster = await StartAsync();
        var clock = new FakeTimeProvider();
        var health = new OperatorHealth(clock, TimeSpan.FromMinutes(3));
        cluster.StartOperator(health: health);
        await EventuallyAsync(() => health.Ready, "caches synced");
        clock.Advance(OperatorHealth.Recovery);
        Assert.Null(health.Unhealthy());

        // The next five lists or watches of Jobs fail, one a second (the informer's retry delay).
        const int failures = 5;
        for (var i = 0; i < failures; i++)
        {
            cluster.Server.FailNext("GET", "jobs", status: false, HttpStatusCode.InternalServerError);
        }
        var before = ListsAndWatches(cluster, "jobs");
        cluster.Server.Store.ExpireWatches();
        // A second failed request means the first failure was reported.
        await EventuallyAsync(() => ListsAndWatches(cluster, "jobs") >= before + 2, "Job lists failing");
        clock.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(1));
        Assert.Equal("informers unable to list and watch for more than 180s: Job", health.Unhealthy());

        // The list after the failures succeeds, then a watch starts.
        await EventuallyAsync(() => ListsAndWatches(cluster, "jobs") >= before + failures + 2, "Jobs listed and watched again");
        clock.Advance(OperatorHealth.Recovery);
        Assert.Null(health.Unhealthy());
    }

    [Fact]
    public async Task A_stopped_leader_releases_the_Lease_so_a_standby_takes_over_before_it_expires()
    {
        await using var cluster = await StartAsync();
        var a = cluster.StartOperator("operator-a", leaderElection: true, customise: SlowExpiry);
        await EventuallyAsync(() => Lease(cluster)?.HolderIdentity == a.Identity, "operator-a leading");
        var b = cluster.StartOperator("operator-b", leaderElection: true, customise: SlowExpiry);
        await EventuallyAsync(() => cluster.Server.Requests.Any(r => r.UserAgent.Contains(b.Identity, StringComparison.Ordinal)), "operator-b standing by");

        await a.StopAsync();
        var released = Lease(cluster)!;
        Assert.Contains(released.HolderIdentity, new[] { "", b.Identity });
        var takeover = Stopwatch.StartNew();
        await EventuallyAsync(() => Lease(cluster)?.HolderIdentity == b.Identity, "operator-b leading");
        Assert.True(takeover.Elapsed < TimeSpan.FromSeconds(15), $"took {takeover.Elapsed}");
    }

    [Fact]
    public async Task A_stopping_leader_leaves_a_Lease_that_another_instance_has_taken()
    {
        await using var cluster = await StartAsync();
        var a = cluster.StartOperator("operator-a", leaderElection: true, customise: SlowExpiry);
        await EventuallyAsync(() => Lease(cluster)?.HolderIdentity == a.Identity, "operator-a leading");

        cluster.Server.Store.Mutate(ResourceKind.ByPlural("leases"), Namespace, "placement-operator", lease => lease["spec"]!["holderIdentity"] = "operator-c");
        await a.StopAsync();

        Assert.Equal("operator-c", Lease(cluster)!.HolderIdentity);
    }
}
