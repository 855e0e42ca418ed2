using System.Text;
using System.Text.RegularExpressions;

namespace Placement.Api.Auth.Keystone;

/// <summary>
/// One access rule of an application credential: the token may only call <see cref="Method"/> on paths
/// matching <see cref="Path"/> of the service type <see cref="Service"/>. In the path, <c>*</c> and
/// <c>{name}</c> match one segment and <c>**</c> any number, as keystonemiddleware matches them.
/// </summary>
public sealed record AccessRule(string Method, string Path, string Service)
{
    /// <summary>keystonemiddleware's validate_allowed_request: unrestricted tokens pass; restricted ones need a
    /// configured service type and a rule for this request (a service token vouches for chained requests).</summary>
    public static bool Allow(IReadOnlyList<AccessRule>? rules, string? serviceType, string method, string path, bool withServiceToken) =>
        rules is null
        || (serviceType is not null
            && (withServiceToken || rules.Any(rule => rule.Method == method && rule.Service == serviceType && rule.Matches(path))));

    public bool Matches(string path) => Regex.IsMatch(path, PathPattern(Path), RegexOptions.None, TimeSpan.FromSeconds(1));

    private static string PathPattern(string rulePath)
    {
        var pattern = new StringBuilder("^");
        for (var i = 0; i < rulePath.Length; i++)
        {
            if (rulePath[i] == '{' && rulePath.IndexOf('}', i) is var close and > 0)
            {
                pattern.Append("[^/]+");
                i = close;
            }
            else if (rulePath[i] == '*' && i + 1 < rulePath.Length && rulePath[i + 1] == '*')
            {
                pattern.Append(".*");
                i++;
            }
            else if (rulePath[i] == '*')
            {
                pattern.Append("[^/]+");
            }
            else
            {
                pattern.Append(Regex.Escape(rulePath[i].ToString()));
            }
        }
        return pattern.Append('$').ToString();
    }
}
