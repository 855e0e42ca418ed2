namespace Placement.Operator.Controller;

/// <summary>Readiness of the operator: true once its caches are filled, or while it stands by for the leader Lease.</summary>
public sealed class OperatorHealth
{
    private volatile bool ready;

    public bool Ready
    {
        get => ready;
        set => ready = value;
    }
}
