using Placement.Operator.Builders;
using static Placement.Operator.Tests.Builders.Samples;

namespace Placement.Operator.Tests.Builders;

/// <summary>What keeps the API up and fenced: disruption budget, spread, shutdown delay, network policy, pool sizing.</summary>
public class AvailabilityTests
{
    [Fact]
    public void Several_pods_get_a_budget_of_one_down_at_a_time_and_are_spread_over_nodes_and_zones()
    {
        var ps = Service(s => { ExternalDatabase(s); s.Autoscaling = new(); });
        var budget = ApiDisruptionBudget.Build(ps);
        var spread = ApiDeployment.Build(ps, SampleRevision).Spec.Template.Spec.TopologySpreadConstraints;

        Assert.True(ApiDisruptionBudget.Wanted(ps));
        Assert.Equal("1", budget.Spec.MaxUnavailable.Value);
        Assert.Equal(Naming.SelectorLabels(ps), budget.Spec.Selector.MatchLabels);
        Assert.Equal(["kubernetes.io/hostname", "topology.kubernetes.io/zone"], spread.Select(c => c.TopologyKey));
        Assert.All(spread, c => Assert.Equal("ScheduleAnyway", c.WhenUnsatisfiable));
    }

    [Fact]
    public void The_single_pod_of_sqlite_gets_neither_and_either_can_be_switched_off()
    {
        var sqlite = Service();
        var off = Service(s => { ExternalDatabase(s); s.Availability.PodDisruptionBudget = false; s.Availability.TopologySpread = false; });

        Assert.False(ApiDisruptionBudget.Wanted(sqlite));
        Assert.Null(ApiDeployment.Build(sqlite, SampleRevision).Spec.Template.Spec.TopologySpreadConstraints);
        Assert.False(ApiDisruptionBudget.Wanted(off));
        Assert.Null(ApiDeployment.Build(off, SampleRevision).Spec.Template.Spec.TopologySpreadConstraints);
    }

    [Fact]
    public void Scaling_does_not_change_the_pod_template()
    {
        string Hash(int replicas) => ApiDeployment.TemplateHashOf(ApiDeployment.Build(Service(s => { ExternalDatabase(s); s.Replicas = replicas; }), SampleRevision))!;

        Assert.Equal(Hash(1), Hash(3));
    }

    [Fact]
    public void A_stopping_pod_keeps_serving_until_the_endpoints_forget_it()
    {
        var container = ApiDeployment.Build(Service(), SampleRevision).Spec.Template.Spec.Containers[0];

        Assert.Equal(["sleep", "5"], container.Lifecycle.PreStop.Exec.Command);
        // The grace period covers the delay and the server's own 30 s of shutdown after it.
        Assert.Equal(35, ApiDeployment.Build(Service(), SampleRevision).Spec.Template.Spec.TerminationGracePeriodSeconds);
        Assert.Equal(90, ApiDeployment.Build(Service(s => s.Availability.ShutdownDelaySeconds = 60), SampleRevision).Spec.Template.Spec.TerminationGracePeriodSeconds);
        Assert.Null(ApiDeployment.Build(Service(s => s.Availability.ShutdownDelaySeconds = 0), SampleRevision).Spec.Template.Spec.Containers[0].Lifecycle);
    }

    [Fact]
    public void The_network_policy_admits_this_namespace_the_listed_ones_and_the_ingress_controller_only_with_an_ingress()
    {
        IEnumerable<string> Admitted(Action<Resources.PlacementServiceSpec> customise) =>
            ApiNetworkPolicy.Build(Service(customise)).Spec.Ingress.Single().FromProperty.Single().NamespaceSelector.MatchExpressions.Single().Values;

        Assert.Equal(["openstack"], Admitted(_ => { }));
        Assert.Equal(["openstack", "nova"], Admitted(s => s.NetworkPolicy.AllowedNamespaces = ["nova"]));
        Assert.Equal(["openstack", "ingress-nginx"], Admitted(s => s.Ingress.Enabled = true));
        Assert.Equal("10.0.0.0/24", ApiNetworkPolicy.Build(Service(s => s.NetworkPolicy.AllowedCidrs = ["10.0.0.0/24"])).Spec.Ingress.Single().FromProperty[1].IpBlock.Cidr);
        // A LoadBalancer or NodePort Service is reached from node and client addresses: the port is open to all.
        var open = ApiNetworkPolicy.Build(Service(s => { s.Service.Type = "LoadBalancer"; s.Auth.ExposeUnauthenticated = true; })).Spec.Ingress.Single();
        Assert.Null(open.FromProperty);
        Assert.Equal("8080", open.Ports.Single().Port.Value);
        var policy = ApiNetworkPolicy.Build(Service());
        Assert.Equal(["Ingress"], policy.Spec.PolicyTypes);
        Assert.Equal("8080", policy.Spec.Ingress.Single().Ports.Single().Port.Value);
    }

    [Fact]
    public void The_pool_is_set_from_the_spec_and_must_fit_the_databases_limit()
    {
        var settings = Settings.PlainSettings(Service(s => { s.Database.MaxPoolSize = 4; s.Database.MaxOverflow = 6; }).Spec);
        Assert.Equal(("4", "6"), (settings["OS_PLACEMENT_DATABASE__MAX_POOL_SIZE"], settings["OS_PLACEMENT_DATABASE__MAX_OVERFLOW"]));

        // (4 + 6) x (10 pods + 1 during a rolling update) = 110.
        void Limits(Resources.PlacementServiceSpec s, int allowed)
        {
            ExternalDatabase(s);
            s.Autoscaling = new() { MaxReplicas = 10 };
            s.Database.MaxPoolSize = 4;
            s.Database.MaxOverflow = 6;
            s.Database.MaxConnections = allowed;
        }
        Assert.Empty(Reconciliation.SpecValidation.Problems(Service(s => Limits(s, 110))));
        var problem = Assert.Single(Reconciliation.SpecValidation.Problems(Service(s => Limits(s, 109))));
        Assert.Contains("10 connections per pod (maxPoolSize + maxOverflow) x 11 pods", problem, StringComparison.Ordinal);
    }
}
