using k8s.Models;

namespace Placement.Operator.Reconciliation;

/// <summary>The condition types of a PlacementService's status.</summary>
public static class Conditions
{
    public const string Ready = "Ready";
    public const string DatabaseSynced = "DatabaseSynced";
    public const string Available = "Available";
    public const string Progressing = "Progressing";
    public const string Degraded = "Degraded";

    /// <summary>Whether requests are authenticated; False under noauth2, where every caller is admin.</summary>
    public const string Authenticated = "Authenticated";
    public const string Noauth2Exposed = "Noauth2Exposed";

    // Reasons of problems a human must fix; Degraded carries each one, and its turning True is a Warning event.
    public const string InvalidSpec = "InvalidSpec";
    public const string SecretMissing = "SecretMissing";
    public const string WriteRefused = "WriteRefused";
    public const string SyncBlocked = "SyncBlocked";
    public const string SyncFailed = "SyncFailed";
    public const string RolloutStuck = "RolloutStuck";
    public const string IngressHostTaken = "IngressHostTaken";

    public static bool IsProblem(V1Condition condition) =>
        (condition.Type == Degraded && condition.Status == "True") || condition.Reason == Noauth2Exposed;

    public static V1Condition? Find(IEnumerable<V1Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => c.Type == type);

    /// <summary>
    /// Sets a condition, keeping its transition time unless its status changes.
    /// Returns true when the condition is new or its status or reason changed: a transition worth an event.
    /// </summary>
    public static bool Set(List<V1Condition> conditions, string type, bool status, string reason, string message, long? generation, DateTime now)
    {
        var value = status ? "True" : "False";
        var existing = Find(conditions, type);
        var transition = existing is null || existing.Status != value || existing.Reason != reason;
        var condition = new V1Condition
        {
            Type = type,
            Status = value,
            Reason = reason,
            Message = message,
            ObservedGeneration = generation,
            LastTransitionTime = existing is not null && existing.Status == value ? existing.LastTransitionTime : now,
        };
        if (existing is null)
        {
            conditions.Add(condition);
        }
        else
        {
            conditions[conditions.IndexOf(existing)] = condition;
        }
        return transition;
    }
}
