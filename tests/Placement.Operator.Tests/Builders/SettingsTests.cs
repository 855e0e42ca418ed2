using Placement.Operator.Builders;
using static Placement.Operator.Tests.Builders.Samples;

namespace Placement.Operator.Tests.Builders;

public class SettingsTests
{
    [Fact]
    public void Embedded_sqlite_and_noauth2_by_default()
    {
        var settings = Settings.PlainSettings(Service().Spec);

        Assert.Equal("noauth2", settings["OS_API__AUTH_STRATEGY"]);
        Assert.Equal("sqlite:////var/lib/placement/placement.sqlite", settings["OS_PLACEMENT_DATABASE__CONNECTION"]);
    }

    [Fact]
    public void Secrets_reach_the_pod_by_reference_never_in_the_config_map()
    {
        var ps = Service(s => { ExternalDatabase(s); Keystone(s); });
        var env = Settings.Environment(ps);
        var configMap = Settings.ConfigMap(ps);

        var connection = env.Single(e => e.Name == "OS_PLACEMENT_DATABASE__CONNECTION").ValueFrom.SecretKeyRef;
        Assert.Equal(("db", "url"), (connection.Name, connection.Key));
        var password = env.Single(e => e.Name == "OS_KEYSTONE_AUTHTOKEN__PASSWORD").ValueFrom.SecretKeyRef;
        Assert.Equal(("keystone", "password"), (password.Name, password.Key));
        Assert.DoesNotContain("OS_PLACEMENT_DATABASE__CONNECTION", configMap.Data.Keys);
        Assert.DoesNotContain("OS_KEYSTONE_AUTHTOKEN__PASSWORD", configMap.Data.Keys);
    }

    [Fact]
    public void Keystone_settings_become_keystone_authtoken_options()
    {
        var settings = Settings.PlainSettings(Service(Keystone).Spec);

        Assert.Equal("keystone", settings["OS_API__AUTH_STRATEGY"]);
        Assert.Equal("http://keystone:5000/v3", settings["OS_KEYSTONE_AUTHTOKEN__AUTH_URL"]);
        Assert.Equal("http://keystone:5000/v3", settings["OS_KEYSTONE_AUTHTOKEN__WWW_AUTHENTICATE_URI"]);
        Assert.Equal("placement", settings["OS_KEYSTONE_AUTHTOKEN__USERNAME"]);
        Assert.Equal("RegionOne", settings["OS_KEYSTONE_AUTHTOKEN__REGION_NAME"]);
        Assert.DoesNotContain("OS_KEYSTONE_AUTHTOKEN__MEMCACHED_SERVERS", settings.Keys);
    }

    [Fact]
    public void Policy_is_mounted_and_named_in_the_settings_and_the_spec_wins_over_extra_env()
    {
        var ps = Service(s =>
        {
            s.Config.Policy = "\"placement:resource_providers:list\": \"\"\n";
            s.Config.Env = new() { ["OS_API__AUTH_STRATEGY"] = "keystone", ["OS_API__MAX_LIMIT"] = "50" };
        });
        var configMap = Settings.ConfigMap(ps);
        var pod = ApiDeployment.Build(ps, SampleRevision).Spec.Template.Spec;

        Assert.Equal("/etc/placement/policy.yaml", configMap.Data["OS_OSLO_POLICY__POLICY_FILE"]);
        Assert.Equal(ps.Spec.Config.Policy, configMap.Data["policy.yaml"]);
        Assert.Contains(pod.Containers[0].VolumeMounts, m => m.MountPath == "/etc/placement" && m.ReadOnlyProperty == true);
        // The schema refuses this name in config.env; a spec that slipped through still runs what the spec says.
        Assert.Equal("noauth2", configMap.Data["OS_API__AUTH_STRATEGY"]);
        Assert.Equal("50", configMap.Data["OS_API__MAX_LIMIT"]);
        Assert.Contains(pod.Containers[0].Env, e => e.Name == "OS_API__MAX_LIMIT" && e.ValueFrom.ConfigMapKeyRef.Name == configMap.Metadata.Name);
    }

    [Fact]
    public void Each_content_has_its_own_immutable_config_map()
    {
        var plain = Settings.ConfigMap(Service());
        var other = Settings.ConfigMap(Service(s => s.Config.Env = new() { ["OS_API__MAX_LIMIT"] = "50" }));

        Assert.True(plain.Immutable);
        Assert.StartsWith("placement-config-", plain.Metadata.Name);
        Assert.NotEqual(plain.Metadata.Name, other.Metadata.Name);
        Assert.Equal(plain.Metadata.Name, Settings.ConfigMap(Service(s => s.Replicas = 0)).Metadata.Name);
    }
}
