using System.Globalization;

namespace Placement.Api.Http;

/// <summary>
/// Just enough of HTTP Accept negotiation (as webob does it) to decide whether a client takes
/// JSON and which format an error body gets.
/// </summary>
public static class AcceptHeader
{
    /// <summary>The quality the Accept header gives <paramref name="mediaType"/>: the most specific matching range wins.</summary>
    public static double Quality(string? accept, string mediaType)
    {
        if (string.IsNullOrWhiteSpace(accept))
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
