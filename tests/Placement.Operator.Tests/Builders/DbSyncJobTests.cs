using Placement.Operator.Builders;
using static Placement.Operator.Tests.Builders.Samples;

namespace Placement.Operator.Tests.Builders;

public class DbSyncJobTests
{
    [Fact]
    public void Runs_db_sync_with_the_same_image_settings_and_hardening_as_the_api()
    {
        var ps = Service(s => { s.Image = "placement-api:3.0"; Keystone(s); });
        var job = DbSyncJob.Build(ps);
        var sync = job.Spec.Template.Spec.Containers.Single();
        var api = ApiDeployment.Build(ps).Spec.Template.Spec.Containers.Single();

        Assert.Equal(["db", "sync"], sync.Args);
        Assert.Equal(api.Image, sync.Image);
        Assert.Equal(api.Env.Select(e => e.Name), sync.Env.Select(e => e.Name));
        Assert.True(sync.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Equal("Never", job.Spec.Template.Spec.RestartPolicy);
        Assert.Equal("batch/v1", job.ApiVersion);
    }

    [Fact]
    public void A_new_image_or_database_means_a_new_job_other_changes_do_not()
    {
        string Name(Action<Resources.PlacementServiceSpec> customise) => DbSyncJob.Build(Service(customise)).Metadata.Name;

        var plain = Name(_ => { });
        Assert.StartsWith("placement-db-sync-", plain);
        Assert.Equal(plain, Name(s => s.Replicas = 1));
        Assert.Equal(plain, Name(s => s.Ingress.Enabled = false));
        Assert.NotEqual(plain, Name(s => s.Image = "placement-api:9"));
        Assert.NotEqual(plain, Name(ExternalDatabase));
    }

    [Fact]
    public void With_sqlite_the_job_mounts_the_database_claim_and_prefers_the_api_pod_node()
    {
        var pod = DbSyncJob.Build(Service()).Spec.Template.Spec;

        Assert.Contains(pod.Volumes, v => v.PersistentVolumeClaim?.ClaimName == "placement-sqlite");
        Assert.NotNull(pod.Affinity.PodAffinity);
        Assert.Null(DbSyncJob.Build(Service(ExternalDatabase)).Spec.Template.Spec.Affinity);
    }
}
