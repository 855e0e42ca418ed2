using k8s.Models;
using Placement.Operator.Resources;

namespace Placement.Operator.Builders;

/// <summary>
/// The API's configuration: plain OS_* settings go into an immutable ConfigMap named after the hash of its content, one
/// per revision, so pods of a running revision never see another's settings; secrets stay in the user's Secrets and
/// reach the pods by reference.
/// </summary>
public static class Settings
{
    public const string PolicyKey = "policy.yaml";

    public static Dictionary<string, string> PlainSettings(PlacementServiceSpec spec)
    {
        // The user's extra settings first: what the spec decides wins (the schema refuses such names in config.env anyway).
        var settings = new Dictionary<string, string>(spec.Config.Env ?? [])
        {
            ["OS_API__AUTH_STRATEGY"] = spec.Auth.Strategy,
        };
        if (spec.Database.ConnectionSecretRef is null)
        {
            settings["OS_PLACEMENT_DATABASE__CONNECTION"] = $"sqlite:///{Naming.SqliteDirectory}/placement.sqlite";
        }
        settings["OS_PLACEMENT_DATABASE__MAX_POOL_SIZE"] = spec.Database.MaxPoolSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["OS_PLACEMENT_DATABASE__MAX_OVERFLOW"] = spec.Database.MaxOverflow.ToString(System.Globalization.CultureInfo.InvariantCulture);
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
        return settings;
    }

    public static V1ConfigMap ConfigMap(PlacementService ps) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = Naming.Metadata(ps, ConfigMapName(ps), "config"),
        Data = Data(ps.Spec),
        Immutable = true,
    };

    public static string ConfigMapName(PlacementService ps) =>
        $"{ps.Metadata.Name}-config-{Naming.ShortHash(string.Join("\n", Data(ps.Spec).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")))}";

    private static Dictionary<string, string> Data(PlacementServiceSpec spec)
    {
        var data = PlainSettings(spec);
        if (spec.Config.Policy is { } policy)
        {
            data[PolicyKey] = policy;
        }
        return data;
    }

    /// <summary>Environment of the API and sync containers, every value by reference.</summary>
    public static List<V1EnvVar> Environment(PlacementService ps)
    {
        var configMap = ConfigMapName(ps);
        var env = PlainSettings(ps.Spec).Keys.Order(StringComparer.Ordinal)
            .Select(name => new V1EnvVar
            {
                Name = name,
                ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = configMap, Key = name } },
            })
            .ToList();
        env.AddRange(SecretInputs(ps.Spec).Select(p => FromSecret(p.Key, p.Value)));
        return env;
    }

    /// <summary>The Secret keys the pods read, by environment variable: their contents are part of the revision.</summary>
    public static Dictionary<string, SecretKeyRef> SecretInputs(PlacementServiceSpec spec)
    {
        var inputs = new Dictionary<string, SecretKeyRef>();
        if (spec.Database.ConnectionSecretRef is { } connection)
        {
            inputs["OS_PLACEMENT_DATABASE__CONNECTION"] = connection;
        }
        if (spec.Auth.Strategy == "keystone" && spec.Auth.Keystone is { } keystone)
        {
            inputs["OS_KEYSTONE_AUTHTOKEN__PASSWORD"] = keystone.PasswordSecretRef;
        }
        return inputs;
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
