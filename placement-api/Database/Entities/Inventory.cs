namespace Placement.Api.Database.Entities;

/// <summary>A row of inventories: one resource class of one provider.</summary>
public class Inventory : TimestampedRow
{
    public int Id { get; set; }

    public int ResourceProviderId { get; set; }

    public int ResourceClassId { get; set; }

    public int Total { get; set; }

    public int Reserved { get; set; }

    public int MinUnit { get; set; }

    public int MaxUnit { get; set; }

    public int StepSize { get; set; }

    public double AllocationRatio { get; set; }
}
