using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using Placement.Operator.Resources;

namespace Placement.Operator.Builders;

/// <summary>Names, labels and owner references shared by every object made for a PlacementService.</summary>
public static class Naming
{
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedBy = "placement-operator";
    public const string InstanceLabel = "app.kubernetes.io/instance";
    public const string ComponentLabel = "app.kubernetes.io/component";
    public const string RevisionAnnotation = PlacementService.Group + "/revision";
    public const string TemplateHashAnnotation = PlacementService.Group + "/template-hash";
    public const int ContainerPort = 8080;
    public const string SqliteDirectory = "/var/lib/placement";
    public const string PolicyDirectory = "/etc/placement";

    public static string SqliteClaimName(PlacementService ps) => ps.Metadata.Name + "-sqlite";
    public static string DbSyncJobName(PlacementService ps, string revision) => $"{ps.Metadata.Name}-db-sync-{revision}";

    /// <summary>Labels selecting the API pods (not the sync pods): stable over the resource's life, as Deployment selectors are immutable.</summary>
    public static Dictionary<string, string> SelectorLabels(PlacementService ps) => new()
    {
        ["app.kubernetes.io/name"] = "placement",
        [InstanceLabel] = ps.Metadata.Name,
        [ComponentLabel] = "api",
    };

    public static Dictionary<string, string> Labels(PlacementService ps, string component) => new()
    {
        ["app.kubernetes.io/name"] = "placement",
        [InstanceLabel] = ps.Metadata.Name,
        [ComponentLabel] = component,
        [ManagedByLabel] = ManagedBy,
        ["app.kubernetes.io/version"] = LabelSafe(VersionOf(ps.Spec.Image)),
    };

    public static V1ObjectMeta Metadata(PlacementService ps, string name, string component) => new()
    {
        Name = name,
        NamespaceProperty = ps.Metadata.NamespaceProperty,
        Labels = Labels(ps, component),
        OwnerReferences = [OwnerReference(ps)],
    };

    public static V1OwnerReference OwnerReference(PlacementService ps) => new()
    {
        ApiVersion = PlacementService.ApiVersionName,
        Kind = PlacementService.KindName,
        Name = ps.Metadata.Name,
        Uid = ps.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };

    /// <summary>The tag of an image reference ("latest" when it has none, the digest when pinned by digest; empty for none).</summary>
    public static string VersionOf(string? image)
    {
        if (image is null)
        {
            return "";
        }
        var at = image.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            return image[(at + 1)..];
        }
        var colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/') ? image[(colon + 1)..] : "latest";
    }

    public static string ShortHash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..10];

    // Label values: at most 63 characters of [A-Za-z0-9_.-], beginning and ending with a letter or digit.
    private static string LabelSafe(string value)
    {
        var safe = new string(value.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
        return safe[..Math.Min(safe.Length, 63)].Trim('-', '_', '.');
    }
}
