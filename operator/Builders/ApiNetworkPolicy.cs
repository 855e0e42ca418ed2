using k8s.Models;
using Placement.Operator.Resources;

namespace Placement.Operator.Builders;

/// <summary>
/// The NetworkPolicy of the API pods: their port is reached only from pods of the same namespace, of the namespaces
/// the user lists, from the address ranges the user lists, and (with an Ingress) from the ingress controller's
/// namespace. Namespaces are matched by the kubernetes.io/metadata.name label, which the API server sets on every
/// namespace. A LoadBalancer or NodePort Service is reached from node or client addresses, which no pod selector
/// matches: then the port is open to all, as that Service type already makes it.
/// </summary>
public static class ApiNetworkPolicy
{
    public const string NamespaceNameLabel = "kubernetes.io/metadata.name";

    public static V1NetworkPolicy Build(PlacementService ps) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "NetworkPolicy",
        Metadata = Naming.Metadata(ps, ps.Metadata.Name, "api"),
        Spec = new V1NetworkPolicySpec
        {
            PodSelector = new V1LabelSelector { MatchLabels = Naming.SelectorLabels(ps) },
            PolicyTypes = ["Ingress"],
            Ingress =
            [
                new V1NetworkPolicyIngressRule
                {
                    FromProperty = ps.Spec.Service.Type == "ClusterIP" ? Sources(ps) : null,
                    Ports = [new V1NetworkPolicyPort { Port = Naming.ContainerPort, Protocol = "TCP" }],
                },
            ],
        },
    };

    private static List<V1NetworkPolicyPeer> Sources(PlacementService ps)
    {
        var policy = ps.Spec.NetworkPolicy;
        var namespaces = new List<string> { ps.Metadata.NamespaceProperty };
        namespaces.AddRange(policy.AllowedNamespaces ?? []);
        if (ps.Spec.Ingress.Enabled)
        {
            namespaces.Add(policy.IngressControllerNamespace);
        }
        return
        [
            new V1NetworkPolicyPeer
            {
                NamespaceSelector = new V1LabelSelector
                {
                    MatchExpressions = [new V1LabelSelectorRequirement { Key = NamespaceNameLabel, OperatorProperty = "In", Values = [.. namespaces.Distinct()] }],
                },
            },
            .. (policy.AllowedCidrs ?? []).Select(cidr => new V1NetworkPolicyPeer { IpBlock = new V1IPBlock { Cidr = cidr } }),
        ];
    }
}
