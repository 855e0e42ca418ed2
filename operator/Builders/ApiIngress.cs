using k8s.Models;
using Placement.Operator.Resources;

namespace Placement.Operator.Builders;

/// <summary>The Ingress routing the host's / and /placement to the API Service.</summary>
public static class ApiIngress
{
    public static readonly string[] Paths = ["/", "/placement"];

    public static V1Ingress Build(PlacementService ps)
    {
        var ingress = ps.Spec.Ingress;
        var metadata = Naming.Metadata(ps, ps.Metadata.Name, "api");
        metadata.Annotations = ingress.Annotations is { Count: > 0 } annotations ? new Dictionary<string, string>(annotations) : null;
        var backend = new V1IngressBackend
        {
            Service = new V1IngressServiceBackend { Name = ps.Metadata.Name, Port = new V1ServiceBackendPort { Name = "http" } },
        };
        return new V1Ingress
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "Ingress",
            Metadata = metadata,
            Spec = new V1IngressSpec
            {
                IngressClassName = ingress.ClassName,
                Rules =
                [
                    new V1IngressRule
                    {
                        Host = ingress.Host,
                        Http = new V1HTTPIngressRuleValue
                        {
                            Paths = [.. Paths.Select(path => new V1HTTPIngressPath { Path = path, PathType = "Prefix", Backend = backend })],
                        },
                    },
                ],
                Tls = ingress.Tls is { } tls ? [new V1IngressTLS { Hosts = [ingress.Host], SecretName = tls.SecretName }] : null,
            },
        };
    }
}
