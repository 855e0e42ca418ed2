using k8s.Models;
using Placement.Operator.Resources;

namespace Placement.Operator.Builders;

/// <summary>
/// The PodDisruptionBudget of the API pods: one at a time may be evicted. Only when more than one pod can run (an
/// external database): the single pod of embedded SQLite has nothing to keep available beside it.
/// </summary>
public static class ApiDisruptionBudget
{
    public static bool Wanted(PlacementService ps) => ps.Spec.Availability.PodDisruptionBudget && ps.Spec.CanRunSeveralPods;

    public static V1PodDisruptionBudget Build(PlacementService ps) => new()
    {
        ApiVersion = "policy/v1",
        Kind = "PodDisruptionBudget",
        Metadata = Naming.Metadata(ps, ps.Metadata.Name, "api"),
        Spec = new V1PodDisruptionBudgetSpec
        {
            MaxUnavailable = 1,
            Selector = new V1LabelSelector { MatchLabels = Naming.SelectorLabels(ps) },
            // Pods not yet ready (a crash loop) may be evicted even when the budget is spent, so a broken pod never
            // blocks a drain (policy/v1, Kubernetes 1.27+).
            UnhealthyPodEvictionPolicy = "AlwaysAllow",
        },
    };
}
