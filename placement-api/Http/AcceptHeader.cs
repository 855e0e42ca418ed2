using System.Globalization;
using System.Text.RegularExpressions;

namespace Placement.Api.Http;

/// <summary>
/// Just enough of HTTP Accept negotiation (as webob does it) to decide whether a client takes
/// JSON and which format an error body gets. A header that does not follow RFC 7231's grammar counts as absent, as
/// webob treats it (its AcceptInvalidHeader offers everything), so upstream answers 200 to <c>Accept: garbage</c>.
/// </summary>
public static partial class AcceptHeader
{
    // RFC 7231 section 5.3.2: #( media-range [ accept-params ] ), where a media range is token "/" token with
    // parameters (none named q), and accept-params a weight (q = 0[.ddd] or 1[.000]) then extensions; RFC 7230's
    // list rule allows empty elements. Tokens and quoted strings as RFC 7230 section 3.2.6 defines them.
    private const string Ows = @"[ \t]*";
    private const string Token = @"[!#$%&'*+\-.^_`|~0-9A-Za-z]+";
    private const string Quoted = @"""(?:[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t \x21-\x7e\x80-\xff])*""";
    private const string Parameter = Ows + ";" + Ows + "(?![qQ]=)" + Token + "=(?:" + Token + "|" + Quoted + ")";
    private const string Weight = Ows + ";" + Ows + @"[qQ]=(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)";
    private const string Extension = Ows + ";" + Ows + Token + "(?:=(?:" + Token + "|" + Quoted + "))?";
    private const string Element = Token + "/" + Token + "(?:" + Parameter + ")*(?:" + Weight + "(?:" + Extension + ")*)?";

    [GeneratedRegex("^(?:(?:,|" + Element + ")(?:" + Ows + ",(?:" + Ows + Element + ")?)*)?" + @"\z")]
    private static partial Regex ValidAccept();

    /// <summary>The quality the Accept header gives <paramref name="mediaType"/>: the most specific matching range wins.</summary>
    public static double Quality(string? accept, string mediaType)
    {
        if (string.IsNullOrWhiteSpace(accept) || !ValidAccept().IsMatch(accept))
        {
            return 1;
        }
        var (type, subtype) = Split(mediaType);
        var best = -1;
        var quality = 0.0;
        foreach (var range in accept.Split(','))
        {
            var parts = range.Split(';');
            var (rangeType, rangeSubtype) = Split(parts[0].Trim());
            int specificity;
            if (rangeType == "*" && rangeSubtype == "*")
            {
                specificity = 0;
            }
            else if (rangeType == type && rangeSubtype == "*")
            {
                specificity = 1;
            }
            else if (rangeType == type && rangeSubtype == subtype)
            {
                specificity = 2;
            }
            else
            {
                continue;
            }
            if (specificity > best)
            {
                best = specificity;
                quality = QualityOf(parts);
            }
        }
        return quality;
    }

    /// <summary>True when the client accepts <paramref name="mediaType"/> (no Accept header accepts all).</summary>
    public static bool Accepts(string? accept, string mediaType) => Quality(accept, mediaType) > 0;

    private static double QualityOf(string[] parameters)
    {
        foreach (var parameter in parameters.Skip(1))
        {
            var kv = parameter.Split('=', 2);
            if (kv.Length == 2 && kv[0].Trim().Equals("q", StringComparison.OrdinalIgnoreCase)
                && double.TryParse(kv[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var q))
            {
                return q;
            }
        }
        return 1;
    }

    private static (string Type, string Subtype) Split(string mediaType)
    {
        var slash = mediaType.IndexOf('/', StringComparison.Ordinal);
        return slash < 0
            ? (mediaType.ToLowerInvariant(), "")
            : (mediaType[..slash].Trim().ToLowerInvariant(), mediaType[(slash + 1)..].Trim().ToLowerInvariant());
    }
}
