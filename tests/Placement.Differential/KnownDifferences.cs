using System.Text.Json.Nodes;

namespace Placement.Differential;

/// <summary>A difference that is a bug of the upstream release run as reference, fixed in upstream master.</summary>
/// <param name="Reference">The upstream commit or Launchpad bug that explains it.</param>
/// <param name="EndsRun">The servers' states differ afterwards, so the run cannot go on.</param>
internal sealed record KnownDifference(string Name, string Reference, bool EndsRun);

/// <summary>A step where the reference has a known bug: <paramref name="Difference"/> is null when ours answered as master.</summary>
internal sealed record KnownVerdict(KnownDifference Known, string? Difference);

/// <summary>
/// The behaviour changes between upstream 8.0.0 (Debian's python3-placement) and upstream master that a run can meet.
/// Our server follows master, so against 8.0.0 these steps are compared the master way: what master answers is derived
/// from 8.0.0's state and checked against ours. Every other change between the two (git diff 8.0.0 master -- placement)
/// is in policy defaults (the admin token passes both), configuration options whose defaults keep 8.0.0's behaviour
/// (max_allocation_candidates, allocation_candidates_generation_strategy, optimize_for_wide_provider_trees), logging,
/// or refactoring.
/// </summary>
internal static class KnownDifferences
{
    public static readonly KnownDifference OverCapacityRewrite = new(
        "allocations that do not increase usage on a provider already over capacity are accepted",
        "Launchpad bug 2104040, fixed by upstream commit 5ac4c70b (\"Fix placement allocate while over-capacity\")",
        EndsRun: true);

    private const string CapacityExceeded = "The requested amount would exceed the capacity";

    /// <summary>
    /// When the reference's answer to this step is one of its known bugs, how ours compares with master's answer:
    /// null when the step is not one of them.
    /// </summary>
    public static async Task<KnownVerdict?> JudgeAsync(string upstreamVersion, Call call, Reply reference, Reply ours, Side upstream)
    {
        if (upstreamVersion != "8.0.0" || call.Allocations is null)
        {
            return null;
        }
        var detail = reference.Json?["errors"]?[0]?["detail"]?.GetValue<string>() ?? "";
        if (reference.Status != 409 || !detail.Contains(CapacityExceeded, StringComparison.Ordinal) || !await MasterAcceptsAsync(call, upstream))
        {
            return null;
        }
        // Master accepts the write as any accepted write: 204, no body, the same version headers as any answer.
        var asMaster = ours.Status == 204 && ours.Text.Length == 0 && !ours.Headers.ContainsKey("content-type")
            && ours.Headers.GetValueOrDefault("openstack-api-version") == reference.Headers.GetValueOrDefault("openstack-api-version")
            && ours.Headers.GetValueOrDefault("vary") == reference.Headers.GetValueOrDefault("vary");
        return new KnownVerdict(OverCapacityRewrite, asMaster ? null : $"master answers 204 (no body) here, {OverCapacityRewrite.Reference}; ours {ours.Status}");
    }

    /// <summary>
    /// Master's capacity check (placement/objects/allocation.py, _check_capacity_exceeded after 5ac4c70b) over the
    /// reference's state, which its refusal left unchanged: the consumers' allocations are removed, then each new
    /// allocation in body order must respect min_unit, max_unit and step_size, and fit the capacity, unless the provider's
    /// usage of that class ends no higher than it was before the write (and it had some).
    /// </summary>
    private static async Task<bool> MasterAcceptsAsync(Call call, Side upstream)
    {
        var allocations = call.Allocations!;
        var inventories = new Dictionary<string, JsonObject>();
        var previous = new Dictionary<(string Provider, string Class), int>();
        foreach (var provider in allocations.Select(a => a.Provider).Distinct())
        {
            var current = (await ReadAsync(upstream, $"/resource_providers/{provider}/inventories"))?["inventories"]?.AsObject();
            inventories[provider] = call.ReshapedInventories?.GetValueOrDefault(provider) is { } reshaped
                ? new JsonObject(reshaped.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value.ToJson())))
                : current ?? [];
            var usages = (await ReadAsync(upstream, $"/resource_providers/{provider}/usages"))?["usages"]?.AsObject() ?? [];
            foreach (var (resourceClass, usage) in usages)
            {
                previous[(provider, resourceClass)] = (int)usage!;
            }
        }
        var used = new Dictionary<(string, string), int>(previous);
        foreach (var consumer in allocations.Select(a => a.Consumer).Distinct())
        {
            var held = (await ReadAsync(upstream, $"/allocations/{consumer}"))?["allocations"]?.AsObject() ?? [];
            foreach (var (provider, value) in held)
            {
                foreach (var (resourceClass, amount) in value!["resources"]!.AsObject())
                {
                    used[(provider, resourceClass)] = used.GetValueOrDefault((provider, resourceClass)) - (int)amount!;
                }
            }
        }
        var requested = new Dictionary<(string, string), int>();
        foreach (var allocation in allocations)
        {
            var key = (allocation.Provider, allocation.ResourceClass);
            requested[key] = requested.GetValueOrDefault(key) + allocation.Amount;
            if (allocation.Amount == 0)
            {
                continue;
            }
            if (inventories[allocation.Provider][allocation.ResourceClass] is not JsonObject inventory)
            {
                return false;
            }
            var amount = allocation.Amount;
            if (amount < (int)inventory["min_unit"]! || amount > (int)inventory["max_unit"]! || amount % (int)inventory["step_size"]! != 0)
            {
                return false;
            }
            var capacity = ((int)inventory["total"]! - (int)inventory["reserved"]!) * (double)inventory["allocation_ratio"]!;
            var usedNow = used.GetValueOrDefault(key);
            if (capacity < usedNow + amount || capacity < usedNow + requested[key])
            {
                // A provider with no allocations of the class had no usage row: master refuses then.
                if (previous.GetValueOrDefault(key) == 0 || usedNow + requested[key] > previous[key])
                {
                    return false;
                }
            }
        }
        return true;
    }

    private static async Task<JsonNode?> ReadAsync(Side side, string target)
    {
        var read = new Call { Method = "GET", Target = target, Microversion = "placement 1.39" };
        var answer = await side.SendAsync(read);
        return answer.Status == 200 ? Reply.From(answer, side, read).Json : null;
    }
}
