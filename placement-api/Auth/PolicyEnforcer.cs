using System.Net;
using Placement.Api.Http;

namespace Placement.Api.Auth;

/// <summary>
/// Decides whether a caller may perform a policy action, as oslo.policy's Enforcer does with Placement's
/// registered defaults and the operator's policy file. One per process: rules are loaded once, at construction.
/// </summary>
public sealed class PolicyEnforcer
{
    private readonly IReadOnlyDictionary<string, PolicyCheck> rules;
    private readonly Dictionary<string, PolicyDefault> registered;
    private readonly bool enforceScope;

    /// <exception cref="InvalidDataException">The policy file cannot be read as rules, or its rules refer to each other in a cycle.</exception>
    public PolicyEnforcer(PolicyOptions options)
    {
        enforceScope = options.EnforceScope;
        registered = PlacementPolicies.Defaults.ToDictionary(d => d.Name);

        // Overridden rules are used as written; the others get their default, or-ed with the deprecated
        // default unless new defaults are enforced (oslo.policy's upgrade path).
        var overrides = PolicyFile.Load(options.PolicyFile);
        var effective = overrides.ToDictionary(o => o.Key, o => PolicyCheckParser.Parse(o.Value));
        foreach (var rule in PlacementPolicies.Defaults.Where(d => !overrides.ContainsKey(d.Name)))
        {
            var check = PolicyCheckParser.Parse(rule.CheckString);
            effective[rule.Name] = rule.DeprecatedCheckString is { } deprecated
                && !options.EnforceNewDefaults && deprecated != rule.CheckString
                ? new OrCheck([check, PolicyCheckParser.Parse(deprecated)])
                : check;
        }
        rules = effective;

        var cyclic = rules.Keys.Where(name => RefersTo(name, name, [])).ToList();
        if (cyclic.Count > 0)
        {
            throw new InvalidDataException(
                $"Policy file {options.PolicyFile}: rules {string.Join(", ", cyclic)} refer to themselves through rule: checks.");
        }
    }

    /// <summary>Allows the action or throws upstream's 403.</summary>
    /// <exception cref="PlacementException">403: the policy does not allow the caller to perform the action.</exception>
    /// <exception cref="InvalidOperationException">The action is not one Placement registers (a programming error).</exception>
    public void Authorize(RequestContext context, string action, PolicyTarget target)
    {
        if (!registered.TryGetValue(action, out var rule))
        {
            throw new InvalidOperationException($"Policy {action} has not been registered.");
        }
        var scopeAccepted = !enforceScope || rule.ScopeTypes.Count == 0 || rule.ScopeTypes.Contains(context.TokenScope);
        if (!scopeAccepted || !rules[action].Passes(new PolicyEvaluation(rules, context.ToPolicyValues(), target)))
        {
            throw new PlacementException(HttpStatusCode.Forbidden, $"Policy does not allow {action} to be performed.")
            {
                RaisedOutsideHandler = true,
            };
        }
    }

    private bool RefersTo(string from, string to, HashSet<string> visited) =>
        rules.TryGetValue(from, out var check)
        && check.ReferencedRules().Any(r => r == to || (visited.Add(r) && RefersTo(r, to, visited)));
}
