using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Placement.Operator.Crd;

namespace Placement.Operator.Resources;

/// <summary>A Placement API deployment: the custom resource this operator reconciles.</summary>
[Description("A Placement API service: database sync, Deployment, Service, Ingress and autoscaling managed by placement-operator.")]
[CelRule("self.metadata.name.size() <= 44", "metadata.name must be at most 44 characters: it names the database sync Job, <name>-db-sync-<revision>, which must fit in 63")]
[CelRule("self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",
    "metadata.name must be a DNS-1035 label (lowercase letters, digits and '-', starting with a letter and ending with a letter or digit): it names the Service")]
public sealed class PlacementService : IKubernetesObject<V1ObjectMeta>
{
    public const string Group = "operator.placement.dev";
    public const string Version = "v1alpha1";
    public const string KindName = "PlacementService";
    public const string Plural = "placementservices";
    public const string ApiVersionName = Group + "/" + Version;

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ApiVersionName;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public PlacementServiceSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public PlacementServiceStatus? Status { get; set; }
}

// Every field a rule reads is guarded by has(): kube-apiserver checks the rules on the raw default of spec ({}),
// before nested defaults fill it (see tests/Placement.Operator.Tests/CrdCelRulesTests.cs).
[CelRule("!has(self.autoscaling) || (has(self.database) && has(self.database.connectionSecretRef)) || self.autoscaling.maxReplicas <= 1",
    "autoscaling beyond one replica needs database.connectionSecretRef: the embedded SQLite database is a file on one volume and cannot be shared by several pods")]
[CelRule("(has(self.database) && has(self.database.connectionSecretRef)) || !has(self.replicas) || self.replicas <= 1",
    "replicas above 1 need database.connectionSecretRef: the embedded SQLite database is a file on one volume and cannot be shared by several pods")]
[CelRule("!((!has(self.auth) || !has(self.auth.strategy) || self.auth.strategy == 'noauth2') && ((has(self.ingress) && has(self.ingress.enabled) && self.ingress.enabled) || (has(self.service) && has(self.service.type) && self.service.type != 'ClusterIP'))) || (has(self.auth) && has(self.auth.exposeUnauthenticated) && self.auth.exposeUnauthenticated)",
    "auth.strategy noauth2 makes every caller an admin: exposing it outside the cluster (ingress.enabled, or service.type LoadBalancer or NodePort) needs auth.exposeUnauthenticated: true, which says you accept that anyone who reaches it is admin; use keystone for anything but a trial")]
// Past the has() guards the fields read have defaults, which kube-apiserver applies before the rules run.
[CelRule("!has(self.database) || !has(self.database.maxConnections) || (self.database.maxPoolSize + self.database.maxOverflow) * ((has(self.autoscaling) ? self.autoscaling.maxReplicas : self.replicas) + 1) <= self.database.maxConnections",
    "database.maxConnections is too small: (maxPoolSize + maxOverflow) x (the most API pods, autoscaling.maxReplicas or replicas, + 1 during a rolling update) would exceed it; lower database.maxOverflow or the pods, or raise the database's limit")]
[CelRule("!has(self.auth) || !has(self.auth.strategy) || self.auth.strategy != 'keystone' || has(self.auth.keystone)",
    "auth.strategy keystone needs auth.keystone settings")]
public sealed class PlacementServiceSpec
{
    [Description("The Placement API image with its tag. The tag is the version shown in status; editing it upgrades (database sync with the new image, then a rolling update). Unset: the image of the operator's release (its PLACEMENT_API_IMAGE), so upgrading the operator upgrades the service.")]
    [MinLength(1)]
    [JsonPropertyName("image")]
    public string? Image { get; set; }

    [Description("Fixed number of API pods, used when autoscaling is not set.")]
    [Range(0, 100)]
    [JsonPropertyName("replicas")]
    public int Replicas { get; set; } = 1;

    [Description("Horizontal pod autoscaling on CPU; when set it replaces replicas.")]
    [JsonPropertyName("autoscaling")]
    public AutoscalingSpec? Autoscaling { get; set; }

    [Description("Compute resources of the API container. Autoscaling measures CPU against the CPU request.")]
    [JsonPropertyName("resources")]
    public ResourcesSpec Resources { get; set; } = new();

    [Description("The database: embedded SQLite on a persistent volume (default), or an external one from a Secret.")]
    [JsonPropertyName("database")]
    public DatabaseSpec Database { get; set; } = new();

    [Description("How API requests are authenticated.")]
    [JsonPropertyName("auth")]
    public AuthSpec Auth { get; set; } = new();

    [Description("Ingress exposing the API on paths / and /placement.")]
    [JsonPropertyName("ingress")]
    public IngressSpec Ingress { get; set; } = new();

