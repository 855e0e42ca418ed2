namespace Placement.Api.ResourceProviders;

/// <summary>
/// UUIDs as upstream accepts them (oslo.utils' <c>is_uuid_like</c>, Python's <c>uuid.UUID</c>):
/// 32 hex digits, dashes anywhere, optional braces and <c>urn:</c>/<c>uuid:</c> prefixes, any case.
/// </summary>
public static class UuidText
{
    public static bool IsUuidLike(string? text) => HexDigits(text) is not null;

    /// <summary>The dashed lower-case form (<c>str(uuid.UUID(text))</c>), or null when <paramref name="text"/> is no UUID.</summary>
    public static string? Normalize(string? text) =>
        HexDigits(text) is { } hex
            ? $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}"
            : null;

    private static string? HexDigits(string? text)
    {
        if (text is null)
        {
            return null;
        }
        var hex = text.Replace("urn:", "", StringComparison.Ordinal)
            .Replace("uuid:", "", StringComparison.Ordinal)
            .Trim('{', '}')
            .Replace("-", "", StringComparison.Ordinal)
            .ToLowerInvariant();
        return hex.Length == 32 && hex.All(char.IsAsciiHexDigit) ? hex : null;
    }
}
