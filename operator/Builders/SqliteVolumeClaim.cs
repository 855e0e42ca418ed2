using k8s.Models;
using Placement.Operator.Resources;

namespace Placement.Operator.Builders;

/// <summary>
/// The volume of the embedded SQLite database. A claim rather than an emptyDir: the sync Job and the API pods must
/// see the same file, and the data must outlive pod restarts.
/// </summary>
public static class SqliteVolumeClaim
{
    public static V1PersistentVolumeClaim Build(PlacementService ps) => new()
    {
        ApiVersion = "v1",
        Kind = "PersistentVolumeClaim",
        Metadata = Naming.Metadata(ps, Naming.SqliteClaimName(ps), "database"),
        Spec = new V1PersistentVolumeClaimSpec
        {
            AccessModes = ["ReadWriteOnce"],
            StorageClassName = ps.Spec.Database.SqliteStorageClassName,
            Resources = new V1VolumeResourceRequirements
            {
                Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = ps.Spec.Database.SqliteStorageSize },
            },
        },
    };
}