    [Description("The Service in front of the API pods.")]
    [JsonPropertyName("service")]
    public ServiceSpec Service { get; set; } = new();

    [Description("Extra configuration of the API.")]
    [JsonPropertyName("config")]
    public ConfigSpec Config { get; set; } = new();

    [Description("Node labels the API and sync pods must run on.")]
    [JsonPropertyName("nodeSelector")]
    public Dictionary<string, string>? NodeSelector { get; set; }

    [Description("Tolerations of the API and sync pods (core/v1 Toleration).")]
    [ListType("atomic")]
    [JsonPropertyName("tolerations")]
    public List<V1Toleration>? Tolerations { get; set; }

    [Description("Affinity of the API and sync pods (core/v1 Affinity).")]
    [JsonPropertyName("affinity")]
    public V1Affinity? Affinity { get; set; }

    [Description("Secrets used to pull the image.")]
    [ListType("map", "name")]
    [JsonPropertyName("imagePullSecrets")]
    public List<LocalObjectReference>? ImagePullSecrets { get; set; }

    [Description("Keeping the API up through node drains, failures and rolling updates.")]
    [JsonPropertyName("availability")]
    public AvailabilitySpec Availability { get; set; } = new();

    [Description("Who may reach the API pods.")]
    [JsonPropertyName("networkPolicy")]
    public NetworkPolicySpec NetworkPolicy { get; set; } = new();

    /// <summary>
    /// More than one API pod can run: the database is external (one SQLite file admits one pod). What depends on it
    /// does not change with the replica count, so scaling never rolls the pods.
    /// </summary>
    [JsonIgnore]
    public bool CanRunSeveralPods => Database.ConnectionSecretRef is not null;

    /// <summary>The most API pods that can run at once: the autoscaler's maximum, or the fixed count.</summary>
    [JsonIgnore]
    public int MostReplicas => Autoscaling?.MaxReplicas ?? Replicas;

    /// <summary>The database connections all API pods may hold at once, counting the extra pod of a rolling update.</summary>
    [JsonIgnore]
    public int DatabaseConnectionsNeeded => (Database.MaxPoolSize + Database.MaxOverflow) * (MostReplicas + 1);
}

public sealed class AvailabilitySpec
{
    [Description("A PodDisruptionBudget letting one API pod at a time be evicted (a node drain), made when more than one pod can run (an external database).")]
    [JsonPropertyName("podDisruptionBudget")]
    public bool PodDisruptionBudget { get; set; } = true;

    [Description("Spread the API pods over nodes and zones (best effort: ScheduleAnyway) when more than one pod can run (an external database).")]
    [JsonPropertyName("topologySpread")]
    public bool TopologySpread { get; set; } = true;

    [Description("Seconds an API pod keeps serving after it is told to stop, so that endpoints and ingress controllers stop sending it requests first and a rolling update drops none.")]
    [Range(0, 60)]
    [JsonPropertyName("shutdownDelaySeconds")]
    public int ShutdownDelaySeconds { get; set; } = 5;
}

public sealed class NetworkPolicySpec
{
    [Description("A NetworkPolicy admitting traffic to the API pods only from pods of this namespace, of allowedNamespaces, of allowedCIDRs and, with an Ingress, of the ingress controller's namespace; with a LoadBalancer or NodePort Service, from anywhere (such traffic comes from node or client addresses).")]
    [JsonPropertyName("enabled")]
    public bool Enabled { get; set; } = true;

    [Description("Other namespaces, by name, whose pods may call the API (where nova runs, for one).")]
    [MaxLength(64)]
    [JsonPropertyName("allowedNamespaces")]
    public List<string>? AllowedNamespaces { get; set; }

    [Description("Address ranges (CIDR) admitted besides: an ingress controller or load balancer on the host network, say.")]
    [MaxLength(64)]
    [JsonPropertyName("allowedCIDRs")]
    public List<string>? AllowedCidrs { get; set; }

    [Description("Namespace of the ingress controller, admitted when ingress.enabled.")]
    [MinLength(1)]
    [JsonPropertyName("ingressControllerNamespace")]
    public string IngressControllerNamespace { get; set; } = "ingress-nginx";
}

[CelRule("self.minReplicas <= self.maxReplicas", "minReplicas must not exceed maxReplicas")]
public sealed class AutoscalingSpec
{
    [Range(1, 100)]
    [JsonPropertyName("minReplicas")]
    public int MinReplicas { get; set; } = 1;

    [Range(1, 100)]
    [JsonPropertyName("maxReplicas")]
    public int MaxReplicas { get; set; } = 10;

