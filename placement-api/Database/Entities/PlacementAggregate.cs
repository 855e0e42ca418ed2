namespace Placement.Api.Database.Entities;

/// <summary>A row of placement_aggregates: an aggregate UUID mapped to an internal id.</summary>
public class PlacementAggregate : TimestampedRow
{
    public int Id { get; set; }

    public string? Uuid { get; set; }
}
