using System.Text.Json.Nodes;
using Placement.Api.Allocations;
using Placement.Api.Http;

namespace Placement.Api.Tests.Allocations;

public class AllocationBodiesTests
{
    private const string Rp1 = "9229b2fc-d556-4e38-9c18-443e4bc6ceae";
    private const string Rp2 = "fcfa516a-abbe-45d1-8152-d5225d82e596";

    [Fact]
    public void TheListFormBecomesResourcesByProviderAndALaterEntryReplacesAnEarlierOne()
    {
        var body = Parse($$$$"""
            {"allocations": [
                {"resource_provider": {"uuid": "{{{{Rp1}}}}"}, "resources": {"VCPU": 1}},
                {"resource_provider": {"uuid": "{{{{Rp2}}}}"}, "resources": {"DISK_GB": 5}},
                {"resource_provider": {"uuid": "{{{{Rp1}}}}"}, "resources": {"VCPU": 2, "MEMORY_MB": 64}}]}
            """);

        var allocations = AllocationBodies.ForConsumer("c", body, Microversion.Parse("1.7"));

        Assert.Equal([Rp1, Rp2], allocations.Resources.Keys);
        Assert.Equal(new Dictionary<string, long> { ["VCPU"] = 2, ["MEMORY_MB"] = 64 }, allocations.Resources[Rp1]);
        Assert.Null(allocations.Owner);
        Assert.Null(allocations.Generation);
    }

    [Fact]
    public void TheDictFormCarriesOwnerGenerationAndTypeFromTheirMicroversions()
    {
        var body = Parse($$$$"""
            {"allocations": {"{{{{Rp1}}}}": {"resources": {"VCPU": 1}, "generation": 7}},
             "project_id": "p", "user_id": "u", "consumer_generation": null, "consumer_type": "INSTANCE"}
            """);

        var v1_12 = AllocationBodies.ForConsumer("c", body, Microversion.Parse("1.12"));
        var v1_28 = AllocationBodies.ForConsumer("c", body, Microversion.Parse("1.28"));
        var v1_38 = AllocationBodies.ForConsumer("c", body, Microversion.Parse("1.38"));

        Assert.Equal(new ConsumerOwner("p", "u"), v1_12.Owner);
        Assert.Equal(1, v1_12.Resources[Rp1]["VCPU"]);
        Assert.Null(v1_12.Generation);
        Assert.Equal(new ExpectedGeneration(null), v1_28.Generation);
        Assert.Null(v1_28.ConsumerType);
        Assert.Equal("INSTANCE", v1_38.ConsumerType);
    }

    [Fact]
    public void PostNamesEachConsumerInOrder()
    {
        var body = Parse($$$$"""
            {"b0b15655-273a-4b3d-9792-2e579b7d5ad9": {"allocations": {}, "project_id": "p", "user_id": "u", "consumer_generation": 3},
             "a0b15655-273a-4b3d-9792-2e579b7d5ad9": {"allocations": {"{{{{Rp2}}}}": {"resources": {"DISK_GB": 5}}}, "project_id": "p", "user_id": "u", "consumer_generation": null}}
            """);

        var consumers = AllocationBodies.ForConsumers(body, Microversion.Parse("1.28"));

        Assert.Equal(["b0b15655-273a-4b3d-9792-2e579b7d5ad9", "a0b15655-273a-4b3d-9792-2e579b7d5ad9"], consumers.Select(c => c.ConsumerUuid));
        Assert.Empty(consumers[0].Resources);
        Assert.Equal(new ExpectedGeneration(3), consumers[0].Generation);
        Assert.Equal(5, consumers[1].Resources[Rp2]["DISK_GB"]);
    }

    [Fact]
    public void AmountsBeyondLongAreClampedNotLost()
    {
        var body = Parse($$$$"""{"allocations": {"{{{{Rp1}}}}": {"resources": {"VCPU": 100000000000000000000000}}}, "project_id": "p", "user_id": "u"}""");

        Assert.Equal(long.MaxValue, AllocationBodies.ForConsumer("c", body, Microversion.Parse("1.12")).Resources[Rp1]["VCPU"]);
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
