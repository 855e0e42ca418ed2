using k8s;
using k8s.Models;
using Placement.Operator.Controller;
using Placement.Operator.Reconciliation;
using Placement.Operator.Resources;

namespace Placement.Operator.Tests;

/// <summary>The samples and manifests in config/ fit the operator that will read them.</summary>
public class DeliverablesTests
{
    [Theory]
    [InlineData("placementservice_minimal.yaml")]
    [InlineData("placementservice_autoscaled.yaml")]
    public void Samples_are_valid_placement_services(string file)
    {
        var ps = KubernetesYaml.Deserialize<PlacementService>(RepositoryFiles.Read("config", "samples", file));

        Assert.Equal(PlacementService.ApiVersionName, ps.ApiVersion);
        Assert.Equal(PlacementService.KindName, ps.Kind);
        Assert.Empty(SpecValidation.Problems(ps));
    }

    [Fact]
    public void The_minimal_sample_is_three_lines()
    {
        Assert.Equal(3, RepositoryFiles.Read("config", "samples", "placementservice_minimal.yaml").TrimEnd().Split('\n').Length);
    }

    [Fact]
    public void The_autoscaled_sample_autoscales_on_an_external_database_and_exposes_nothing()
    {
        var ps = KubernetesYaml.Deserialize<PlacementService>(RepositoryFiles.Read("config", "samples", "placementservice_autoscaled.yaml"));

        Assert.NotNull(ps.Spec.Autoscaling);
        Assert.NotNull(ps.Spec.Database.ConnectionSecretRef);
        Assert.False(SpecValidation.IsExposed(ps.Spec));
    }

    [Theory]
    [InlineData("placementservice_minimal.yaml")]
    [InlineData("placementservice_autoscaled.yaml")]
    public void Applied_with_its_defaults_a_sample_exposes_nothing_outside_the_cluster(string file)
    {
        var ps = KubernetesYaml.Deserialize<PlacementService>(RepositoryFiles.Read("config", "samples", file));

        Assert.False(ps.Spec.Ingress.Enabled);
        Assert.Equal("ClusterIP", ps.Spec.Service.Type);
    }

    [Fact]
    public void The_manager_deployment_passes_arguments_the_operator_accepts()
    {
        var deployment = KubernetesYaml.Deserialize<V1Deployment>(RepositoryFiles.Read("config", "manager", "manager.yaml"));
        var container = deployment.Spec.Template.Spec.Containers.Single();

        var (options, error) = CommandLine.Parse([.. container.Args]);

        Assert.Null(error);
        Assert.True(options!.LeaderElect);
        Assert.Equal("/healthz", container.LivenessProbe.HttpGet.Path);
        Assert.Equal(options.HttpPort, container.Ports.Single(p => p.Name == "http").ContainerPort);
        Assert.Equal(options.MetricsPort, container.Ports.Single(p => p.Name == "metrics").ContainerPort);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
    }

