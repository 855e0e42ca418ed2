namespace Placement.Api.Database.Entities;

/// <summary>A row of consumers.</summary>
public class Consumer : TimestampedRow
{
    public int Id { get; set; }

    public string Uuid { get; set; } = "";

    public int ProjectId { get; set; }

    public int UserId { get; set; }

    public int Generation { get; set; }

    public int? ConsumerTypeId { get; set; }
}
