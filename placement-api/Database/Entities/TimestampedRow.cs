namespace Placement.Api.Database.Entities;

/// <summary>
/// Upstream's timestamp columns, on every table but alembic_version: naive UTC, set by
/// <see cref="PlacementDbContext"/> when a row is added (created_at) or changed (updated_at).
/// </summary>
public abstract class TimestampedRow
{
    public DateTime? CreatedAt { get; set; }

    public DateTime? UpdatedAt { get; set; }
}
