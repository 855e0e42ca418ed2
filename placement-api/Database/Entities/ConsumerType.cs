namespace Placement.Api.Database.Entities;

/// <summary>A row of consumer_types.</summary>
public class ConsumerType : TimestampedRow
{
    public int Id { get; set; }

    public string Name { get; set; } = "";
}