    [Description("Average CPU use, in percent of the CPU request, the autoscaler aims for.")]
    [Range(1, 100)]
    [JsonPropertyName("targetCPUUtilizationPercentage")]
    public int TargetCpuUtilizationPercentage { get; set; } = 50;
}

public sealed class ResourcesSpec
{
    [JsonPropertyName("requests")]
    public Dictionary<string, ResourceQuantity>? Requests { get; set; } = new() { ["cpu"] = new ResourceQuantity("250m"), ["memory"] = new ResourceQuantity("128Mi") };

    [JsonPropertyName("limits")]
    public Dictionary<string, ResourceQuantity>? Limits { get; set; }
}

// A transition rule (oldSelf): checked on updates only, so any value is accepted on create.
[CelRule("!has(oldSelf.sqliteStorageClassName) || (has(self.sqliteStorageClassName) && self.sqliteStorageClassName == oldSelf.sqliteStorageClassName)",
    "database.sqliteStorageClassName cannot change once set: the storage class of the SQLite volume (a PersistentVolumeClaim) is immutable")]
public sealed class DatabaseSpec
{
    [Description("Secret key holding the SQLAlchemy URL of an external database. Unset: embedded SQLite.")]
    [JsonPropertyName("connectionSecretRef")]
    public SecretKeyRef? ConnectionSecretRef { get; set; }

    [Description("Size of the persistent volume of the embedded SQLite database.")]
    [JsonPropertyName("sqliteStorageSize")]
    public ResourceQuantity SqliteStorageSize { get; set; } = new("1Gi");

    [Description("Storage class of the SQLite volume; unset: the cluster default.")]
    [JsonPropertyName("sqliteStorageClassName")]
    public string? SqliteStorageClassName { get; set; }

    [Description("Connections each API pod keeps open ([placement_database] max_pool_size).")]
    [Range(1, 1000)]
    [JsonPropertyName("maxPoolSize")]
    public int MaxPoolSize { get; set; } = DefaultMaxPoolSize;

    [Description("Connections each API pod may open beyond maxPoolSize under load ([placement_database] max_overflow).")]
    [Range(0, 1000)]
    [JsonPropertyName("maxOverflow")]
    public int MaxOverflow { get; set; } = DefaultMaxOverflow;

    [Description("Connections the database allows Placement. When set, (maxPoolSize + maxOverflow) x (the most API pods + 1 for a rolling update's extra pod) must fit in it.")]
    [Range(1, 1000000)]
    [JsonPropertyName("maxConnections")]
    public int? MaxConnections { get; set; }

    // oslo.db's defaults, which upstream Placement and ours share.
    public const int DefaultMaxPoolSize = 5;
    public const int DefaultMaxOverflow = 50;
}

public sealed class SecretKeyRef
{
    [Required]
    [MinLength(1)]
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [Required]
    [MinLength(1)]
    [JsonPropertyName("key")]
    public string Key { get; set; } = "";
}

public sealed class AuthSpec
{
    [AllowedValues("noauth2", "keystone")]
    [JsonPropertyName("strategy")]
    public string Strategy { get; set; } = "noauth2";

    [JsonPropertyName("keystone")]
    public KeystoneSpec? Keystone { get; set; }

    [Description("noauth2 only: allow exposing the API outside the cluster (an Ingress, or a LoadBalancer or NodePort Service) although anyone who reaches it is admin (X-Auth-Token: admin). For a trial; use keystone for anything else.")]
    [JsonPropertyName("exposeUnauthenticated")]
    public bool ExposeUnauthenticated { get; set; }
}

public sealed class KeystoneSpec
{
    [Description("Keystone URL the middleware authenticates the service user against.")]
    [Required]
    [MinLength(1)]
    [JsonPropertyName("authUrl")]
    public string AuthUrl { get; set; } = "";

    [Description("Public Keystone URL given to clients in WWW-Authenticate; defaults to authUrl.")]
    [JsonPropertyName("wwwAuthenticateUri")]
    public string? WwwAuthenticateUri { get; set; }

    [JsonPropertyName("username")]
    public string Username { get; set; } = "placement";

    [JsonPropertyName("projectName")]
    public string ProjectName { get; set; } = "service";

    [JsonPropertyName("userDomainName")]
    public string UserDomainName { get; set; } = "Default";

    [JsonPropertyName("projectDomainName")]
    public string ProjectDomainName { get; set; } = "Default";

    [JsonPropertyName("regionName")]
    public string? RegionName { get; set; }

    [JsonPropertyName("memcachedServers")]
    public string? MemcachedServers { get; set; }

    [Description("Secret key holding the service user's password.")]
    [Required]
    [JsonPropertyName("passwordSecretRef")]
    public SecretKeyRef PasswordSecretRef { get; set; } = new();
}

