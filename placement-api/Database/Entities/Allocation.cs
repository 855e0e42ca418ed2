namespace Placement.Api.Database.Entities;

/// <summary>A row of allocations.</summary>
public class Allocation : TimestampedRow
{
    public int Id { get; set; }

    public int ResourceProviderId { get; set; }

    /// <summary>The consumer's UUID (consumers.uuid), not consumers.id: upstream's schema has no foreign key here.</summary>
    public string ConsumerId { get; set; } = "";

    public int ResourceClassId { get; set; }

    public int Used { get; set; }
}
