namespace Placement.Operator.Crd;

/// <summary>
/// How the API server treats a list (x-kubernetes-list-type): <c>atomic</c> lists are replaced whole by server-side
/// apply, <c>map</c> lists are merged item by item on the key fields, which must be unique.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListTypeAttribute(string type, params string[] mapKeys) : Attribute
{
    public string Type { get; } = type;
    public IReadOnlyList<string> MapKeys { get; } = mapKeys;
}