    [Fact]
    public void Install_pins_the_operator_and_the_default_api_image_to_this_release()
    {
        var deployment = KubernetesYaml.Deserialize<V1Deployment>(RepositoryFiles.Read("config", "manager", "manager.yaml"));
        var container = deployment.Spec.Template.Spec.Containers.Single();
        var release = OperatorOptions.ReleaseImage.Split(':')[1];

        Assert.Equal(OperatorOptions.ReleaseImage, container.Env.Single(e => e.Name == OperatorOptions.DefaultImageVariable).Value);
        Assert.Equal($"placement-operator:{release}", container.Image);
        Assert.Contains($"newTag: {release}", RepositoryFiles.Read("config", "default", "kustomization.yaml"), StringComparison.Ordinal);
        Assert.DoesNotContain(":latest", RepositoryFiles.Read("config", "samples", "placementservice_autoscaled.yaml"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--bogus", "1" }, "unknown option --bogus")]
    [InlineData(new[] { "--leader-elect", "maybe" }, "--leader-elect must be true or false")]
    [InlineData(new[] { "--http-port", "0" }, "--http-port must be a port number")]
    [InlineData(new[] { "--workers", "-1" }, "--workers must be a positive number")]
    [InlineData(new[] { "--informer-failure-seconds", "0" }, "--informer-failure-seconds must be a positive number of seconds")]
    [InlineData(new[] { "--informer-failure-seconds", "3m" }, "--informer-failure-seconds must be a positive number of seconds")]
    [InlineData(new[] { "--metrics-port", "8081" }, "--metrics-port must be a port number other than --http-port")]
    [InlineData(new[] { "--metrics-cert-dir", "/nonexistent" }, "--metrics-cert-dir /nonexistent must hold tls.crt and tls.key")]
    [InlineData(new[] { "--watch-namespaces", "placement,Team_B" },
        "--watch-namespaces: 'Team_B' is not a namespace name (a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit)")]
    [InlineData(new[] { "--watch-namespaces", "a-namespace-name-that-is-one-character-longer-than-sixty-three-c" },
        "--watch-namespaces: 'a-namespace-name-that-is-one-character-longer-than-sixty-three-c' is not a namespace name (a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit)")]
    [InlineData(new[] { "--watch-namespaces", "-placement" },
        "--watch-namespaces: '-placement' is not a namespace name (a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit)")]
    public void Bad_arguments_are_named(string[] args, string error) => Assert.Equal(error, CommandLine.Parse(args).Error);

    [Fact]
    public void Defaults_need_no_arguments()
    {
        var (options, _) = CommandLine.Parse([]);

        Assert.Empty(options!.WatchNamespaces);
        Assert.Equal(new CommandLine(null, null, true, null, null, 8081, 2, TimeSpan.FromMinutes(3), 8443, null, options.WatchNamespaces), options);
    }

    [Theory]
    [InlineData("placement", new[] { "placement" })]
    [InlineData("team-a, team-b,team-a", new[] { "team-a", "team-b" })]
    [InlineData("", new string[0])]
    public void Watch_namespaces_are_a_comma_separated_list(string value, string[] namespaces) =>
        Assert.Equal(namespaces, CommandLine.Parse(["--watch-namespaces", value]).Options!.WatchNamespaces);

    [Fact]
    public void The_informer_failure_threshold_is_given_in_seconds()
    {
        var (options, _) = CommandLine.Parse(["--informer-failure-seconds", "600"]);

        Assert.Equal(TimeSpan.FromMinutes(10), options!.InformerFailureTimeout);
    }

    /// <summary>
    /// config/namespaced is config/default with the operator's ClusterRole granted as a Role in each watched namespace
    /// instead of cluster-wide, and the manager told which namespaces to watch; the rest (the CRD, the Lease's and the
    /// metrics' roles) is the same.
    /// </summary>
    [KubectlFact]
    public void The_namespaced_overlay_is_the_default_install_with_roles_in_the_watched_namespaces()
    {
        var clusterWide = Kubectl.Kustomize("default");
        var namespaced = Kubectl.Kustomize("namespaced");

        var manager = namespaced.OfType<V1Deployment>().Single();
        var args = manager.Spec.Template.Spec.Containers.Single().Args;
        var (options, error) = CommandLine.Parse([.. args]);
        Assert.Null(error);
        Assert.Equal(["placement"], options!.WatchNamespaces);
        var clusterRole = clusterWide.OfType<V1ClusterRole>().Single(r => r.Metadata.Name == "placement-operator");
        foreach (var ns in options.WatchNamespaces)
        {
            var role = namespaced.OfType<V1Role>().Single(r => r.Metadata.NamespaceProperty == ns);
            Assert.Equal(KubernetesYaml.Serialize(clusterRole.Rules), KubernetesYaml.Serialize(role.Rules));
            var binding = namespaced.OfType<V1RoleBinding>().Single(b => b.Metadata.NamespaceProperty == ns);
            Assert.Equal(("Role", role.Metadata.Name), (binding.RoleRef.Kind, binding.RoleRef.Name));
        }
        Assert.Equal(["--watch-namespaces", string.Join(',', options.WatchNamespaces)], args.TakeLast(2));
        args.RemoveAt(args.Count - 1);
        args.RemoveAt(args.Count - 1);
        Assert.Equal(
            Objects(clusterWide).Where(o => o.Key is not ("ClusterRole /placement-operator" or "ClusterRoleBinding /placement-operator")),
            Objects(namespaced).Where(o => !options.WatchNamespaces.Any(ns => o.Key.StartsWith($"Role {ns}/", StringComparison.Ordinal) || o.Key.StartsWith($"RoleBinding {ns}/", StringComparison.Ordinal))));

        static SortedDictionary<string, string> Objects(IList<object> manifests) =>
            new(manifests.Cast<IKubernetesObject<V1ObjectMeta>>().ToDictionary(o => $"{o.Kind} {o.Metadata.NamespaceProperty}/{o.Metadata.Name}", KubernetesYaml.Serialize), StringComparer.Ordinal);
    }

    /// <summary>tests/e2e/kind.sh cannot run here (no Docker engine): at least it parses, and passes shellcheck where installed.</summary>
    [Fact]
    public void The_kind_script_parses_and_passes_shellcheck()
    {
        var script = RepositoryFiles.PathOf("tests", "e2e", "kind.sh");

        Assert.Equal((0, "", ""), Commands.Run("bash", "-n", script));
        if (Commands.Installed("shellcheck"))
        {
            Assert.Equal((0, "", ""), Commands.Run("shellcheck", script));
        }
    }
}
