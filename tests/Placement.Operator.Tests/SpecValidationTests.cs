using Placement.Operator.Reconciliation;
using Placement.Operator.Resources;
using Placement.Operator.Tests.Builders;

namespace Placement.Operator.Tests;

public class SpecValidationTests
{
    [Fact]
    public void The_defaults_are_valid() => Assert.Empty(SpecValidation.Problems(Samples.Service()));

    [Fact]
    public void Sqlite_cannot_be_shared_by_several_pods()
    {
        Assert.Contains(SpecValidation.Problems(Samples.Service(s => s.Autoscaling = new AutoscalingSpec())), p => p.Contains("SQLite", StringComparison.Ordinal));
        Assert.Contains(SpecValidation.Problems(Samples.Service(s => s.Replicas = 2)), p => p.Contains("SQLite", StringComparison.Ordinal));
        Assert.Empty(SpecValidation.Problems(Samples.Service(s => s.Autoscaling = new AutoscalingSpec { MaxReplicas = 1 })));
        Assert.Empty(SpecValidation.Problems(Samples.Service(s => { Samples.ExternalDatabase(s); s.Autoscaling = new AutoscalingSpec(); })));
    }

    [Theory]
    [InlineData("keystone-without-settings")]
    [InlineData("bad-env")]
    [InlineData("min-above-max")]
    [InlineData("unknown-strategy")]
    [InlineData("env-sets-auth")]
    [InlineData("env-sets-auth-in-lowercase")]
    [InlineData("env-password")]
    [InlineData("env-url-with-password")]
    [InlineData("noauth2-exposed")]
    public void Contradictions_are_named(string problem)
    {
        var ps = Samples.Service(s =>
        {
            switch (problem)
            {
                case "keystone-without-settings": s.Auth.Strategy = "keystone"; break;
                case "bad-env": s.Config.Env = new() { ["DEBUG"] = "1" }; break;
                case "min-above-max": Samples.ExternalDatabase(s); s.Autoscaling = new AutoscalingSpec { MinReplicas = 5, MaxReplicas = 2 }; break;
                case "env-sets-auth": s.Config.Env = new() { ["OS_API__AUTH_STRATEGY"] = "noauth2" }; break;
                case "env-sets-auth-in-lowercase": s.Config.Env = new() { ["OS_api__auth_strategy"] = "noauth2" }; break;
                case "env-password": s.Config.Env = new() { ["OS_DATABASE__PASSWORD"] = "hunter2" }; break;
                case "env-url-with-password": s.Config.Env = new() { ["OS_PLACEMENT_DATABASE__SLAVE_CONNECTION"] = "mysql+pymysql://placement:hunter2@replica/placement" }; break;
                case "noauth2-exposed": s.Service.Type = "LoadBalancer"; break;
                default: s.Auth.Strategy = "basic"; break;
            }
        });

        Assert.Single(SpecValidation.Problems(ps));
    }

    [Theory]
    [InlineData("Demo_1")]
    [InlineData("1placement")]
    [InlineData("placement.one")]
    public void Names_that_cannot_name_a_service_are_refused(string name)
    {
        var ps = Samples.Service();
        ps.Metadata.Name = name;

        Assert.Contains(SpecValidation.Problems(ps), p => p.Contains("DNS-1035", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("api.example-1.org", true)]
    [InlineData("Placement.local", false)]
    [InlineData("api..local", false)]
    [InlineData("api.local\n", false)]
    // 255 characters: a DNS name has at most 253.
    [InlineData("a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a", false)]
    public void Ingress_hosts_must_be_dns_names(string host, bool valid)
    {
        var problems = SpecValidation.Problems(Samples.Service(s => s.Ingress.Host = host));

        Assert.Equal(valid, !problems.Any(p => p.Contains("ingress.host", StringComparison.Ordinal)));
    }

    [Fact]
    public void Names_too_long_for_the_sync_job_are_refused()
    {
        var ps = Samples.Service();
        ps.Metadata.Name = new string('p', SpecValidation.MaxNameLength + 1);

        Assert.Contains(SpecValidation.Problems(ps), p => p.Contains("metadata.name", StringComparison.Ordinal));
    }
}
