using k8s.Models;
using Placement.Operator.Resources;

namespace Placement.Operator.Tests.Builders;

internal static class Samples
{
    public const string SampleRevision = "0123456789";

    public static PlacementService Service(Action<PlacementServiceSpec>? customise = null)
    {
        var ps = new PlacementService
        {
            Metadata = new V1ObjectMeta { Name = "placement", NamespaceProperty = "openstack", Uid = "0b4f7d2e-uid", Generation = 3 },
        };
        customise?.Invoke(ps.Spec);
        return ps;
    }

    public static void ExternalDatabase(PlacementServiceSpec spec) =>
        spec.Database.ConnectionSecretRef = new SecretKeyRef { Name = "db", Key = "url" };

    public static void Keystone(PlacementServiceSpec spec)
    {
        spec.Auth.Strategy = "keystone";
        spec.Auth.Keystone = new KeystoneSpec
        {
            AuthUrl = "http://keystone:5000/v3",
            RegionName = "RegionOne",
            PasswordSecretRef = new SecretKeyRef { Name = "keystone", Key = "password" },
        };
    }
}
