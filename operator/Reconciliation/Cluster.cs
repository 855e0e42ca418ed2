using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Placement.Operator.Builders;
using Placement.Operator.Controller;
using Placement.Operator.Resources;

namespace Placement.Operator.Reconciliation;

/// <summary>
/// What the operator sees of the cluster (one informer per kind it reads or owns, over all namespaces or the watched
/// ones, and direct reads of the Secrets and pods it needs) and the writes it makes: server-side apply under one field
/// manager, deletes, status replaces. A write the API server refuses becomes a <see cref="WriteRefusedException"/>
/// naming the object.
/// </summary>
public sealed class Cluster
{
    public const string FieldManager = "placement-operator";
    public const string HandoverFieldManager = "placement-operator-replicas-handover";
    private static readonly string OwnedSelector = $"{Naming.ManagedByLabel}={Naming.ManagedBy}";

    private readonly IKubernetes client;

    /// <param name="namespaces">The namespaces to list and watch, each on its own; none: all namespaces.</param>
    public Cluster(IKubernetes client, ILoggerFactory loggers, TimeSpan watchTimeout, IReadOnlyList<string> namespaces)
    {
        this.client = client;
        var timeout = (int)watchTimeout.TotalSeconds;
        // list: the kind's list call, in one namespace or (null) in all; with watch set, a watch from a resource version.
        Informer<TItem> Make<TItem, TList>(string kind, Func<string?, string?, bool?, int?, CancellationToken, Task<HttpOperationResponse<TList>>> list)
            where TItem : class, IKubernetesObject<V1ObjectMeta>
            where TList : IKubernetesObject<V1ListMeta>, IItems<TItem> =>
            new(kind, namespaces,
                async (ns, ct) =>
                {
                    using var response = await list(ns, null, null, null, ct);
                    return (response.Body.Items, response.Body.Metadata.ResourceVersion);
                },
                // The per-kind WatchList*Async methods type custom objects as object; this is the one generic path.
#pragma warning disable CS0618
                (ns, version, onError, ct) => list(ns, version, true, timeout, ct).WatchAsync<TItem, TList>(onError, ct),
#pragma warning restore CS0618
                loggers.CreateLogger($"Informer.{kind}"),
                TimeSpan.FromSeconds(1));

        PlacementServices = new Informer<PlacementService>("PlacementService", namespaces, ListReadablePlacementServicesAsync,
#pragma warning disable CS0618
            (ns, version, onError, ct) => (ns is null
                ? client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<PlacementServiceList>(
                    PlacementService.Group, PlacementService.Version, PlacementService.Plural,
                    allowWatchBookmarks: true, resourceVersion: version, timeoutSeconds: timeout, watch: true, cancellationToken: ct)
                : client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<PlacementServiceList>(
                    PlacementService.Group, PlacementService.Version, ns, PlacementService.Plural,
                    allowWatchBookmarks: true, resourceVersion: version, timeoutSeconds: timeout, watch: true, cancellationToken: ct))
                .WatchAsync<PlacementService, PlacementServiceList>(onError, ct),
#pragma warning restore CS0618
            loggers.CreateLogger("Informer.PlacementService"),
            TimeSpan.FromSeconds(1));
        Deployments = Make<V1Deployment, V1DeploymentList>("Deployment", (ns, rv, watch, t, ct) => ns is null
            ? client.AppsV1.ListDeploymentForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: watch, labelSelector: OwnedSelector, resourceVersion: rv, timeoutSeconds: t, watch: watch, cancellationToken: ct)
            : client.AppsV1.ListNamespacedDeploymentWithHttpMessagesAsync(ns, allowWatchBookmarks: watch, labelSelector: OwnedSelector, resourceVersion: rv, timeoutSeconds: t, watch: watch, cancellationToken: ct));
        Jobs = Make<V1Job, V1JobList>("Job", (ns, rv, watch, t, ct) => ns is null
            ? client.BatchV1.ListJobForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: watch, labelSelector: OwnedSelector, resourceVersion: rv, timeoutSeconds: t, watch: watch, cancellationToken: ct)
            : client.BatchV1.ListNamespacedJobWithHttpMessagesAsync(ns, allowWatchBookmarks: watch, labelSelector: OwnedSelector, resourceVersion: rv, timeoutSeconds: t, watch: watch, cancellationToken: ct));
        Services = Make<V1Service, V1ServiceList>("Service", (ns, rv, watch, t, ct) => ns is null
            ? client.CoreV1.ListServiceForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: watch, labelSelector: OwnedSelector, resourceVersion: rv, timeoutSeconds: t, watch: watch, cancellationToken: ct)
            : client.CoreV1.ListNamespacedServiceWithHttpMessagesAsync(ns, allowWatchBookmarks: watch, labelSelector: OwnedSelector, resourceVersion: rv, timeoutSeconds: t, watch: watch, cancellationToken: ct));
        Ingresses = Make<V1Ingress, V1IngressList>("Ingress", (ns, rv, watch, t, ct) => ns is null
            ? client.NetworkingV1.ListIngressForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: watch, labelSelector: OwnedSelector, resourceVersion: rv, timeoutSeconds: t, watch: watch, cancellationToken: ct)
            : client.NetworkingV1.ListNamespacedIngressWithHttpMessagesAsync(ns, allowWatchBookmarks: watch, labelSelector: OwnedSelector, resourceVersion: rv, timeoutSeconds: t, watch: watch, cancellationToken: ct));
        Autoscalers = Make<V2HorizontalPodAutoscaler, V2HorizontalPodAutoscalerList>("HorizontalPodAutoscaler", (ns, rv, watch, t, ct) => ns is null
            ? client.AutoscalingV2.ListHorizontalPodAutoscalerForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: watch, labelSelector: OwnedSelector, resourceVersion: rv, timeoutSeconds: t, watch: watch, cancellationToken: ct)
            : client.AutoscalingV2.ListNamespacedHorizontalPodAutoscalerWithHttpMessagesAsync(ns, allowWatchBookmarks: watch, labelSelector: OwnedSelector, resourceVersion: rv, timeoutSeconds: t, watch: watch, cancellationToken: ct));
        ConfigMaps = Make<V1ConfigMap, V1ConfigMapList>("ConfigMap", (ns, rv, watch, t, ct) => ns is null
            ? client.CoreV1.ListConfigMapForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: watch, labelSelector: OwnedSelector, resourceVersion: rv, timeoutSeconds: t, watch: watch, cancellationToken: ct)
            : client.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync(ns, allowWatchBookmarks: watch, labelSelector: OwnedSelector, resourceVersion: rv, timeoutSeconds: t, watch: watch, cancellationToken: ct));
        VolumeClaims = Make<V1PersistentVolumeClaim, V1PersistentVolumeClaimList>("PersistentVolumeClaim", (ns, rv, watch, t, ct) => ns is null
            ? client.CoreV1.ListPersistentVolumeClaimForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: watch, labelSelector: OwnedSelector, resourceVersion: rv, timeoutSeconds: t, watch: watch, cancellationToken: ct)
            : client.CoreV1.ListNamespacedPersistentVolumeClaimWithHttpMessagesAsync(ns, allowWatchBookmarks: watch, labelSelector: OwnedSelector, resourceVersion: rv, timeoutSeconds: t, watch: watch, cancellationToken: ct));
        DisruptionBudgets = Make<V1PodDisruptionBudget, V1PodDisruptionBudgetList>("PodDisruptionBudget", (ns, rv, watch, t, ct) => ns is null
            ? client.PolicyV1.ListPodDisruptionBudgetForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: watch, labelSelector: OwnedSelector, resourceVersion: rv, timeoutSeconds: t, watch: watch, cancellationToken: ct)
            : client.PolicyV1.ListNamespacedPodDisruptionBudgetWithHttpMessagesAsync(ns, allowWatchBookmarks: watch, labelSelector: OwnedSelector, resourceVersion: rv, timeoutSeconds: t, watch: watch, cancellationToken: ct));
        NetworkPolicies = Make<V1NetworkPolicy, V1NetworkPolicyList>("NetworkPolicy", (ns, rv, watch, t, ct) => ns is null
            ? client.NetworkingV1.ListNetworkPolicyForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: watch, labelSelector: OwnedSelector, resourceVersion: rv, timeoutSeconds: t, watch: watch, cancellationToken: ct)
            : client.NetworkingV1.ListNamespacedNetworkPolicyWithHttpMessagesAsync(ns, allowWatchBookmarks: watch, labelSelector: OwnedSelector, resourceVersion: rv, timeoutSeconds: t, watch: watch, cancellationToken: ct));
    }

    public Informer<PlacementService> PlacementServices { get; }

    /// <summary>
    /// Raised for a stored PlacementService that does not fit the operator's types (one stored before the CRD's schema
    /// typed that field, say): it is left out, with the reason, rather than failing the list of every other one.
    /// </summary>
    public event Action<PlacementService, string>? Unreadable;
    public Informer<V1Deployment> Deployments { get; }
    public Informer<V1Job> Jobs { get; }
    public Informer<V1Service> Services { get; }
    public Informer<V1Ingress> Ingresses { get; }
    public Informer<V2HorizontalPodAutoscaler> Autoscalers { get; }
    public Informer<V1ConfigMap> ConfigMaps { get; }
    public Informer<V1PersistentVolumeClaim> VolumeClaims { get; }
    public Informer<V1PodDisruptionBudget> DisruptionBudgets { get; }
    public Informer<V1NetworkPolicy> NetworkPolicies { get; }

    /// <summary>Every informer: PlacementServices and the kinds the operator makes (a change to one of those wakes its owner).</summary>
    public IReadOnlyList<IInformer> All => [PlacementServices, Deployments, Jobs, Services, Ingresses, Autoscalers, ConfigMaps, VolumeClaims, DisruptionBudgets, NetworkPolicies];

    private async Task<(IList<PlacementService> Items, string ResourceVersion)> ListReadablePlacementServicesAsync(string? @namespace, CancellationToken ct)
    {
        using var response = @namespace is null
            ? await client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<JsonElement>(
                PlacementService.Group, PlacementService.Version, PlacementService.Plural, cancellationToken: ct)
            : await client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<JsonElement>(
                PlacementService.Group, PlacementService.Version, @namespace, PlacementService.Plural, cancellationToken: ct);
        var readable = new List<PlacementService>();
        foreach (var item in response.Body.GetProperty("items").EnumerateArray())
        {
            try
            {
                readable.Add(KubernetesJson.Deserialize<PlacementService>(item.GetRawText()));
            }
            catch (JsonException e)
            {
                var metadata = KubernetesJson.Deserialize<V1ObjectMeta>(item.GetProperty("metadata").GetRawText());
                Unreadable?.Invoke(new PlacementService { Metadata = metadata }, e.Message);
            }
        }
        return (readable, response.Body.GetProperty("metadata").GetProperty("resourceVersion").GetString() ?? "");
    }

    private static V1Patch Apply(object desired) => new(desired, V1Patch.PatchType.ApplyPatch);

    public Task<V1ConfigMap> ApplyAsync(V1ConfigMap o, CancellationToken ct) =>
        Refused(o, "apply", client.CoreV1.PatchNamespacedConfigMapAsync(Apply(o), o.Metadata.Name, o.Metadata.NamespaceProperty, fieldManager: FieldManager, force: true, cancellationToken: ct));

    public Task<V1PersistentVolumeClaim> ApplyAsync(V1PersistentVolumeClaim o, CancellationToken ct) =>
        Refused(o, "apply", client.CoreV1.PatchNamespacedPersistentVolumeClaimAsync(Apply(o), o.Metadata.Name, o.Metadata.NamespaceProperty, fieldManager: FieldManager, force: true, cancellationToken: ct));

    public Task<V1Job> ApplyAsync(V1Job o, CancellationToken ct) =>
        Refused(o, "apply", client.BatchV1.PatchNamespacedJobAsync(Apply(o), o.Metadata.Name, o.Metadata.NamespaceProperty, fieldManager: FieldManager, force: true, cancellationToken: ct));

    public Task<V1Deployment> ApplyAsync(V1Deployment o, CancellationToken ct, string fieldManager = FieldManager) =>
        Refused(o, "apply", client.AppsV1.PatchNamespacedDeploymentAsync(Apply(o), o.Metadata.Name, o.Metadata.NamespaceProperty, fieldManager: fieldManager, force: true, cancellationToken: ct));

    public Task<V1Service> ApplyAsync(V1Service o, CancellationToken ct) =>
        Refused(o, "apply", client.CoreV1.PatchNamespacedServiceAsync(Apply(o), o.Metadata.Name, o.Metadata.NamespaceProperty, fieldManager: FieldManager, force: true, cancellationToken: ct));

    public Task<V1Ingress> ApplyAsync(V1Ingress o, CancellationToken ct) =>
        Refused(o, "apply", client.NetworkingV1.PatchNamespacedIngressAsync(Apply(o), o.Metadata.Name, o.Metadata.NamespaceProperty, fieldManager: FieldManager, force: true, cancellationToken: ct));

    public Task<V2HorizontalPodAutoscaler> ApplyAsync(V2HorizontalPodAutoscaler o, CancellationToken ct) =>
        Refused(o, "apply", client.AutoscalingV2.PatchNamespacedHorizontalPodAutoscalerAsync(Apply(o), o.Metadata.Name, o.Metadata.NamespaceProperty, fieldManager: FieldManager, force: true, cancellationToken: ct));

    public Task<V1PodDisruptionBudget> ApplyAsync(V1PodDisruptionBudget o, CancellationToken ct) =>
        Refused(o, "apply", client.PolicyV1.PatchNamespacedPodDisruptionBudgetAsync(Apply(o), o.Metadata.Name, o.Metadata.NamespaceProperty, fieldManager: FieldManager, force: true, cancellationToken: ct));

    public Task<V1NetworkPolicy> ApplyAsync(V1NetworkPolicy o, CancellationToken ct) =>
        Refused(o, "apply", client.NetworkingV1.PatchNamespacedNetworkPolicyAsync(Apply(o), o.Metadata.Name, o.Metadata.NamespaceProperty, fieldManager: FieldManager, force: true, cancellationToken: ct));

    private static readonly V1DeleteOptions Background = new() { PropagationPolicy = "Background" };

    public Task DeleteAsync(V1Ingress o, CancellationToken ct) =>
        Refused(o, "delete", IgnoreNotFound(client.NetworkingV1.DeleteNamespacedIngressAsync(o.Metadata.Name, o.Metadata.NamespaceProperty, Background, cancellationToken: ct)));

    public Task DeleteAsync(V2HorizontalPodAutoscaler o, CancellationToken ct) =>
        Refused(o, "delete", IgnoreNotFound(client.AutoscalingV2.DeleteNamespacedHorizontalPodAutoscalerAsync(o.Metadata.Name, o.Metadata.NamespaceProperty, Background, cancellationToken: ct)));

    public Task DeleteAsync(V1PodDisruptionBudget o, CancellationToken ct) =>
        Refused(o, "delete", IgnoreNotFound(client.PolicyV1.DeleteNamespacedPodDisruptionBudgetAsync(o.Metadata.Name, o.Metadata.NamespaceProperty, Background, cancellationToken: ct)));

    public Task DeleteAsync(V1NetworkPolicy o, CancellationToken ct) =>
        Refused(o, "delete", IgnoreNotFound(client.NetworkingV1.DeleteNamespacedNetworkPolicyAsync(o.Metadata.Name, o.Metadata.NamespaceProperty, Background, cancellationToken: ct)));

    public Task DeleteAsync(V1ConfigMap o, CancellationToken ct) =>
        Refused(o, "delete", IgnoreNotFound(client.CoreV1.DeleteNamespacedConfigMapAsync(o.Metadata.Name, o.Metadata.NamespaceProperty, Background, cancellationToken: ct)));

    public Task DeleteAsync(V1Job o, CancellationToken ct) =>
        Refused(o, "delete", IgnoreNotFound(client.BatchV1.DeleteNamespacedJobAsync(o.Metadata.Name, o.Metadata.NamespaceProperty, Background, cancellationToken: ct)));

    /// <summary>Replaces the status; fails with 409 Conflict when the resource changed since it was read.</summary>
    public Task ReplaceStatusAsync(PlacementService ps, CancellationToken ct) =>
        client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(ps, PlacementService.Group, PlacementService.Version,
            ps.Metadata.NamespaceProperty, PlacementService.Plural, ps.Metadata.Name, fieldManager: FieldManager, cancellationToken: ct);

    /// <summary>A Secret the pods read, or null when it does not exist.</summary>
    public async Task<V1Secret?> ReadSecretAsync(string @namespace, string name, CancellationToken ct)
    {
        try
        {
            return await client.CoreV1.ReadNamespacedSecretAsync(name, @namespace, cancellationToken: ct);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The pods with these labels (sync Job pods, API pods); read when needed rather than cached, as pods churn.</summary>
    public async Task<IList<V1Pod>> ListPodsAsync(string @namespace, string labelSelector, CancellationToken ct) =>
        (await client.CoreV1.ListNamespacedPodAsync(@namespace, labelSelector: labelSelector, cancellationToken: ct)).Items;

    public Task CreateEventAsync(Corev1Event e, CancellationToken ct) =>
        client.CoreV1.CreateNamespacedEventAsync(e, e.Metadata.NamespaceProperty, cancellationToken: ct);

    private static async Task<T> Refused<T>(IKubernetesObject<V1ObjectMeta> o, string verb, Task<T> write)
    {
        try
        {
            return await write;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is not (System.Net.HttpStatusCode.Conflict or System.Net.HttpStatusCode.TooManyRequests))
        {
            // Objects from a list carry no kind; the model type knows it.
            throw new WriteRefusedException(verb, o.Kind ?? (string?)o.GetType().GetField("KubeKind")?.GetValue(null) ?? o.GetType().Name, o.Metadata.Name, e);
        }
    }

    private static async Task<bool> IgnoreNotFound<TResult>(Task<TResult> delete)
    {
        try
        {
            await delete;
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Already gone: the goal of a delete.
            return false;
        }
    }
}
