using k8s.Models;
using Placement.Operator.Resources;

namespace Placement.Operator.Builders;

/// <summary>The HorizontalPodAutoscaler scaling the API Deployment on CPU.</summary>
public static class ApiAutoscaler
{
    public static V2HorizontalPodAutoscaler Build(PlacementService ps, AutoscalingSpec autoscaling) => new()
    {
        ApiVersion = "autoscaling/v2",
        Kind = "HorizontalPodAutoscaler",
        Metadata = Naming.Metadata(ps, ps.Metadata.Name, "api"),
        Spec = new V2HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = ps.Metadata.Name },
            MinReplicas = autoscaling.MinReplicas,
            MaxReplicas = autoscaling.MaxReplicas,
            Metrics =
            [
                new V2MetricSpec
                {
                    Type = "Resource",
                    Resource = new V2ResourceMetricSource
                    {
                        Name = "cpu",
                        Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = autoscaling.TargetCpuUtilizationPercentage },
                    },
                },
            ],
        },
    };
}
