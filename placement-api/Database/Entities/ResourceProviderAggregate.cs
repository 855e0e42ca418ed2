namespace Placement.Api.Database.Entities;

/// <summary>A row of resource_provider_aggregates.</summary>
public class ResourceProviderAggregate : TimestampedRow
{
    public int ResourceProviderId { get; set; }

    /// <summary>placement_aggregates.id.</summary>
    public int AggregateId { get; set; }
}
