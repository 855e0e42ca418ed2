using Placement.Api.Http;
using Placement.Api.Inventories;
using Placement.Api.Reshaper;

namespace Placement.Api.Tests.Reshaper;

public class ReshaperSchemasTests
{
    private const string Rp = "6de0ba91-c173-4461-9502-4880a6a82422";

    private static readonly Microversion V1_30 = new(1, 30);
    private static readonly Microversion V1_34 = new(1, 34);
    private static readonly Microversion V1_38 = new(1, 38);

    private const string OneProvider = """{"6de0ba91-c173-4461-9502-4880a6a82422": {"resource_provider_generation": 0, "inventories": {}}}""";

    /// <summary>A body with one consumer; <paramref name="consumerExtras"/> is added to its fields.</summary>
    private static string Body(string consumerExtras = "", string inventories = OneProvider) => $$$$"""
        {
            "inventories": {{{{inventories}}}},
            "allocations": {
                "599ffd2d-526a-4b2e-8683-f13ad25f9958": {
                    "allocations": {"6de0ba91-c173-4461-9502-4880a6a82422": {"resources": {"VCPU": 1}}},
                    "project_id": "p", "user_id": "u", "consumer_generation": null{{{{consumerExtras}}}}
                }
            }
        }
        """;

    private static string Refusal(string json, Microversion version) =>
        Assert.Throws<PlacementException>(() => JsonBody.Parse(json, ReshaperSchemas.For(version))).Message;

    [Fact]
    public void AReshapeNeedsAProviderButNoConsumer()
    {
        JsonBody.Parse("""{"inventories": {"6de0ba91-c173-4461-9502-4880a6a82422": {"resource_provider_generation": 0, "inventories": {}}}, "allocations": {}}""", ReshaperSchemas.For(V1_30));

        Assert.StartsWith("JSON does not validate: {} does not have enough properties", Refusal("""{"inventories": {}, "allocations": {}}""", V1_30));
        Assert.StartsWith("JSON does not validate: 'allocations' is a required property",
            Refusal("""{"inventories": {"6de0ba91-c173-4461-9502-4880a6a82422": {"resource_provider_generation": 0, "inventories": {}}}}""", V1_30));
    }

    [Fact]
    public void ProvidersAreKeyedByUuidAndEachNeedsItsGeneration()
    {
        Assert.StartsWith("JSON does not validate: 'x' does not match any of the regexes: '^[0-9a-fA-F-]{36}$'",
            Refusal(Body(inventories: """{"x": {"resource_provider_generation": 0, "inventories": {}}}"""), V1_30));
        Assert.StartsWith("JSON does not validate: 'resource_provider_generation' is a required property",
            Refusal(Body(inventories: """{"6de0ba91-c173-4461-9502-4880a6a82422": {"inventories": {}}}"""), V1_30));
        Assert.Contains("'bad_field' was unexpected",
            Refusal(Body(inventories: """{"6de0ba91-c173-4461-9502-4880a6a82422": {"resource_provider_generation": 0, "inventories": {"VCPU": {"total": 1, "bad_field": 1}}}}"""), V1_30));
    }

    [Fact]
    public void MappingsArriveAt134AndConsumerTypesAt138()
    {
        const string mappings = """, "mappings": {"": ["6de0ba91-c173-4461-9502-4880a6a82422"]}""";
        JsonBody.Parse(Body(mappings), ReshaperSchemas.For(V1_34));
        JsonBody.Parse(Body(mappings + """, "consumer_type": "INSTANCE" """), ReshaperSchemas.For(V1_38));

        Assert.StartsWith("JSON does not validate: Additional properties are not allowed ('mappings' was unexpected)", Refusal(Body(mappings), V1_30));
        Assert.Contains("'consumer_type' was unexpected", Refusal(Body(""", "consumer_type": "INSTANCE" """), V1_34));
        Assert.StartsWith("JSON does not validate: 'consumer_type' is a required property", Refusal(Body(), V1_38));
    }

    [Fact]
    public void RatiosAreCheckedInEveryProvidersInventories()
    {
        var body = JsonBody.Parse(
            Body(inventories: """{"6de0ba91-c173-4461-9502-4880a6a82422": {"resource_provider_generation": 0, "inventories": {"VCPU": {"total": 1, "allocation_ratio": 4e39}}}}"""),
            ReshaperSchemas.For(V1_30));

        var refusal = Assert.Throws<PlacementException>(() => InventorySchemas.RequireRatiosInRange(ReshaperSchemas.InventoriesOf(body))).Message;

        // Upstream's words, checked against its server.
        Assert.Equal(
            "JSON does not validate: 4e+39 is greater than the maximum of 3.40282e+38\n\n"
            + "Failed validating 'maximum' in schema['properties']['inventories']['patternProperties']['^[0-9a-fA-F-]{36}$']"
            + "['properties']['inventories']['patternProperties']['^[A-Z0-9_]+$']['properties']['allocation_ratio']:\n"
            + "    {'maximum': 3.40282e+38, 'type': 'number'}\n\n"
            + $"On instance['inventories']['{Rp}']['inventories']['VCPU']['allocation_ratio']:\n    4e+39",
            refusal);
    }
}
