using System.Globalization;

namespace Placement.Api.Http;

/// <summary>A Placement API microversion, <c>major.minor</c>.</summary>
public readonly record struct Microversion(int Major, int Minor) : IComparable<Microversion>
{
    public static readonly Microversion Min = new(1, 0);
    public static readonly Microversion Max = new(1, 39);

    public const string ServiceType = "placement";
    public const string HeaderName = "openstack-api-version";

    public int CompareTo(Microversion other) =>
        Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public static bool operator <(Microversion a, Microversion b) => a.CompareTo(b) < 0;
    public static bool operator >(Microversion a, Microversion b) => a.CompareTo(b) > 0;
    public static bool operator <=(Microversion a, Microversion b) => a.CompareTo(b) <= 0;
    public static bool operator >=(Microversion a, Microversion b) => a.CompareTo(b) >= 0;

    /// <summary>True when this version is at least <paramref name="version"/> (e.g. "1.15").</summary>
    public bool IsAtLeast(string version) => this >= Parse(version);

    public override string ToString() => $"{Major}.{Minor}";

    /// <summary>
    /// Parses <c>X.Y</c> like microversion_parse: the text after the first dot must be an integer,
    /// so "1.2.3" is invalid. The message is the one upstream puts in its 400.
    /// </summary>
    public static Microversion Parse(string text)
    {
        var parts = text.Split('.', 2);
        if (!TryInt(parts[0], out var major))
        {
            throw new FormatException($"invalid version string: {text}; invalid literal for int() with base 10: '{parts[0]}'");
        }
        if (parts.Length == 1)
        {
            throw new FormatException($"invalid version string: {text}; Version.__new__() missing 1 required positional argument: 'minor'");
        }
        if (!TryInt(parts[1], out var minor))
        {
            throw new FormatException($"invalid version string: {text}; invalid literal for int() with base 10: '{parts[1]}'");
        }
        return new Microversion(major, minor);
    }

    /// <summary>Python's int() accepts surrounding blanks, a sign and digits only.</summary>
    private static bool TryInt(string text, out int value) =>
        int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>
    /// The version a request asks for, from its <c>openstack-api-version</c> headers (folded with ',',
    /// the last <c>placement X.Y</c> entry wins), as microversion_parse does. No header means the
    /// minimum; "latest" the maximum. Throws <see cref="FormatException"/> for a malformed version
    /// (upstream: 400) and <see cref="ArgumentOutOfRangeException"/> for one outside 1.0–1.39 (406).
    /// </summary>
    public static Microversion Negotiate(IEnumerable<string?> headerValues)
    {
        var requested = FindRequested(string.Join(",", headerValues.Where(v => v is not null)));
        if (requested is null)
        {
            return Min;
        }
        if (requested == "latest")
        {
            return Max;
        }
        var version = Parse(requested);
        // Only versions in upstream's list are acceptable: minor numbers are contiguous from 1.0 to 1.39.
        if (version.Major != 1 || version.Minor < Min.Minor || version.Minor > Max.Minor)
        {
            throw new ArgumentOutOfRangeException(nameof(headerValues), $"Unacceptable version header: {requested}");
        }
        return version;
    }

    private static string? FindRequested(string folded)
    {
        foreach (var entry in folded.Split(',').Reverse())
        {
            var fields = entry.Trim().Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 2 && string.Equals(fields[0], ServiceType, StringComparison.OrdinalIgnoreCase))
            {
                return fields[1].Trim();
            }
        }
        return null;
    }
}
