namespace Placement.Api.Database.Entities;

/// <summary>A row of projects: a Keystone project id mapped to an internal id.</summary>
public class Project : TimestampedRow
{
    public int Id { get; set; }

    public string ExternalId { get; set; } = "";
}
