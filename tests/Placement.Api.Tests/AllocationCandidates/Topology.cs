using Placement.Api.AllocationCandidates.Engine;

namespace Placement.Api.Tests.AllocationCandidates;

/// <summary>Builds a provider snapshot by name, like upstream's test fixtures, and describes engine results by name.</summary>
internal sealed class Topology
{
    private readonly List<ProviderInput> providers = [];
    private readonly List<InventoryInput> inventories = [];
    private readonly Dictionary<string, Guid> uuids = [];
    private readonly Dictionary<Guid, string> names = [];
    private readonly Dictionary<string, Guid> aggregates = [];
    private ProviderSnapshot? snapshot;

    public Guid this[string name] => uuids[name];

    /// <summary>The uuid of a named aggregate (made up on first use).</summary>
    public Guid Agg(string name)
    {
        if (!aggregates.TryGetValue(name, out var uuid))
        {
            aggregates[name] = uuid = Guid.NewGuid();
        }
        return uuid;
    }

    public Topology Provider(string name, string? parent = null, string[]? traits = null, string[]? aggs = null)
    {
        var uuid = Guid.NewGuid();
        uuids[name] = uuid;
        names[uuid] = name;
        providers.Add(new ProviderInput(
            uuid, parent is null ? null : uuids[parent], traits ?? [], [.. (aggs ?? []).Select(Agg)]));
        snapshot = null;
        return this;
    }

    public Topology Inventory(
        string provider, string resourceClass, int total, int reserved = 0, int minUnit = 1, int? maxUnit = null,
        int stepSize = 1, double ratio = 1.0, long used = 0)
    {
        inventories.Add(new InventoryInput(
            uuids[provider], resourceClass, total, reserved, minUnit, maxUnit ?? total, stepSize, ratio, used));
        snapshot = null;
        return this;
    }

    public ProviderSnapshot Snapshot => snapshot ??= ProviderSnapshot.Build(providers, inventories);

    public string Name(Guid uuid) => names[uuid];

    public CandidateResult Find(CandidateRequest request, CandidateOptions? options = null) =>
        CandidateEngine.Find(Snapshot, request, options ?? new CandidateOptions());

    /// <summary>Each candidate as "provider(CLASS:n,...)+provider(...)", providers and classes sorted; the list sorted.</summary>
    public List<string> Describe(CandidateResult result) =>
        [.. result.AllocationRequests.Select(Describe).Order(StringComparer.Ordinal)];

    public string Describe(AllocationCandidate candidate) =>
        string.Join("+", candidate.Allocations
            .Select(a => $"{Name(a.ProviderUuid)}({string.Join(",", a.Resources.OrderBy(r => r.ResourceClass, StringComparer.Ordinal).Select(r => $"{r.ResourceClass}:{r.Amount}"))})")
            .Order(StringComparer.Ordinal));

    /// <summary>Mappings as "suffix=provider,provider;..." in request order.</summary>
    public string DescribeMappings(AllocationCandidate candidate) =>
        string.Join(";", candidate.Mappings.Select(m => $"{m.Key}={string.Join(",", m.Value.Select(Name).Order(StringComparer.Ordinal))}"));

    public List<string> SummaryNames(CandidateResult result) =>
        [.. result.ProviderSummaries.Select(s => Name(s.Uuid)).Order(StringComparer.Ordinal)];

    /// <summary>
    /// A request group from query-string-like values: resources "VCPU:1,MEMORY_MB:512"; required entries like
    /// "A", "A,!B", "in:A,B"; member_of entries (aggregate names) like "aggA", "in:aggA,aggB", "!aggA", "!in:aggA,aggB".
    /// </summary>
    public RequestGroup Group(
        string suffix, string resources, string[]? required = null, string[]? memberOf = null, string? inTree = null)
    {
        var requiredSets = new List<IReadOnlyList<string>>();
        var forbidden = new List<string>();
        foreach (var value in required ?? [])
        {
            if (value.StartsWith("in:", StringComparison.Ordinal))
            {
                requiredSets.Add(value[3..].Split(','));
                continue;
            }
            foreach (var trait in value.Split(','))
            {
                if (trait.StartsWith('!'))
                {
                    forbidden.Add(trait[1..]);
                }
                else
                {
                    requiredSets.Add([trait]);
                }
            }
        }
        var memberSets = new List<IReadOnlyList<Guid>>();
        var forbiddenAggs = new List<Guid>();
        foreach (var value in memberOf ?? [])
        {
            var negative = value.StartsWith('!');
            var body = negative ? value[1..] : value;
            var aggs = (body.StartsWith("in:", StringComparison.Ordinal) ? body[3..] : body).Split(',').Select(Agg).ToList();
            if (negative)
            {
                forbiddenAggs.AddRange(aggs);
            }
            else
            {
                memberSets.Add(aggs);
            }
        }
        return new RequestGroup
        {
            Suffix = suffix,
            Resources = resources.Length == 0
                ? []
                : [.. resources.Split(',').Select(r => r.Split(':')).Select(p => new ResourceAmount(p[0], int.Parse(p[1])))],
            RequiredTraits = requiredSets,
            ForbiddenTraits = forbidden,
            MemberOf = memberSets,
            ForbiddenAggregates = forbiddenAggs,
            InTree = inTree is null ? null : uuids[inTree],
        };
    }
}
