using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Placement.Operator.Controller;

namespace Placement.Operator.Tests;

/// <summary>Liveness from the informers' reports, on a clock the tests move, and the endpoints that serve it.</summary>
public class OperatorHealthTests
{
    private static readonly TimeSpan Threshold = TimeSpan.FromMinutes(3);
    private readonly FakeTimeProvider clock = new();
    private readonly OperatorHealth health;

    public OperatorHealthTests()
    {
        health = new OperatorHealth(clock, Threshold);
    }

    [Fact]
    public void A_standby_is_live_however_long_it_waits()
    {
        clock.Advance(TimeSpan.FromHours(1));

        Assert.Null(health.Unhealthy());
    }

    [Fact]
    public void A_leader_whose_informer_never_lists_is_not_live_after_the_threshold()
    {
        health.Reconciling(["Deployment", "Job"]);
        health.Report("Deployment", working: true);

        clock.Advance(Threshold);
        Assert.Null(health.Unhealthy());
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("informers unable to list and watch for more than 180s: Job", health.Unhealthy());
    }

    [Fact]
    public void Failures_count_from_the_first_one_after_working()
    {
        health.Reconciling(["Job"]);
        health.Report("Job", working: true);
        clock.Advance(TimeSpan.FromMinutes(10));

        health.Report("Job", working: false);
        clock.Advance(Threshold / 2);
        health.Report("Job", working: false);
        clock.Advance(Threshold / 2);
        Assert.Null(health.Unhealthy());
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Contains("Job", health.Unhealthy());
    }

    [Fact]
    public void A_watch_refused_after_every_successful_relist_keeps_failing()
    {
        health.Reconciling(["Job"]);
        for (var elapsed = TimeSpan.Zero; elapsed <= Threshold; elapsed += TimeSpan.FromSeconds(1))
        {
            health.Report("Job", working: true);
            clock.Advance(TimeSpan.FromMilliseconds(100));
            health.Report("Job", working: false);
            clock.Advance(TimeSpan.FromMilliseconds(900));
        }

        Assert.Contains("Job", health.Unhealthy());
    }

    [Fact]
    public void Working_again_for_a_while_ends_a_failure_even_if_the_watch_then_reports_nothing()
    {
        health.Reconciling(["Job"]);
        clock.Advance(Threshold + TimeSpan.FromSeconds(1));
        Assert.NotNull(health.Unhealthy());

        health.Report("Job", working: true);
        clock.Advance(OperatorHealth.Recovery - TimeSpan.FromSeconds(1));
        Assert.NotNull(health.Unhealthy());
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(health.Unhealthy());

        // A failure after that starts a new count.
        health.Report("Job", working: false);
        clock.Advance(Threshold);
        Assert.Null(health.Unhealthy());
    }

    [Fact]
    public void A_leader_that_stops_reconciling_is_live_again_and_ignores_late_reports()
    {
        health.Reconciling(["Job"]);
        clock.Advance(Threshold + TimeSpan.FromSeconds(1));
        Assert.NotNull(health.Unhealthy());

        health.StandingBy();
        health.Report("Job", working: false);
        clock.Advance(Threshold + TimeSpan.FromSeconds(1));

        Assert.Null(health.Unhealthy());
    }

    [Fact]
    public async Task Healthz_answers_503_with_the_reason_and_readyz_follows_the_caches()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapHealth(health);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        health.Reconciling(["Job"]);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/readyz")).StatusCode);

        clock.Advance(Threshold + TimeSpan.FromSeconds(1));
        using var healthz = await http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, healthz.StatusCode);
        Assert.Equal("informers unable to list and watch for more than 180s: Job", await healthz.Content.ReadAsStringAsync());

        health.Ready = true;
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
        await app.StopAsync();
    }
}
