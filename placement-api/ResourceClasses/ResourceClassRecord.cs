namespace Placement.Api.ResourceClasses;

/// <summary>
/// A resource class as the API knows it. Standard classes live in code (their id is their
/// position in the standard list) and have no timestamps; custom classes are rows.
/// </summary>
public sealed record ResourceClassRecord(int Id, string Name, DateTime? CreatedAt, DateTime? UpdatedAt)
{
    public bool IsStandard => Id < Database.Entities.ResourceClass.MinCustomId;

    /// <summary>When the class last changed, if known (upstream's pick_last_modified).</summary>
    public DateTime? LastModified => UpdatedAt ?? CreatedAt;
}
