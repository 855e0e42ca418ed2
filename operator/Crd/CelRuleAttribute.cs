namespace Placement.Operator.Crd;

/// <summary>
/// A CEL validation rule (x-kubernetes-validations) the API server checks on the annotated object or property
/// (<c>self</c>; <c>oldSelf</c> makes it a transition rule, checked on updates only).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true)]
public sealed class CelRuleAttribute(string rule, string message) : Attribute
{
    public string Rule { get; } = rule;
    public string Message { get; } = message;
}
