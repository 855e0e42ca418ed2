namespace Placement.Api.Database.Entities;

/// <summary>A row of users: a Keystone user id mapped to an internal id.</summary>
public class User : TimestampedRow
{
    public int Id { get; set; }

    public string ExternalId { get; set; } = "";
}
