namespace Placement.Api.Database.Entities;

/// <summary>A row of traits, standard and custom alike.</summary>
public class Trait : TimestampedRow
{
    public int Id { get; set; }

    public string Name { get; set; } = "";
}
