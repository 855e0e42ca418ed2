namespace Placement.Api.Database.Entities;

/// <summary>A row of resource_provider_traits.</summary>
public class ResourceProviderTrait : TimestampedRow
{
    public int TraitId { get; set; }

    public int ResourceProviderId { get; set; }
}
