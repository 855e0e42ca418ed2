using Placement.Api.Http;

namespace Placement.Api.Traits;

/// <summary>
/// The filters of <c>GET /traits</c>: <c>name=in:A,B</c> or <c>name=startswith:PREFIX</c>, and
/// <c>associated=true|false</c> (traits some provider has, or that none has). Null means no filter.
/// </summary>
public sealed record TraitFilter(IReadOnlyList<string>? NamesIn, string? Prefix, bool? Associated)
{
    /// <summary>Reads the filters from a query string already checked against <see cref="TraitSchemas.ListQuery"/>.</summary>
    public static TraitFilter FromQuery(IQueryCollection query)
    {
        IReadOnlyList<string>? namesIn = null;
        string? prefix = null;
        bool? associated = null;
        if (query.TryGetValue("name", out var nameValues))
        {
            var name = nameValues.LastOrDefault() ?? "";
            var colon = name.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                throw PlacementException.BadRequest(
                    "Badly formatted name parameter. Expected name query string parameter in form: " +
                    $"?name=[in|startswith]:[name1,name2|prefix]. Got: \"{name}\"");
            }
            var value = name[(colon + 1)..];
            // Like upstream, an operator other than these two filters nothing.
            switch (name[..colon])
            {
                case "in":
                    namesIn = value.Split(',');
                    break;
                case "startswith":
                    prefix = value;
                    break;
            }
        }
        if (query.TryGetValue("associated", out var associatedValues))
        {
            associated = (associatedValues.LastOrDefault() ?? "").ToLowerInvariant() switch
            {
                "true" => true,
                "false" => false,
                _ => throw PlacementException.BadRequest("The query parameter \"associated\" only accepts \"true\" or \"false\""),
            };
        }
        return new TraitFilter(namesIn, prefix, associated);
    }
}
