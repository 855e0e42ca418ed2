using Placement.Operator.Builders;
using static Placement.Operator.Tests.Builders.Samples;

namespace Placement.Operator.Tests.Builders;

public class NetworkTests
{
    [Fact]
    public void Service_exposes_the_configured_port_on_the_api_pods()
    {
        var service = ApiService.Build(Service(s => { s.Service.Type = "NodePort"; s.Service.Port = 8780; }));

        Assert.Equal("NodePort", service.Spec.Type);
        Assert.Equal(8780, service.Spec.Ports.Single().Port);
        Assert.Equal("http", service.Spec.Ports.Single().TargetPort.Value);
        Assert.Equal(Naming.SelectorLabels(Service()), service.Spec.Selector);
    }

    [Fact]
    public void Ingress_routes_root_and_placement_paths_of_the_host()
    {
        var ingress = ApiIngress.Build(Service(s =>
        {
            s.Ingress.ClassName = "nginx";
            s.Ingress.Annotations = new() { ["nginx.ingress.kubernetes.io/proxy-body-size"] = "1m" };
        }));
        var rule = ingress.Spec.Rules.Single();

        Assert.Equal("networking.k8s.io/v1", ingress.ApiVersion);
        Assert.Equal("placement.local", rule.Host);
        Assert.Equal(["/", "/placement"], rule.Http.Paths.Select(p => p.Path));
        Assert.All(rule.Http.Paths, p => Assert.Equal("placement", p.Backend.Service.Name));
        Assert.Equal("nginx", ingress.Spec.IngressClassName);
        Assert.Equal("1m", ingress.Metadata.Annotations["nginx.ingress.kubernetes.io/proxy-body-size"]);
        Assert.Null(ingress.Spec.Tls);
    }

    [Fact]
    public void Tls_secures_the_host_and_makes_the_url_https()
    {
        var ps = Service(s =>
        {
            s.Ingress.Enabled = true;
            s.Ingress.Tls = new Resources.IngressTlsSpec { SecretName = "placement-tls" };
        });
        var tls = ApiIngress.Build(ps).Spec.Tls.Single();

        Assert.Equal(["placement.local"], tls.Hosts);
        Assert.Equal("placement-tls", tls.SecretName);
        Assert.Equal("https://placement.local/", ApiService.Url(ps));
    }

    [Fact]
    public void Without_ingress_the_url_is_the_in_cluster_service()
    {
        Assert.Equal("http://placement.openstack.svc:8778/", ApiService.Url(Service(s => s.Ingress.Enabled = false)));
    }

    [Fact]
    public void Autoscaler_targets_the_deployment_on_cpu_utilisation()
    {
        var ps = Service(s => { ExternalDatabase(s); s.Autoscaling = new() { MinReplicas = 2, MaxReplicas = 6, TargetCpuUtilizationPercentage = 70 }; });
        var hpa = ApiAutoscaler.Build(ps, ps.Spec.Autoscaling!);

        Assert.Equal("autoscaling/v2", hpa.ApiVersion);
        Assert.Equal(("Deployment", "placement"), (hpa.Spec.ScaleTargetRef.Kind, hpa.Spec.ScaleTargetRef.Name));
        Assert.Equal((2, 6), (hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas));
        var metric = hpa.Spec.Metrics.Single().Resource;
        Assert.Equal(("cpu", "Utilization", 70), (metric.Name, metric.Target.Type, metric.Target.AverageUtilization));
    }

    [Fact]
    public void Default_autoscaling_is_the_original_chart_one_to_ten_at_half_a_250m_request()
    {
        var ps = Service(s => { ExternalDatabase(s); s.Autoscaling = new(); });
        var hpa = ApiAutoscaler.Build(ps, ps.Spec.Autoscaling!);

        Assert.Equal((1, 10, 50), (hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas, hpa.Spec.Metrics.Single().Resource.Target.AverageUtilization));
        Assert.Equal("250m", ApiDeployment.Build(ps, SampleRevision).Spec.Template.Spec.Containers[0].Resources.Requests["cpu"].ToString());
    }

    [Fact]
    public void Sqlite_claim_has_the_requested_size_and_class()
    {
        var claim = SqliteVolumeClaim.Build(Service(s => { s.Database.SqliteStorageSize = new("5Gi"); s.Database.SqliteStorageClassName = "fast"; }));

        Assert.Equal("placement-sqlite", claim.Metadata.Name);
        Assert.Equal("5Gi", claim.Spec.Resources.Requests["storage"].ToString());
        Assert.Equal("fast", claim.Spec.StorageClassName);
        Assert.Equal(["ReadWriteOnce"], claim.Spec.AccessModes);
    }

    [Theory]
    [InlineData("placement-api:1.2.3", "1.2.3")]
    [InlineData("registry:5000/team/placement-api:2.0", "2.0")]
    [InlineData("registry:5000/team/placement-api", "latest")]
    [InlineData("placement-api@sha256:abc", "sha256:abc")]
    public void Version_is_the_image_tag(string image, string version) => Assert.Equal(version, Naming.VersionOf(image));

    [Fact]
    public void The_version_label_is_a_valid_label_value_whatever_the_tag()
    {
        var tag = new string('a', 62) + "-.rest";
        var label = Naming.Labels(Service(s => s.Image = "placement-api:" + tag), "api")["app.kubernetes.io/version"];

        Assert.Equal(new string('a', 62), label);
        Assert.Equal("sha256_abc", Naming.Labels(Service(s => s.Image = "placement-api@sha256:abc"), "api")["app.kubernetes.io/version"]);
    }
}
