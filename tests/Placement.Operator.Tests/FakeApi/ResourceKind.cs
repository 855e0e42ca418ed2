namespace Placement.Operator.Tests.FakeApi;

/// <summary>A kind of object the fake API server serves.</summary>
public sealed record ResourceKind(string Group, string Version, string Plural, string Kind, bool HasStatus)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public static readonly IReadOnlyList<ResourceKind> All =
    [
        new("", "v1", "configmaps", "ConfigMap", false),
        new("", "v1", "secrets", "Secret", false),
        new("", "v1", "pods", "Pod", true),
        new("", "v1", "services", "Service", true),
        new("", "v1", "events", "Event", false),
        new("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true),
        new("apps", "v1", "deployments", "Deployment", true),
        new("batch", "v1", "jobs", "Job", true),
        new("networking.k8s.io", "v1", "ingresses", "Ingress", true),
        new("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true),
        new("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true),
        new("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", false),
        new("coordination.k8s.io", "v1", "leases", "Lease", false),
        new(Resources.PlacementService.Group, Resources.PlacementService.Version, Resources.PlacementService.Plural, Resources.PlacementService.KindName, true),
    ];

    public static ResourceKind? Find(string group, string version, string plural) =>
        All.FirstOrDefault(k => k.Group == group && k.Version == version && k.Plural == plural);

    public static ResourceKind ByPlural(string plural) => All.Single(k => k.Plural == plural);
}
