using Placement.Api.Allocations;
using Placement.Api.Http;

namespace Placement.Api.Tests.Allocations;

/// <summary>Bodies the allocation routes refuse, with the first line of upstream's message (Python jsonschema's best match).</summary>
public class AllocationSchemasTests
{
    [Theory]
    [InlineData("1.0", """{"allocations": [{"resource_provider": {"uuid": "6de0ba91-c173-4461-9502-4880a6a82422"}, "resources": {"DISK_GB": 0}}]}""",
        "0 is less than the minimum of 1", "minimum")]
    [InlineData("1.0", """{"allocations": [{"resource_provider": {"uuid": "6de0ba91-c173-4461-9502-4880a6a82422"}}]}""",
        "'resources' is a required property", "required")]
    [InlineData("1.0", """{"allocations": [{"resources": {"DISK_GB": 10}}]}""",
        "'resource_provider' is a required property", "required")]
    [InlineData("1.0", """{"allocations": [{"resource_provider": {"uuid": "6de0ba91-c173-4461-9502-4880a6a82422"}, "resources": {"cow": 10}}]}""",
        "'cow' does not match any of the regexes: '^[A-Z0-9_]+$'", "additionalProperties")]
    [InlineData("1.0", """{"allocations": []}""", "[] is too short", "minItems")]
    [InlineData("1.8", """{"allocations": [{"resource_provider": {"uuid": "6de0ba91-c173-4461-9502-4880a6a82422"}, "resources": {"DISK_GB": 10}}], "user_id": "u"}""",
        "'project_id' is a required property", "required")]
    [InlineData("1.8", """{"allocations": [{"resource_provider": {"uuid": "6de0ba91-c173-4461-9502-4880a6a82422"}, "resources": {"DISK_GB": 10}}], "project_id": "", "user_id": "u"}""",
        "'' is too short", "minLength")]
    [InlineData("1.12", """{"allocations": {"nice_house_friend": {"resources": {"VCPU": 1}}}, "project_id": "a", "user_id": "b"}""",
        "'nice_house_friend' does not match any of the regexes: '^[0-9a-fA-F-]{36}$'", "additionalProperties")]
    [InlineData("1.12", """{"allocations": {"6de0ba91-c173-4461-9502-4880a6a82422": {"resources": {"vcpu": 1, "DISK_GB": 20}}}, "project_id": "a", "user_id": "b"}""",
        "'vcpu' does not match any of the regexes: '^[A-Z0-9_]+$'", "additionalProperties")]
    [InlineData("1.12", """{"allocations": {"6de0ba91-c173-4461-9502-4880a6a82422": {"resources": {}}}, "project_id": "a", "user_id": "b"}""",
        "{} does not have enough properties", "minProperties")]
    [InlineData("1.12", """{"allocations": {}, "project_id": "a", "user_id": "b"}""",
        "{} does not have enough properties", "minProperties")]
    [InlineData("1.28", """{"allocations": {}, "project_id": "a", "user_id": "b"}""",
        "'consumer_generation' is a required property", "required")]
    public void PutRefusesWithUpstreamsMessage(string version, string body, string message, string keyword)
    {
        var error = Assert.Throws<PlacementException>(() => JsonBody.Parse(body, AllocationSchemas.ForPut(Microversion.Parse(version))));

        Assert.StartsWith($"JSON does not validate: {message}\n", error.Message);
        Assert.Contains($"Failed validating '{keyword}' in schema", error.Message);
    }

    [Theory]
    [InlineData("1.13", """{"6de0ba91-c173-4461-9502-4880a6a82422": {"allocations": {"6de0ba91-c173-4461-9502-4880a6a82422": {"cow": "moo"}}, "project_id": "a", "user_id": "b"}}""",
        "'resources' is a required property", "required")]
    [InlineData("1.28", """{"6de0ba91-c173-4461-9502-4880a6a82422": {"allocations": {}, "project_id": "a", "user_id": "b"}}""",
        "'consumer_generation' is a required property", "required")]
    [InlineData("1.38", """{"6de0ba91-c173-4461-9502-4880a6a82422": {"allocations": {}, "project_id": "a", "user_id": "b", "consumer_generation": null}}""",
        "'consumer_type' is a required property", "required")]
    [InlineData("1.13", "{}", "{} does not have enough properties", "minProperties")]
    public void PostRefusesWithUpstreamsMessage(string version, string body, string message, string keyword)
    {
        var error = Assert.Throws<PlacementException>(() => JsonBody.Parse(body, AllocationSchemas.ForPost(Microversion.Parse(version))));

        Assert.StartsWith($"JSON does not validate: {message}\n", error.Message);
        Assert.Contains($"Failed validating '{keyword}' in schema", error.Message);
    }

    [Theory]
    [InlineData("1.28", """{"allocations": {}, "project_id": "a", "user_id": "b", "consumer_generation": null}""")]
    [InlineData("1.34", """{"allocations": {"6de0ba91-c173-4461-9502-4880a6a82422": {"resources": {"VCPU": 1}, "generation": 3}}, "project_id": "a", "user_id": "b", "consumer_generation": 1, "mappings": {"_NET": ["6de0ba91-c173-4461-9502-4880a6a82422"]}}""")]
    [InlineData("1.38", """{"allocations": {}, "project_id": "a", "user_id": "b", "consumer_generation": null, "consumer_type": "INSTANCE"}""")]
    public void PutAcceptsEachMicroversionsBody(string version, string body) =>
        Assert.NotNull(JsonBody.Parse(body, AllocationSchemas.ForPut(Microversion.Parse(version))));
}
