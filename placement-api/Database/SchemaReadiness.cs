namespace Placement.Api.Database;

/// <summary>
/// Whether the schema step of this start is done. A process that started while its database was down serves
/// meanwhile and does the step once the database is back; until then a request must not reach the database,
/// which may answer before its schema is created or its standard data added: it gets a 503.
/// </summary>
public sealed class SchemaReadiness
{
    private volatile bool _ready = true;

    public bool IsReady => _ready;

    public void WaitForDatabase() => _ready = false;

    public void Prepared() => _ready = true;
}
