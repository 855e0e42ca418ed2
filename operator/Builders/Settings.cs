using k8s.Models;
using Placement.Operator.Resources;

namespace Placement.Operator.Builders;

/// <summary>
/// The API's configuration: plain OS_* settings go into a ConfigMap; secrets stay in the user's Secrets
/// and reach the pods by reference, so the operator never reads them.
/// </summary>
public static class Settings
{
    public const string PolicyKey = "policy.yaml";

    public static Dictionary<string, string> PlainSettings(PlacementServiceSpec spec)
    {
        var settings = new Dictionary<string, string>
        {
            ["OS_API__AUTH_STRATEGY"] = spec.Auth.Strategy,
        };
        if (spec.Database.ConnectionSecretRef is null)
        {
            settings["OS_PLACEMENT_DATABASE__CONNECTION"] = $"sqlite:///{Naming.SqliteDirectory}/placement.sqlite";
        }
        if (spec.Auth.Strategy == "keystone" && spec.Auth.Keystone is { } keystone)
        {
            settings["OS_KEYSTONE_AUTHTOKEN__AUTH_TYPE"] = "password";
            settings["OS_KEYSTONE_AUTHTOKEN__AUTH_URL"] = keystone.AuthUrl;
            settings["OS_KEYSTONE_AUTHTOKEN__WWW_AUTHENTICATE_URI"] = keystone.WwwAuthenticateUri ?? keystone.AuthUrl;
            settings["OS_KEYSTONE_AUTHTOKEN__USERNAME"] = keystone.Username;
            settings["OS_KEYSTONE_AUTHTOKEN__PROJECT_NAME"] = keystone.ProjectName;
            settings["OS_KEYSTONE_AUTHTOKEN__USER_DOMAIN_NAME"] = keystone.UserDomainName;
            settings["OS_KEYSTONE_AUTHTOKEN__PROJECT_DOMAIN_NAME"] = keystone.ProjectDomainName;
            AddIfSet(settings, "OS_KEYSTONE_AUTHTOKEN__REGION_NAME", keystone.RegionName);
            AddIfSet(settings, "OS_KEYSTONE_AUTHTOKEN__MEMCACHED_SERVERS", keystone.MemcachedServers);
        }
        if (spec.Config.Policy is not null)
        {
            settings["OS_OSLO_POLICY__POLICY_FILE"] = $"{Naming.PolicyDirectory}/{PolicyKey}";
        }
        // The user's extra settings come last: an explicit setting wins over a derived one.
        foreach (var (name, value) in spec.Config.Env ?? [])
        {
            settings[name] = value;
        }
        return settings;
    }

    public static V1ConfigMap ConfigMap(PlacementService ps)
    {
        var data = new Dictionary<string, string>(PlainSettings(ps.Spec));
        if (ps.Spec.Config.Policy is { } policy)
        {
            data[PolicyKey] = policy;
        }
        return new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = Naming.Metadata(ps, Naming.ConfigMapName(ps), "config"),
            Data = data,
        };
    }

    /// <summary>Environment of the API and sync containers, every value by reference.</summary>
    public static List<V1EnvVar> Environment(PlacementService ps)
    {
        var configMap = Naming.ConfigMapName(ps);
        var env = PlainSettings(ps.Spec).Keys.Order(StringComparer.Ordinal)
            .Select(name => new V1EnvVar
            {
                Name = name,
                ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = configMap, Key = name } },
            })
            .ToList();
        if (ps.Spec.Database.ConnectionSecretRef is { } connection)
        {
            env.Add(FromSecret("OS_PLACEMENT_DATABASE__CONNECTION", connection));
        }
        if (ps.Spec.Auth.Strategy == "keystone" && ps.Spec.Auth.Keystone is { } keystone)
        {
            env.Add(FromSecret("OS_KEYSTONE_AUTHTOKEN__PASSWORD", keystone.PasswordSecretRef));
        }
        return env;
    }

    /// <summary>Changes whenever the pods' configuration changes, so a new value on the pod template rolls the pods.</summary>
    public static string Hash(PlacementService ps)
    {
        var configMap = ConfigMap(ps).Data.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}");
        var secrets = Environment(ps).Where(e => e.ValueFrom.SecretKeyRef is not null)
            .Select(e => $"{e.Name}=secret:{e.ValueFrom.SecretKeyRef.Name}/{e.ValueFrom.SecretKeyRef.Key}");
        return Naming.ShortHash(string.Join("\n", configMap.Concat(secrets)));
    }

    private static V1EnvVar FromSecret(string name, SecretKeyRef secret) => new()
    {
        Name = name,
        ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret.Name, Key = secret.Key } },
    };

    private static void AddIfSet(Dictionary<string, string> settings, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            settings[name] = value;
        }
    }
}
