using Placement.Operator.Builders;
using static Placement.Operator.Tests.Builders.Samples;

namespace Placement.Operator.Tests.Builders;

public class DbSyncJobTests
{
    [Fact]
    public void Runs_db_sync_with_the_same_image_settings_and_hardening_as_the_api()
    {
        var ps = Service(s => { s.Image = "placement-api:3.0"; Keystone(s); });
        var job = DbSyncJob.Build(ps, SampleRevision, null);
        var sync = job.Spec.Template.Spec.Containers.Single();
        var api = ApiDeployment.Build(ps, SampleRevision).Spec.Template.Spec.Containers.Single();

        Assert.Equal(["db", "sync"], sync.Args);
        Assert.Equal(api.Image, sync.Image);
        Assert.Equal(api.Env.Select(e => e.Name), sync.Env.Select(e => e.Name));
        Assert.True(sync.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Equal("Never", job.Spec.Template.Spec.RestartPolicy);
        Assert.Equal("batch/v1", job.ApiVersion);
    }

    [Fact]
    public void The_job_is_named_after_its_revision_and_reports_its_output_when_it_fails()
    {
        var job = DbSyncJob.Build(Service(), SampleRevision, null);

        Assert.Equal($"placement-db-sync-{SampleRevision}", job.Metadata.Name);
        Assert.Equal(SampleRevision, job.Metadata.Annotations[Naming.RevisionAnnotation]);
        Assert.Equal("FallbackToLogsOnError", job.Spec.Template.Spec.Containers[0].TerminationMessagePolicy);
    }

    [Fact]
    public void With_sqlite_the_job_mounts_the_database_claim_and_is_pinned_to_the_node_that_has_it()
    {
        var pod = DbSyncJob.Build(Service(), SampleRevision, "node-7").Spec.Template.Spec;

        Assert.Contains(pod.Volumes, v => v.PersistentVolumeClaim?.ClaimName == "placement-sqlite");
        var pin = pod.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms.Single().MatchFields.Single();
        Assert.Equal(("metadata.name", "In", "node-7"), (pin.Key, pin.OperatorProperty, pin.Values.Single()));
        Assert.Null(DbSyncJob.Build(Service(), SampleRevision, null).Spec.Template.Spec.Affinity);
        Assert.Null(DbSyncJob.Build(Service(ExternalDatabase), SampleRevision, "node-7").Spec.Template.Spec.Affinity);
    }

    [Fact]
    public void The_pin_narrows_each_of_the_users_node_terms_and_keeps_the_rest_of_the_affinity()
    {
        var zones = new k8s.Models.V1NodeSelectorTerm
        {
            MatchExpressions = [new k8s.Models.V1NodeSelectorRequirement { Key = "zone", OperatorProperty = "In", Values = ["a"] }],
        };
        var ps = Service(s => s.Affinity = new k8s.Models.V1Affinity
        {
            NodeAffinity = new k8s.Models.V1NodeAffinity { RequiredDuringSchedulingIgnoredDuringExecution = new k8s.Models.V1NodeSelector { NodeSelectorTerms = [zones] } },
            PodAntiAffinity = new k8s.Models.V1PodAntiAffinity(),
        });

        var affinity = DbSyncJob.Build(ps, SampleRevision, "node-7").Spec.Template.Spec.Affinity;

        var term = affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms.Single();
        Assert.Equal("zone", term.MatchExpressions.Single().Key);
        Assert.Equal("node-7", term.MatchFields.Single().Values.Single());
        Assert.NotNull(affinity.PodAntiAffinity);
        Assert.Null(ps.Spec.Affinity!.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchFields);
    }

    [Fact]
    public void A_revision_changes_with_what_the_pods_run_and_only_with_that()
    {
        string Of(Action<Resources.PlacementServiceSpec> customise, string? password = null) =>
            Operator.Builders.Revision.Of(Service(customise), password is null ? [] : new Dictionary<string, string> { ["OS_KEYSTONE_AUTHTOKEN__PASSWORD"] = password });

        var plain = Of(_ => { });
        Assert.Equal(plain, Of(s => s.Replicas = 1));
        Assert.Equal(plain, Of(s => s.Ingress.Host = "elsewhere"));
        Assert.NotEqual(plain, Of(s => s.Image = "placement-api:9"));
        Assert.NotEqual(plain, Of(ExternalDatabase));
        Assert.NotEqual(plain, Of(s => s.Config.Env = new() { ["OS_API__MAX_LIMIT"] = "100" }));
        Assert.NotEqual(plain, Of(s => s.Config.Policy = "\"placement:resource_providers:list\": \"\""));
        Assert.NotEqual(Of(Keystone, "digest-1"), Of(Keystone, "digest-2"));
    }
}
