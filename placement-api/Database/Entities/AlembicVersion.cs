namespace Placement.Api.Database.Entities;

/// <summary>The single row of alembic_version: the schema revision, shared with upstream's alembic.</summary>
public class AlembicVersion
{
    public string VersionNum { get; set; } = "";
}
