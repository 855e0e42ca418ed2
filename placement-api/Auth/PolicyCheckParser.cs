using System.Text.RegularExpressions;

namespace Placement.Api.Auth;

/// <summary>
/// Parses oslo.policy's check-string language: checks (<c>@</c>, <c>!</c>, <c>rule:</c>, <c>role:</c>,
/// <c>KIND:MATCH</c>) combined with <c>not</c> (tightest), <c>and</c>, <c>or</c> (loosest) and parentheses.
/// As in oslo.policy, an empty string always passes and a string that does not parse never passes.
/// </summary>
internal static partial class PolicyCheckParser
{
    private enum TokenKind { Open, Close, And, Or, Not, Check, QuotedString }

    private sealed record Token(TokenKind Kind, PolicyCheck? Check = null);

    public static PolicyCheck Parse(string checkString)
    {
        if (checkString.Length == 0)
        {
            return ConstantCheck.Always;
        }
        var tokens = Tokenize(checkString).ToList();
        var position = 0;
        var result = ParseOr(tokens, ref position);
        return result is not null && position == tokens.Count ? result : ConstantCheck.Never;
    }

    private static PolicyCheck? ParseOr(List<Token> tokens, ref int position)
    {
        var first = ParseAnd(tokens, ref position);
        if (first is null)
        {
            return null;
        }
        var operands = new List<PolicyCheck> { first };
        while (Next(tokens, position) == TokenKind.Or)
        {
            position++;
            var operand = ParseAnd(tokens, ref position);
            if (operand is null)
            {
                return null;
            }
            operands.Add(operand);
        }
        return operands.Count == 1 ? first : new OrCheck(operands);
    }

    private static PolicyCheck? ParseAnd(List<Token> tokens, ref int position)
    {
        var first = ParseUnary(tokens, ref position);
        if (first is null)
        {
            return null;
        }
        var operands = new List<PolicyCheck> { first };
        while (Next(tokens, position) == TokenKind.And)
        {
            position++;
            var operand = ParseUnary(tokens, ref position);
            if (operand is null)
            {
                return null;
            }
            operands.Add(operand);
        }
        return operands.Count == 1 ? first : new AndCheck(operands);
    }

    private static PolicyCheck? ParseUnary(List<Token> tokens, ref int position)
    {
        switch (Next(tokens, position))
        {
            case TokenKind.Not:
                position++;
                var inner = ParseUnary(tokens, ref position);
                return inner is null ? null : new NotCheck(inner);
            case TokenKind.Open:
                position++;
                var grouped = ParseOr(tokens, ref position);
                if (grouped is null || Next(tokens, position) != TokenKind.Close)
                {
                    return null;
                }
                position++;
                return grouped;
            case TokenKind.Check:
                return tokens[position++].Check;
            default:
                return null;
        }
    }

    private static TokenKind? Next(List<Token> tokens, int position) =>
        position < tokens.Count ? tokens[position].Kind : null;

    /// <summary>Splits on whitespace; parentheses count only at the start or end of a word, so
    /// <c>%(project_id)s</c> stays inside its check.</summary>
    private static IEnumerable<Token> Tokenize(string checkString)
    {
        foreach (var word in Whitespace().Split(checkString))
        {
            if (word.Length == 0)
            {
                continue;
            }
            var withoutOpen = word.TrimStart('(');
            for (var i = 0; i < word.Length - withoutOpen.Length; i++)
            {
                yield return new Token(TokenKind.Open);
            }
            if (withoutOpen.Length == 0)
            {
                continue;
            }
            var clean = withoutOpen.TrimEnd(')');
            switch (clean.ToLowerInvariant())
            {
                case "and":
                    yield return new Token(TokenKind.And);
                    break;
                case "or":
                    yield return new Token(TokenKind.Or);
                    break;
                case "not":
                    yield return new Token(TokenKind.Not);
                    break;
                case "":
                    break;
                default:
                    // oslo.policy reads a quoted word as a string, which no rule of the grammar accepts.
                    var quoted = withoutOpen.Length >= 2 && withoutOpen[0] is '"' or '\'' && withoutOpen[^1] == withoutOpen[0];
                    yield return quoted ? new Token(TokenKind.QuotedString) : new Token(TokenKind.Check, ParseCheck(clean));
                    break;
            }
            for (var i = 0; i < withoutOpen.Length - clean.Length; i++)
            {
                yield return new Token(TokenKind.Close);
            }
        }
    }

    private static PolicyCheck ParseCheck(string check)
    {
        switch (check)
        {
            case "@":
                return ConstantCheck.Always;
            case "!":
                return ConstantCheck.Never;
        }
        var colon = check.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return ConstantCheck.Never;
        }
        var kind = check[..colon];
        var match = check[(colon + 1)..];
        return kind switch
        {
            "rule" => new RuleCheck(match),
            "role" => new RoleCheck(match),
            // oslo.policy's remote HTTP checks call out to a server; not supported here, so they deny.
            "http" or "https" => ConstantCheck.Never,
            _ => new FieldCheck(kind, match),
        };
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
