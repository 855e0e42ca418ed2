namespace Placement.Api.Database.Entities;

/// <summary>A row of resource_providers.</summary>
public class ResourceProvider : TimestampedRow
{
    public int Id { get; set; }

    /// <summary>Dashed lower-case UUID.</summary>
    public string Uuid { get; set; } = "";

    public string? Name { get; set; }

    public int? Generation { get; set; }

    /// <summary>Equals <see cref="Id"/> for a root provider.</summary>
    public int? RootProviderId { get; set; }

    public int? ParentProviderId { get; set; }
}
