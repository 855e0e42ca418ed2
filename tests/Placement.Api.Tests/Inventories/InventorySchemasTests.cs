using Placement.Api.Http;
using Placement.Api.Inventories;

namespace Placement.Api.Tests.Inventories;

public class InventorySchemasTests
{
    private static string Refusal(string json, NJsonSchema.JsonSchema schema) =>
        Assert.Throws<PlacementException>(() => JsonBody.Parse(json, schema)).Message;

    [Theory]
    [InlineData("""{"resource_class": "DISK_GB", "total": 0}""", "0 is less than the minimum of 1", "['total']")]
    [InlineData("""{"resource_class": "DISK_GB", "total": 1, "min_unit": 0}""", "0 is less than the minimum of 1", "['min_unit']")]
    [InlineData("""{"resource_class": "DISK_GB", "total": 1, "reserved": -1}""", "-1 is less than the minimum of 0", "['reserved']")]
    [InlineData("""{"resource_class": "DISK_GB", "total": 2147483648}""", "2147483648 is greater than the maximum of 2147483647", "['total']")]
    [InlineData("""{"resource_class": "DISK_GB", "total": 1, "step_size": 2147483648}""", "2147483648 is greater than the maximum of 2147483647", "['step_size']")]
    [InlineData("""{"resource_class": "bad_class", "total": 1}""", "'bad_class' does not match '^[A-Z0-9_]+$'", "['resource_class']")]
    public void CreateRefusesOutOfBoundsFields(string body, string message, string path)
    {
        var refusal = Refusal(body, InventorySchemas.Create);
        Assert.StartsWith($"JSON does not validate: {message}", refusal);
        Assert.Contains($"in schema['properties']{path}", refusal);
    }

    [Fact]
    public void RatiosBeyondASinglePrecisionFloatAreRefusedInJsonschemasWords()
    {
        var body = JsonBody.Parse("""{"resource_class": "DISK_GB", "total": 1, "allocation_ratio": 3.40282e+39}""", InventorySchemas.Create);
        var refusal = Assert.Throws<PlacementException>(() => InventorySchemas.RequireRatiosInRange([(body, "", "")])).Message;
        Assert.Equal(
            "JSON does not validate: 3.40282e+39 is greater than the maximum of 3.40282e+38\n\n"
            + "Failed validating 'maximum' in schema['properties']['allocation_ratio']:\n    {'maximum': 3.40282e+38, 'type': 'number'}\n\n"
            + "On instance['allocation_ratio']:\n    3.40282e+39",
            refusal);
    }

    [Fact]
    public void RatiosOfEveryInventoryAreChecked()
    {
        var body = JsonBody.Parse("""{"resource_provider_generation": 1, "inventories": {"VCPU": {"total": 1, "allocation_ratio": 16.0}, "DISK_GB": {"total": 1, "allocation_ratio": 4e39}}}""", InventorySchemas.ReplaceAll);
        var refusal = Assert.Throws<PlacementException>(() => InventorySchemas.RequireRatiosInRange(InventorySchemas.InventoriesOf(body))).Message;
        Assert.Contains("4e+39 is greater than the maximum of 3.40282e+38", refusal);
        Assert.Contains("On instance['inventories']['DISK_GB']['allocation_ratio']", refusal);
    }

    [Fact]
    public void TheLargestSinglePrecisionRatioIsAccepted()
    {
        var body = JsonBody.Parse("""{"resource_class": "DISK_GB", "total": 1, "allocation_ratio": 3.40282e+38}""", InventorySchemas.Create);
        InventorySchemas.RequireRatiosInRange([(body, "", "")]);
    }

    [Fact]
    public void CreateNeedsTotalButNoGeneration()
    {
        Assert.Contains("'total' is a required property", Refusal("""{"resource_class": "DISK_GB"}""", InventorySchemas.Create));
        JsonBody.Parse("""{"resource_class": "DISK_GB", "total": 1}""", InventorySchemas.Create);
    }

    [Fact]
    public void UpdateNeedsTheGeneration() =>
        Assert.Contains("'resource_provider_generation' is a required property", Refusal("""{"total": 1}""", InventorySchemas.UpdateOne));

    [Fact]
    public void UpdateRefusesUnknownFields() =>
        Assert.Contains("Additional properties are not allowed", Refusal("""{"resource_provider_generation": 1, "total": 1, "house": "red"}""", InventorySchemas.UpdateOne));

    [Fact]
    public void ReplaceAllChecksEachInventory() =>
        Assert.Contains("Failed validating 'maximum'",
            Refusal("""{"resource_provider_generation": 1, "inventories": {"DISK_GB": {"total": 2147483648}}}""", InventorySchemas.ReplaceAll));

    [Fact]
    public void ReplaceAllLeavesOddClassNamesToTheStore() =>
        JsonBody.Parse("""{"resource_provider_generation": 1, "inventories": {"house": {"total": 1}}}""", InventorySchemas.ReplaceAll);
}
