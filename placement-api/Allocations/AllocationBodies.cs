using System.Text.Json.Nodes;
using Placement.Api.Http;

namespace Placement.Api.Allocations;

/// <summary>
/// Turns request bodies that passed <see cref="AllocationSchemas"/> into <see cref="ConsumerAllocations"/>:
/// the list form before 1.12 and the dict form after become the same thing.
/// </summary>
public static class AllocationBodies
{
    /// <summary>The body of PUT /allocations/{consumer_uuid}.</summary>
    public static ConsumerAllocations ForConsumer(string consumerUuid, JsonObject body, Microversion version)
    {
        var allocations = body["allocations"]!;
        var resources = version.IsAtLeast("1.12") ? FromDict(allocations.AsObject()) : FromList(allocations.AsArray());
        return Describe(consumerUuid, resources, body, version);
    }

    /// <summary>The body of POST /allocations: consumers in the order the body names them.</summary>
    public static IReadOnlyList<ConsumerAllocations> ForConsumers(JsonObject body, Microversion version) =>
        [.. body.Select(consumer =>
        {
            var data = consumer.Value!.AsObject();
            return Describe(consumer.Key, FromDict(data["allocations"]!.AsObject()), data, version);
        })];

    private static ConsumerAllocations Describe(
        string consumerUuid, IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> resources, JsonObject data, Microversion version) =>
        new()
        {
            ConsumerUuid = consumerUuid,
            Resources = resources,
            Owner = data["project_id"] is { } project
                ? new ConsumerOwner(project.GetValue<string>(), data["user_id"]!.GetValue<string>())
                : null,
            Generation = version.IsAtLeast("1.28") ? new ExpectedGeneration(Integer(data["consumer_generation"])) : null,
            ConsumerType = version.IsAtLeast("1.38") ? data["consumer_type"]!.GetValue<string>() : null,
        };

    /// <summary>Before 1.12. A provider listed twice keeps its first place and its last resources, as upstream's dict does.</summary>
    private static Dictionary<string, IReadOnlyDictionary<string, long>> FromList(JsonArray allocations)
    {
        var byProvider = new Dictionary<string, IReadOnlyDictionary<string, long>>();
        foreach (var allocation in allocations)
        {
            var uuid = allocation!["resource_provider"]!["uuid"]!.GetValue<string>();
            byProvider[uuid] = Amounts(allocation["resources"]!.AsObject());
        }
        return byProvider;
    }

    private static Dictionary<string, IReadOnlyDictionary<string, long>> FromDict(JsonObject allocations) =>
        allocations.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, long>)Amounts(p.Value!["resources"]!.AsObject()));

    private static Dictionary<string, long> Amounts(JsonObject resources) =>
        resources.ToDictionary(p => p.Key, p => Integer(p.Value) ?? 0);

    /// <summary>
    /// A JSON integer (the schemas allow nothing else). Python's integers are unbounded; ours stop at
    /// long's range, far beyond any inventory's max_unit, so clamping changes no outcome.
    /// </summary>
    private static long? Integer(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }
        var value = node.AsValue();
        if (value.TryGetValue<long>(out var integer))
        {
            return integer;
        }
        var number = value.GetValue<double>();
        return number >= long.MaxValue ? long.MaxValue : number <= long.MinValue ? long.MinValue : (long)number;
    }
}
