using Placement.Api.Aggregates;
using Placement.Api.Http;

namespace Placement.Api.Tests.Aggregates;

/// <summary>The aggregate bodies are rejected with jsonschema's words, as upstream's 400s carry them.</summary>
public class AggregateSchemasTests
{
    private static string Rejection(string body, NJsonSchema.JsonSchema schema) =>
        Assert.Throws<PlacementException>(() => JsonBody.Parse(body, schema)).Message;

    [Fact]
    public void AggregatesMustBeUuids() =>
        Assert.StartsWith("JSON does not validate: 'harry' is not a 'uuid'",
            Rejection("""{"aggregates": ["harry", "sally"], "resource_provider_generation": 2}""", AggregateSchemas.PutV1_19));

    [Fact]
    public void AggregatesMustBeUnique() =>
        Assert.Contains("has non-unique elements",
            Rejection("""["f918801a-5e54-4bee-9095-09a9d0c786b8", "f918801a-5e54-4bee-9095-09a9d0c786b8"]""", AggregateSchemas.PutV1_1));

    [Fact]
    public void GenerationIsRequiredFrom119() =>
        Assert.StartsWith("JSON does not validate: 'resource_provider_generation' is a required property",
            Rejection("""{"aggregates": []}""", AggregateSchemas.PutV1_19));

    [Fact]
    public void TheBareListIsNoLongerAcceptedFrom119() =>
        Assert.StartsWith("JSON does not validate: [] is not of type 'object'", Rejection("[]", AggregateSchemas.PutV1_19));
}
