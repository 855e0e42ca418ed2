namespace Placement.Operator.Crd;

/// <summary>A CEL validation rule (x-kubernetes-validations) the API server checks on the annotated object.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class CelRuleAttribute(string rule, string message) : Attribute
{
    public string Rule { get; } = rule;
    public string Message { get; } = message;
}
