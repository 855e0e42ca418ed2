using System.Text.Json.Nodes;
using Placement.Api.AllocationCandidates;
using Placement.Api.AllocationCandidates.Engine;
using Placement.Api.Http;

namespace Placement.Api.Tests.AllocationCandidatesHttp;

/// <summary>The body's shape per microversion (upstream's _transform_allocation_candidates).</summary>
public class CandidateResponseTests
{
    private static readonly Guid Compute = Guid.Parse("11111111-1111-1111-1111-111111111111");
    private static readonly Guid Numa = Guid.Parse("22222222-2222-2222-2222-222222222222");

    private static readonly CandidateRequest Request = new()
    {
        Groups =
        [
            new RequestGroup { Resources = [new ResourceAmount("DISK_GB", 10)] },
            new RequestGroup { Suffix = "_CPU", Resources = [new ResourceAmount("VCPU", 2)] },
        ],
    };

    private static readonly CandidateResult Result = new(
        [
            new AllocationCandidate(
                [
                    new ProviderAllocation(Compute, [new ResourceAmount("DISK_GB", 10)]),
                    new ProviderAllocation(Numa, [new ResourceAmount("VCPU", 2)]),
                ],
                [KeyValuePair.Create("", (IReadOnlyList<Guid>)[Compute]), KeyValuePair.Create("_CPU", (IReadOnlyList<Guid>)[Numa])]),
        ],
        [
            new ProviderSummary(Compute, Compute, null,
                [new SummaryResource("DISK_GB", 100, 5), new SummaryResource("MEMORY_MB", 2048, 0)], ["COMPUTE_VOLUME_MULTI_ATTACH"]),
            new ProviderSummary(Numa, Compute, Compute, [new SummaryResource("VCPU", 8, 1)], ["HW_NUMA_ROOT"]),
        ]);

    private static byte[] Serialize(CandidateResult result, Microversion version)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        CandidateResponse.Write(buffer, result, Request, version);
        return buffer.WrittenSpan.ToArray();
    }

    private static JsonNode Body(string version) => JsonNode.Parse(Serialize(Result, Microversion.Parse(version)))!;

    [Fact]
    public void Before112AllocationsAreAListOfProviders()
    {
        var allocations = Body("1.11")["allocation_requests"]![0]!["allocations"]!.AsArray();
        Assert.Equal(Compute.ToString(), (string?)allocations[0]!["resource_provider"]!["uuid"]);
        Assert.Equal(10, (int)allocations[0]!["resources"]!["DISK_GB"]!);
        Assert.Equal(2, (int)allocations[1]!["resources"]!["VCPU"]!);
    }

    [Fact]
    public void From112AllocationsAreKeyedByProvider()
    {
        var request = Body("1.12")["allocation_requests"]![0]!.AsObject();
        Assert.Equal(2, (int)request["allocations"]![Numa.ToString()]!["resources"]!["VCPU"]!);
        Assert.False(request.ContainsKey("mappings"));
    }

    [Fact]
    public void From134MappingsSayWhichProvidersServedEachGroup()
    {
        var mappings = Body("1.34")["allocation_requests"]![0]!["mappings"]!;
        Assert.Equal(Compute.ToString(), (string?)mappings[""]![0]);
        Assert.Equal(Numa.ToString(), (string?)mappings["_CPU"]![0]);
    }

    [Fact]
    public void Before127SummariesShowOnlyRequestedClassesAndBefore117NoTraits()
    {
        var summary = Body("1.16")["provider_summaries"]![Compute.ToString()]!.AsObject();
        Assert.Equal(["DISK_GB"], summary["resources"]!.AsObject().Select(r => r.Key));
        Assert.Equal(100, (int)summary["resources"]!["DISK_GB"]!["capacity"]!);
        Assert.Equal(5, (int)summary["resources"]!["DISK_GB"]!["used"]!);
        Assert.False(summary.ContainsKey("traits"));
        Assert.Equal(["COMPUTE_VOLUME_MULTI_ATTACH"], Body("1.17")["provider_summaries"]![Compute.ToString()]!["traits"]!.AsArray()
            .Select(t => (string?)t));
    }

    [Fact]
    public void From127SummariesShowEveryClass() =>
        Assert.Equal(["DISK_GB", "MEMORY_MB"], Body("1.27")["provider_summaries"]![Compute.ToString()]!["resources"]!.AsObject()
            .Select(r => r.Key));

    [Fact]
    public void From129SummariesShowParentAndRoot()
    {
        Assert.False(Body("1.28")["provider_summaries"]![Numa.ToString()]!.AsObject().ContainsKey("root_provider_uuid"));
        var summaries = Body("1.29")["provider_summaries"]!;
        Assert.Equal(Compute.ToString(), (string?)summaries[Numa.ToString()]!["parent_provider_uuid"]);
        Assert.Equal(Compute.ToString(), (string?)summaries[Numa.ToString()]!["root_provider_uuid"]);
        Assert.True(summaries[Compute.ToString()]!.AsObject().ContainsKey("parent_provider_uuid"));
        Assert.Null(summaries[Compute.ToString()]!["parent_provider_uuid"]);
    }

    [Fact]
    public void NoCandidatesIsTwoEmptyCollections() =>
        Assert.Equal("""{"allocation_requests": [], "provider_summaries": {}}""",
            System.Text.Encoding.UTF8.GetString(Serialize(CandidateResult.Empty, Microversion.Max)));
}
