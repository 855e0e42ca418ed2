using System.Text;
using System.Text.RegularExpressions;

namespace Placement.Api.Auth;

/// <summary>What a check is evaluated against: the effective rules (for <c>rule:</c>), the caller and the target.</summary>
internal sealed record PolicyEvaluation(
    IReadOnlyDictionary<string, PolicyCheck> Rules,
    IReadOnlyDictionary<string, object?> Credentials,
    PolicyTarget Target);

/// <summary>A node of a parsed check string, with oslo.policy's semantics (oslo_policy/_checks.py).</summary>
internal abstract class PolicyCheck
{
    public abstract bool Passes(PolicyEvaluation evaluation);

    /// <summary>Names of the rules this check refers to with <c>rule:</c>, directly or below it.</summary>
    public virtual IEnumerable<string> ReferencedRules() => [];
}

/// <summary><c>@</c> (always) and <c>!</c> (never); also what an unparsable check string becomes.</summary>
internal sealed class ConstantCheck(bool result) : PolicyCheck
{
    public static readonly ConstantCheck Always = new(true);
    public static readonly ConstantCheck Never = new(false);

    public override bool Passes(PolicyEvaluation evaluation) => result;
}

internal sealed class NotCheck(PolicyCheck inner) : PolicyCheck
{
    public override bool Passes(PolicyEvaluation evaluation) => !inner.Passes(evaluation);

    public override IEnumerable<string> ReferencedRules() => inner.ReferencedRules();
}

internal sealed class AndCheck(IReadOnlyList<PolicyCheck> checks) : PolicyCheck
{
    public override bool Passes(PolicyEvaluation evaluation) => checks.All(c => c.Passes(evaluation));

    public override IEnumerable<string> ReferencedRules() => checks.SelectMany(c => c.ReferencedRules());
}

internal sealed class OrCheck(IReadOnlyList<PolicyCheck> checks) : PolicyCheck
{
    public override bool Passes(PolicyEvaluation evaluation) => checks.Any(c => c.Passes(evaluation));

    public override IEnumerable<string> ReferencedRules() => checks.SelectMany(c => c.ReferencedRules());
}

/// <summary><c>rule:NAME</c>: passes when the named rule does; an undefined rule never passes.</summary>
internal sealed class RuleCheck(string name) : PolicyCheck
{
    public override bool Passes(PolicyEvaluation evaluation) =>
        evaluation.Rules.TryGetValue(name, out var rule) && rule.Passes(evaluation);

    public override IEnumerable<string> ReferencedRules() => [name];
}

/// <summary><c>role:NAME</c>: the caller has the role, compared case-insensitively.</summary>
internal sealed class RoleCheck(string match) : PolicyCheck
{
    public override bool Passes(PolicyEvaluation evaluation)
    {
        var role = TargetFormat.Apply(match, evaluation.Target);
        return role is not null
            && evaluation.Credentials.TryGetValue("roles", out var roles)
            && roles is IEnumerable<string> list
            && list.Any(r => r.Equals(role, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>
/// <c>KIND:MATCH</c> for any other kind (oslo.policy's GenericCheck), e.g. <c>project_id:%(project_id)s</c> or
/// <c>system_scope:all</c>: the credential at the dotted path KIND, or the literal KIND (<c>True</c>, <c>'text'</c>, 42),
/// equals MATCH after target substitution. Values compare as Python's str() renders them (None, True).
/// </summary>
internal sealed partial class FieldCheck(string kind, string match) : PolicyCheck
{
    public override bool Passes(PolicyEvaluation evaluation)
    {
        var expected = TargetFormat.Apply(match, evaluation.Target);
        if (expected is null)
        {
            return false;
        }
        var literal = PythonLiteral(kind);
        return literal is not null
            ? literal == expected
            : Matches(evaluation.Credentials, kind.Split('.'), expected);
    }

    private static bool Matches(object? value, ReadOnlySpan<string> path, string expected)
    {
        if (path.IsEmpty)
        {
            return TargetFormat.PythonStr(value) == expected;
        }
        if (value is not IReadOnlyDictionary<string, object?> dict || !dict.TryGetValue(path[0], out var child))
        {
            return false;
        }
        var rest = path[1..];
        if (child is IEnumerable<string> list)
        {
            foreach (var item in list)
            {
                if (Matches(item, rest, expected))
                {
                    return true;
                }
            }
            return false;
        }
        return Matches(child, rest, expected);
    }

    /// <summary>The str() of KIND when it is a Python literal oslo.policy would evaluate; null for a credential path.</summary>
    private static string? PythonLiteral(string kind)
    {
        if (kind is "True" or "False" or "None" || IntegerLiteral().IsMatch(kind))
        {
            return kind;
        }
        var quoted = QuotedLiteral().Match(kind);
        return quoted.Success ? quoted.Groups["text"].Value : null;
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)$")]
    private static partial Regex IntegerLiteral();

    [GeneratedRegex(@"^(?<q>['""])(?<text>(?:(?!\k<q>).)*)\k<q>$")]
    private static partial Regex QuotedLiteral();
}

/// <summary>Python's <c>match % target</c> for the <c>%(key)s</c> form check strings use.</summary>
internal static class TargetFormat
{
    /// <summary>The substituted text; null when a key is missing from the target or the format is malformed
    /// (oslo.policy then fails the check).</summary>
    public static string? Apply(string match, PolicyTarget target)
    {
        if (!match.Contains('%', StringComparison.Ordinal))
        {
            return match;
        }
        var result = new StringBuilder();
        var i = 0;
        while (i < match.Length)
        {
            var percent = match.IndexOf('%', i);
            if (percent < 0)
            {
                result.Append(match, i, match.Length - i);
                break;
            }
            result.Append(match, i, percent - i);
            if (percent + 1 < match.Length && match[percent + 1] == '%')
            {
                result.Append('%');
                i = percent + 2;
                continue;
            }
            var close = match.IndexOf(")s", percent, StringComparison.Ordinal);
            if (percent + 1 >= match.Length || match[percent + 1] != '(' || close < 0
                || !target.Values.TryGetValue(match[(percent + 2)..close], out var value))
            {
                return null;
            }
            result.Append(PythonStr(value));
            i = close + 2;
        }
        return result.ToString();
    }

    public static string PythonStr(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        _ => value.ToString() ?? "",
    };
}
