using System.Globalization;
using System.Text.RegularExpressions;
using Placement.Api.AllocationCandidates.Engine;
using Placement.Api.Http;
using Placement.Api.ResourceProviders;

namespace Placement.Api.AllocationCandidates;

/// <summary>
/// The query string of <c>GET /allocation_candidates</c>, validated and turned into the engine's request the
/// way upstream does it (placement/lib.py RequestWideParams.from_request and RequestGroup.dict_from_request,
/// then the handler's group_policy check), with upstream's messages. Pure: no HTTP, no database; whether the
/// named resource classes and traits exist is <see cref="CandidateNameCheck"/>'s job.
/// </summary>
public static partial class CandidateQuery
{
    private const string ResourcesKey = "resources";
    private const string RequiredKey = "required";
    private const string MemberOfKey = "member_of";
    private const string InTreeKey = "in_tree";

    /// <summary>Parses the query string's parameters (in request order; a key may repeat).</summary>
    public static CandidateRequest Parse(IReadOnlyList<KeyValuePair<string, string>> parameters, Microversion version)
    {
        // Like webob's dict(req.GET), the schema sees the last value of a repeated key.
        var last = new Dictionary<string, string>();
        foreach (var (key, value) in parameters)
        {
            last[key] = value;
        }
        QueryParameters.Validate(last.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value)), CandidateQuerySchemas.For(version));

        List<string> All(string key) => [.. parameters.Where(p => p.Key == key).Select(p => p.Value)];
        var (rootRequired, rootForbidden) = ParseRootRequired(All("root_required"));
        var sameSubtrees = ParseSameSubtrees(All("same_subtree"));
        var groups = ParseGroups(parameters, version, All);
        if (version.IsAtLeast("1.36"))
        {
            CheckResourcelessGroups(groups, sameSubtrees);
        }
        else
        {
            CheckOrphans(groups);
        }
        if (version.IsAtLeast("1.22"))
        {
            CheckConflictingTraits(groups);
        }

        // Upstream takes the first limit and group_policy; the schema checked the last ones.
        var groupPolicy = All("group_policy").FirstOrDefault();
        if (groupPolicy is null && groups.Count(g => g.Suffix.Length != 0) > 1)
        {
            throw PlacementException.BadRequest(
                "The \"group_policy\" parameter is required when specifying more than one \"resources{N}\" parameter.");
        }
        return new CandidateRequest
        {
            Groups = [.. groups.Select(g => g.ToRequestGroup())],
            GroupPolicy = groupPolicy == "isolate" ? GroupPolicy.Isolate : GroupPolicy.None,
            Limit = ParseLimit(All("limit").FirstOrDefault()),
            RootRequiredTraits = rootRequired,
            RootForbiddenTraits = rootForbidden,
            SameSubtrees = sameSubtrees,
            NestedAware = version.IsAtLeast("1.29"),
        };
    }

    private static int? ParseLimit(string? value)
    {
        if (value is null)
        {
            return null;
        }
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit < 1)
        {
            throw PlacementException.BadRequest($"Invalid query string parameters: the first 'limit' is not a positive integer. Got: {value}");
        }
        return (int)Math.Min(limit, int.MaxValue);
    }

    private static (List<string> Required, List<string> Forbidden) ParseRootRequired(List<string> values)
    {
        if (values.Count == 0)
        {
            return ([], []);
        }
        if (values.Count > 1)
        {
            throw PlacementException.BadRequest(
                "Query parameter 'root_required' may be specified only once.", ErrorCodes.IllegalDuplicateQueryParameter);
        }
        // root_required has no any-of form (in:), whatever the microversion.
        var (anyOfs, forbidden) = ProviderListQuery.ParseRequiredValue(values[0], allowForbidden: true, allowAnyOf: false);
        var required = anyOfs.SelectMany(t => t).Distinct().ToList();
        var conflicts = required.Where(forbidden.Contains).Order(StringComparer.Ordinal).ToList();
        if (conflicts.Count > 0)
        {
            throw PlacementException.BadRequest(
                $"Conflicting required and forbidden traits found in root_required: {string.Join(", ", conflicts)}",
                ErrorCodes.QueryBadValue);
        }
        return (required, [.. forbidden]);
    }

    private static List<IReadOnlyList<string>> ParseSameSubtrees(List<string> values)
    {
        var subtrees = new List<IReadOnlyList<string>>();
        foreach (var value in values)
        {
            var suffixes = value.Split(',').Select(s => s.Trim()).Distinct().ToList();
            if (suffixes.Contains(""))
            {
                throw PlacementException.BadRequest(
                    "Empty string (unsuffixed group) can not be specified in `same_subtree` ", ErrorCodes.QueryBadValue);
            }
            subtrees.Add(suffixes);
        }
        return subtrees;
    }

    /// <summary>The groups in the order their first parameter appears (upstream's dict order).</summary>
    private static List<GroupParameters> ParseGroups(
        IReadOnlyList<KeyValuePair<string, string>> parameters, Microversion version, Func<string, List<string>> all)
    {
        var pattern = version.IsAtLeast("1.33") ? AnySuffixKey() : NumberSuffixKey();
        var groups = new List<GroupParameters>();
        foreach (var (key, value) in parameters)
        {
            var match = pattern.Match(key);
            if (!match.Success)
            {
                continue;
            }
            var suffix = match.Groups["suffix"].Value;
            var group = groups.Find(g => g.Suffix == suffix);
            if (group is null)
            {
                group = new GroupParameters(suffix);
                groups.Add(group);
            }
            switch (match.Groups["prefix"].Value)
            {
                case ResourcesKey:
                    group.Resources = ProviderListQuery.ParseResources(value);
                    break;
                case RequiredKey:
                    (group.RequiredTraits, group.ForbiddenTraits) = ProviderListQuery.ParseRequiredTraits(all(key), version);
                    break;
                case MemberOfKey:
                    (group.MemberOf, group.ForbiddenAggregates) = ProviderListQuery.ParseMemberOf(all(key), version, suffix);
                    break;
                default:
                    group.InTree = UuidText.Normalize(value.Trim()) ?? throw PlacementException.BadRequest(
                        $"Invalid query string parameters: Expected 'in_tree' parameter to be a format of uuid. Got: {value}");
                    break;
            }
        }
        return groups;
    }

    /// <summary>From 1.36 a suffixed group may have no resources, when it is named in same_subtree.</summary>
    private static void CheckResourcelessGroups(List<GroupParameters> groups, List<IReadOnlyList<string>> sameSubtrees)
    {
        var resourceless = groups.Where(g => g.Resources.Count == 0).Select(g => g.Suffix).ToList();
        if (resourceless.Count == groups.Count)
        {
            throw PlacementException.BadRequest(
                "There must be at least one resources or resources[$S] parameter.", ErrorCodes.QueryMissingValue);
        }
        var inSubtrees = sameSubtrees.SelectMany(s => s).Distinct().ToList();
        var bad = resourceless.Where(s => !inSubtrees.Contains(s)).ToList();
        if (bad.Count > 0)
        {
            throw PlacementException.BadRequest(
                "Resourceless suffixed group request should be specified in `same_subtree` query param: " +
                $"bad group(s) - {PythonList(bad)}.", ErrorCodes.QueryBadValue);
        }
        var unknown = inSubtrees.Where(s => !groups.Exists(g => g.Suffix == s)).ToList();
        if (unknown.Count > 0)
        {
            throw PlacementException.BadRequest(
                $"Real suffixes should be specified in `same_subtree`: {PythonList(unknown)} not found in " +
                $"{PythonList(groups.Select(g => g.Suffix))}.", ErrorCodes.QueryBadValue);
        }
    }

    /// <summary>Before 1.36 every group needs resources.</summary>
    private static void CheckOrphans(List<GroupParameters> groups)
    {
        var orphans = groups.Where(g => g.RequiredTraits.Count > 0 && g.Resources.Count == 0).Select(g => RequiredKey + g.Suffix).ToList();
        if (orphans.Count > 0)
        {
            throw PlacementException.BadRequest(
                "All traits parameters must be associated with resources.  " +
                $"Found the following orphaned traits keys: {string.Join(", ", orphans)}");
        }
        orphans = [.. groups
            .Where(g => g.Resources.Count == 0 && (g.MemberOf.Count > 0 || g.ForbiddenAggregates.Count > 0))
            .Select(g => MemberOfKey + g.Suffix)];
        if (orphans.Count > 0)
        {
            throw PlacementException.BadRequest(
                "All member_of parameters must be associated with resources. " +
                $"Found the following orphaned member_of keys: {string.Join(", ", orphans)}");
        }
        if (groups.Exists(g => g.Resources.Count == 0))
        {
            throw PlacementException.BadRequest("All request groups must specify resources.");
        }
        if (groups.Count == 0)
        {
            throw PlacementException.BadRequest("At least one request group (`resources` or `resources{$S}`) is required.");
        }
    }

    private static void CheckConflictingTraits(List<GroupParameters> groups)
    {
        var conflicts = groups
            .SelectMany(g => g.RequiredTraits
                .Where(anyOf => anyOf.All(g.ForbiddenTraits.Contains))
                .Select(anyOf => $"{RequiredKey}{g.Suffix}: ({string.Join(", ", anyOf.Order(StringComparer.Ordinal))})"))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (conflicts.Count > 0)
        {
            throw PlacementException.BadRequest(
                $"Conflicting required and forbidden traits found in the following traits keys: {string.Join(", ", conflicts)}");
        }
    }

    /// <summary>A list of suffixes as Python prints it: <c>['1', 'X']</c>.</summary>
    private static string PythonList(IEnumerable<string> items) => $"[{string.Join(", ", items.Select(i => $"'{i}'"))}]";

    // upstream's common.GROUP_PAT and GROUP_PAT_1_33.
    [GeneratedRegex("^(?<prefix>resources|required|member_of|in_tree)(?<suffix>[1-9][0-9]*)?$")]
    private static partial Regex NumberSuffixKey();

    [GeneratedRegex("^(?<prefix>resources|required|member_of|in_tree)(?<suffix>[a-zA-Z0-9_-]{1,64})?$")]
    private static partial Regex AnySuffixKey();

    /// <summary>One request group's parameters as parsed, before they become an engine <see cref="RequestGroup"/>.</summary>
    private sealed class GroupParameters(string suffix)
    {
        public string Suffix { get; } = suffix;
        public Dictionary<string, long> Resources { get; set; } = [];
        public List<IReadOnlySet<string>> RequiredTraits { get; set; } = [];
        public HashSet<string> ForbiddenTraits { get; set; } = [];
        public List<IReadOnlySet<string>> MemberOf { get; set; } = [];
        public HashSet<string> ForbiddenAggregates { get; set; } = [];
        public string? InTree { get; set; }

        public RequestGroup ToRequestGroup() => new()
        {
            Suffix = Suffix,
            // No inventory holds more than int.MaxValue, so a larger amount can only fail to fit, as upstream's does.
            Resources = [.. Resources.Select(r => new ResourceAmount(r.Key, (int)Math.Min(r.Value, int.MaxValue)))],
            RequiredTraits = [.. RequiredTraits.Select(anyOf => (IReadOnlyList<string>)[.. anyOf])],
            ForbiddenTraits = [.. ForbiddenTraits],
            MemberOf = [.. MemberOf.Select(anyOf => (IReadOnlyList<Guid>)[.. anyOf.Select(AggregateUuid)])],
            ForbiddenAggregates = [.. ForbiddenAggregates.Select(AggregateUuid)],
            InTree = InTree is null ? null : Guid.Parse(InTree),
        };

        // The member_of parser accepted only UUID-like text.
        private static Guid AggregateUuid(string text) => Guid.Parse(UuidText.Normalize(text)!);
    }
}
