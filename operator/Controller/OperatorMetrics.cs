using Prometheus;

namespace Placement.Operator.Controller;

/// <summary>The operator's Prometheus metrics.</summary>
public static class OperatorMetrics
{
    public static readonly Counter Reconciliations = Metrics.CreateCounter(
        "placement_operator_reconciliations_total", "Reconciliations of PlacementServices, by result.", "result");

    public static readonly Histogram ReconcileDuration = Metrics.CreateHistogram(
        "placement_operator_reconcile_duration_seconds", "Time spent reconciling one PlacementService.");

    public static readonly Gauge QueueDepth = Metrics.CreateGauge(
        "placement_operator_work_queue_depth", "PlacementServices waiting to be reconciled.");

    public static readonly Gauge Leader = Metrics.CreateGauge(
        "placement_operator_leader", "1 while this instance holds the leader Lease and reconciles.");
}
