using Placement.Operator.Builders;
using static Placement.Operator.Tests.Builders.Samples;

namespace Placement.Operator.Tests.Builders;

public class ApiDeploymentTests
{
    [Fact]
    public void Runs_the_api_hardened_with_probes_on_root()
    {
        var deployment = ApiDeployment.Build(Service(s => s.Image = "registry/placement-api:2.1"), SampleRevision);
        var pod = deployment.Spec.Template.Spec;
        var container = pod.Containers.Single();

        Assert.Equal("registry/placement-api:2.1", container.Image);
        Assert.Equal(["serve", "--host", "0.0.0.0", "--port", "8080"], container.Args);
        Assert.Equal(8080, container.Ports.Single().ContainerPort);
        Assert.Equal("/", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/", container.LivenessProbe.HttpGet.Path);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.True(container.SecurityContext.RunAsNonRoot);
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.Contains(container.VolumeMounts, m => m.MountPath == "/tmp");
        Assert.Equal("2.1", deployment.Spec.Template.Metadata.Labels["app.kubernetes.io/version"]);
        Assert.Equal("apps/v1", deployment.ApiVersion);
        Assert.Equal("0b4f7d2e-uid", deployment.Metadata.OwnerReferences.Single().Uid);
        Assert.True(deployment.Metadata.OwnerReferences.Single().Controller);
    }

    [Fact]
    public void Embedded_sqlite_lives_on_the_claim_and_pods_are_replaced_not_rolled()
    {
        var deployment = ApiDeployment.Build(Service(), SampleRevision);
        var volume = deployment.Spec.Template.Spec.Volumes.Single(v => v.PersistentVolumeClaim is not null);

        Assert.Equal("placement-sqlite", volume.PersistentVolumeClaim.ClaimName);
        Assert.Contains(deployment.Spec.Template.Spec.Containers[0].VolumeMounts, m => m.Name == volume.Name && m.MountPath == "/var/lib/placement");
        Assert.Equal("Recreate", deployment.Spec.Strategy.Type);
    }

    [Fact]
    public void External_database_rolls_without_downtime_and_mounts_no_claim()
    {
        var deployment = ApiDeployment.Build(Service(ExternalDatabase), SampleRevision);

        Assert.DoesNotContain(deployment.Spec.Template.Spec.Volumes, v => v.PersistentVolumeClaim is not null);
        Assert.Equal("RollingUpdate", deployment.Spec.Strategy.Type);
        Assert.Equal("0", deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
    }

    [Fact]
    public void Replicas_are_left_to_the_autoscaler_when_autoscaling()
    {
        Assert.Equal(3, ApiDeployment.Build(Service(s => { ExternalDatabase(s); s.Replicas = 3; }), SampleRevision).Spec.Replicas);
        Assert.Null(ApiDeployment.Build(Service(s => { ExternalDatabase(s); s.Autoscaling = new(); }), SampleRevision).Spec.Replicas);
    }

    [Fact]
    public void The_template_carries_its_revision_and_the_deployment_the_hash_of_its_template()
    {
        var deployment = ApiDeployment.Build(Service(), SampleRevision);
        var hash = ApiDeployment.TemplateHashOf(deployment);

        Assert.Equal(SampleRevision, deployment.Spec.Template.Metadata.Annotations[Naming.RevisionAnnotation]);
        Assert.NotNull(hash);
        Assert.Equal(hash, ApiDeployment.TemplateHashOf(ApiDeployment.Build(Service(s => s.Replicas = 0), SampleRevision)));
        Assert.NotEqual(hash, ApiDeployment.TemplateHashOf(ApiDeployment.Build(Service(), "9876543210")));
        Assert.NotEqual(hash, ApiDeployment.TemplateHashOf(ApiDeployment.Build(Service(s => s.NodeSelector = new() { ["disk"] = "ssd" }), SampleRevision)));
    }

    [Fact]
    public void Selector_picks_api_pods_only()
    {
        var deployment = ApiDeployment.Build(Service(), SampleRevision);
        var job = DbSyncJob.Build(Service(), SampleRevision, null);

        Assert.All(deployment.Spec.Selector.MatchLabels, l => Assert.Equal(l.Value, deployment.Spec.Template.Metadata.Labels[l.Key]));
        Assert.Contains(deployment.Spec.Selector.MatchLabels, l => job.Spec.Template.Metadata.Labels[l.Key] != l.Value);
    }

    [Fact]
    public void Pod_placement_and_pull_secrets_are_passed_through()
    {
        var pod = ApiDeployment.Build(Service(s =>
        {
            s.NodeSelector = new() { ["disk"] = "ssd" };
            s.Tolerations = [new k8s.Models.V1Toleration { Key = "dedicated", OperatorProperty = "Exists" }];
            s.ImagePullSecrets = [new Resources.LocalObjectReference { Name = "regcred" }];
        }), SampleRevision).Spec.Template.Spec;

        Assert.Equal("ssd", pod.NodeSelector["disk"]);
        Assert.Equal("dedicated", pod.Tolerations.Single().Key);
        Assert.Equal("regcred", pod.ImagePullSecrets.Single().Name);
    }
}