public sealed class IngressSpec
{
    [Description("Make an Ingress (off by default, as in the original chart: with noauth2 it would publish an admin API).")]
    [JsonPropertyName("enabled")]
    public bool Enabled { get; set; }

    [Description("Host name the Ingress serves, a DNS-1123 subdomain.")]
    [MinLength(1)]
    [MaxLength(253)]
    [CelRule("self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*$')",
        "ingress.host must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit")]
    [JsonPropertyName("host")]
    public string Host { get; set; } = "placement.local";

    [JsonPropertyName("className")]
    public string? ClassName { get; set; }

    [Description("TLS for the host with the certificate in this Secret; the URL becomes https.")]
    [JsonPropertyName("tls")]
    public IngressTlsSpec? Tls { get; set; }

    [JsonPropertyName("annotations")]
    public Dictionary<string, string>? Annotations { get; set; }
}

public sealed class IngressTlsSpec
{
    [Required]
    [MinLength(1)]
    [JsonPropertyName("secretName")]
    public string SecretName { get; set; } = "";
}

public sealed class ServiceSpec
{
    [AllowedValues("ClusterIP", "NodePort", "LoadBalancer")]
    [JsonPropertyName("type")]
    public string Type { get; set; } = "ClusterIP";

    [Range(1, 65535)]
    [JsonPropertyName("port")]
    public int Port { get; set; } = 8778;
}

// The API reads OS_ names without regard to case and with '-' as '_' (placement-api/Configuration/OsloConfig.cs): only
// the canonical spelling is accepted, so the rules below cannot be dodged by writing a name another way.
[CelRule("!has(self.env) || self.env.all(k, k.matches('^OS_[A-Z0-9_]+__[A-Z0-9_]+$'))", "config.env names must be OS_<GROUP>__<OPTION> in capitals, digits and '_'")]
[CelRule("!has(self.env) || self.env.all(k, !(k == 'OS_API__AUTH_STRATEGY' || k == 'OS_PLACEMENT_DATABASE__CONNECTION' || k == 'OS_PLACEMENT_DATABASE__MAX_POOL_SIZE' || k == 'OS_PLACEMENT_DATABASE__MAX_OVERFLOW' || k == 'OS_OSLO_POLICY__POLICY_FILE' || k.startsWith('OS_KEYSTONE_AUTHTOKEN__')))",
    "config.env cannot set what the spec decides: OS_API__AUTH_STRATEGY (auth.strategy), OS_PLACEMENT_DATABASE__CONNECTION, __MAX_POOL_SIZE and __MAX_OVERFLOW (database), OS_OSLO_POLICY__POLICY_FILE (config.policy), OS_KEYSTONE_AUTHTOKEN__* (auth.keystone)")]
[CelRule("!has(self.env) || self.env.all(k, !(k.contains('PASSWORD') || k.contains('SECRET') || k.contains('TOKEN') || k.contains('CREDENTIAL')))",
    "config.env is not for secrets (a name with PASSWORD, SECRET, TOKEN or CREDENTIAL): anyone who may read the PlacementService reads them; reference a Secret (database.connectionSecretRef, auth.keystone.passwordSecretRef)")]
public sealed class ConfigSpec
{
    [Description("Extra settings as OS_<GROUP>__<OPTION> environment variables, e.g. OS_API__MAX_LIMIT.")]
    [MaxLength(256)]
    [JsonPropertyName("env")]
    public Dictionary<string, string>? Env { get; set; }

    [Description("Policy file content (YAML); mounted and set as OS_OSLO_POLICY__POLICY_FILE.")]
    [JsonPropertyName("policy")]
    public string? Policy { get; set; }
}

public sealed class LocalObjectReference
{
    [Required]
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";
}

public sealed class PlacementServiceStatus
{
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [ListType("map", "type")]
    [JsonPropertyName("conditions")]
    public List<V1Condition>? Conditions { get; set; }

    [JsonPropertyName("replicas")]
    public int? Replicas { get; set; }

    [JsonPropertyName("readyReplicas")]
    public int? ReadyReplicas { get; set; }

    [Description("Tag of the image every API pod runs once a rollout completes.")]
    [JsonPropertyName("currentVersion")]
    public string? CurrentVersion { get; set; }

    [JsonPropertyName("currentImage")]
    public string? CurrentImage { get; set; }

    [Description("Hash of the API pod template every replica ran when the last rollout completed. A Deployment with another template is rolling out; one with this template that changes its replica count is only scaling.")]
    [JsonPropertyName("currentTemplateHash")]
    public string? CurrentTemplateHash { get; set; }

    [JsonPropertyName("url")]
    public string? Url { get; set; }
}
