using Newtonsoft.Json.Linq;

namespace Placement.Api.Http;

/// <summary>
/// Python's <c>pprint.pformat(value, width=72)</c> of a JSON value, which jsonschema's messages (and so upstream's
/// 400s) print the failed schema and instance with: dictionaries with sorted keys, and anything too wide for its
/// line broken into one entry per line, strings into chunks at spaces.
/// </summary>
public static class PythonPrettyPrint
{
    private const int Width = 72;

    public static string Format(JToken? value)
    {
        var output = new System.Text.StringBuilder();
        Write(output, value, indent: 0, allowance: 0, level: 0);
        return output.ToString();
    }

    /// <summary>repr() with every dictionary's keys sorted, as pprint's _safe_repr writes it.</summary>
    private static string Repr(JToken? value) => value switch
    {
        JObject o => "{" + string.Join(", ", Sorted(o).Select(p => $"{PythonRepr.String(p.Name)}: {Repr(p.Value)}")) + "}",
        JArray a => "[" + string.Join(", ", a.Select(Repr)) + "]",
        _ => PythonRepr.Of(value),
    };

    private static IEnumerable<JProperty> Sorted(JObject value) => value.Properties().OrderBy(p => p.Name, StringComparer.Ordinal);

    // pprint.PrettyPrinter._format and its dispatch to _pprint_dict, _pprint_list and _pprint_str.
    private static void Write(System.Text.StringBuilder output, JToken? value, int indent, int allowance, int level)
    {
        var repr = Repr(value);
        if (repr.Length <= Width - indent - allowance)
        {
            output.Append(repr);
            return;
        }
        switch (value)
        {
            case JObject o when o.Count > 0:
                output.Append('{');
                WriteDictionaryItems(output, [.. Sorted(o)], indent + 1, allowance + 1, level + 1);
                output.Append('}');
                break;
            case JArray a when a.Count > 0:
                output.Append('[');
                WriteListItems(output, a, indent + 1, allowance + 1, level + 1);
                output.Append(']');
                break;
            case JValue { Type: JTokenType.String } s:
                WriteString(output, (string)s.Value!, indent, allowance, level + 1);
                break;
            default:
                output.Append(repr);
                break;
        }
    }

    private static void WriteDictionaryItems(System.Text.StringBuilder output, List<JProperty> items, int indent, int allowance, int level)
    {
        for (var i = 0; i < items.Count; i++)
        {
            var last = i == items.Count - 1;
            var key = PythonRepr.String(items[i].Name);
            output.Append(key).Append(": ");
            Write(output, items[i].Value, indent + key.Length + 2, last ? allowance : 1, level);
            if (!last)
            {
                output.Append(",\n").Append(' ', indent);
            }
        }
    }

    private static void WriteListItems(System.Text.StringBuilder output, JArray items, int indent, int allowance, int level)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                output.Append(",\n").Append(' ', indent);
            }
            Write(output, items[i], indent, i == items.Count - 1 ? allowance : 1, level);
        }
    }

    /// <summary>A long string as adjacent literals, split after runs of spaces; in parentheses at the top level.</summary>
    private static void WriteString(System.Text.StringBuilder output, string value, int indent, int allowance, int level)
    {
        if (level == 1)
        {
            indent++;
            allowance++;
        }
        var chunks = new List<string>();
        var lines = SplitLinesKeepingEnds(value);
        var lastLineWidth = Width - indent;
        for (var i = 0; i < lines.Count; i++)
        {
            var repr = PythonRepr.String(lines[i]);
            var isLastLine = i == lines.Count - 1;
            if (isLastLine)
            {
                lastLineWidth -= allowance;
            }
            if (repr.Length <= (isLastLine ? lastLineWidth : Width - indent))
            {
                chunks.Add(repr);
                continue;
            }
            var parts = System.Text.RegularExpressions.Regex.Matches(lines[i], @"\S*\s*").Select(m => m.Value).Where(p => p.Length > 0).ToList();
            var partWidth = Width - indent;
            var current = "";
            for (var j = 0; j < parts.Count; j++)
            {
                var candidate = current + parts[j];
                if (j == parts.Count - 1 && isLastLine)
                {
                    partWidth -= allowance;
                }
                if (PythonRepr.String(candidate).Length > partWidth)
                {
                    if (current.Length > 0)
                    {
                        chunks.Add(PythonRepr.String(current));
                    }
                    current = parts[j];
                }
                else
                {
                    current = candidate;
                }
            }
            if (current.Length > 0)
            {
                chunks.Add(PythonRepr.String(current));
            }
        }
        if (chunks.Count == 1)
        {
            output.Append(chunks[0]);
            return;
        }
        if (level == 1)
        {
            output.Append('(');
        }
        for (var i = 0; i < chunks.Count; i++)
        {
            if (i > 0)
            {
                output.Append('\n').Append(' ', indent);
            }
            output.Append(chunks[i]);
        }
        if (level == 1)
        {
            output.Append(')');
        }
    }

    /// <summary>str.splitlines(True) for the line breaks JSON text can hold.</summary>
    private static List<string> SplitLinesKeepingEnds(string value)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var end = value[i] switch
            {
                '\r' when i + 1 < value.Length && value[i + 1] == '\n' => i + 2,
                '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029' => i + 1,
                _ => -1,
            };
            if (end > 0)
            {
                lines.Add(value[start..end]);
                start = end;
                i = end - 1;
            }
        }
        if (start < value.Length)
        {
            lines.Add(value[start..]);
        }
        return lines;
    }
}
