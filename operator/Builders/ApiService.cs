using k8s.Models;
using Placement.Operator.Resources;

namespace Placement.Operator.Builders;

/// <summary>The Service in front of the API pods.</summary>
public static class ApiService
{
    public static V1Service Build(PlacementService ps) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = Naming.Metadata(ps, ps.Metadata.Name, "api"),
        Spec = new V1ServiceSpec
        {
            Type = ps.Spec.Service.Type,
            Selector = Naming.SelectorLabels(ps),
            Ports = [new V1ServicePort { Name = "http", Port = ps.Spec.Service.Port, TargetPort = "http", Protocol = "TCP" }],
        },
    };

    /// <summary>Where clients reach the API: through the Ingress when there is one, else the in-cluster Service name.</summary>
    public static string Url(PlacementService ps) => ps.Spec.Ingress switch
    {
        { Enabled: true, Tls: not null } ingress => $"https://{ingress.Host}/",
        { Enabled: true } ingress => $"http://{ingress.Host}/",
        _ => $"http://{ps.Metadata.Name}.{ps.Metadata.NamespaceProperty}.svc:{ps.Spec.Service.Port}/",
    };
}
