using Placement.Api.Http;

namespace Placement.Api.Tests.Http;

/// <summary>Messages compared with Python's jsonschema on the same schema and instance.</summary>
public class SchemaErrorsTests
{
    private static readonly NJsonSchema.JsonSchema Nested = JsonBody.Schema("""
        {
            "type": "object",
            "properties": {
                "things": {
                    "type": "object",
                    "patternProperties": {
                        "^[A-Z]+$": {
                            "type": "object",
                            "properties": {"size": {"type": "integer", "minimum": 1}},
                            "additionalProperties": false
                        }
                    }
                }
            }
        }
        """);

    private static string[] Lines(string json, NJsonSchema.JsonSchema schema) =>
        Assert.Throws<PlacementException>(() => JsonBody.Parse(json, schema)).Message.Split('\n');

    [Fact]
    public void AFailureInsideAPatternPropertyIsReportedWhereItIs()
    {
        var lines = Lines("""{"things": {"BOX": {"size": 0}}}""", Nested);
        Assert.Equal("JSON does not validate: 0 is less than the minimum of 1", lines[0]);
        Assert.Equal("Failed validating 'minimum' in schema['properties']['things']['patternProperties']['^[A-Z]+$']['properties']['size']:", lines[2]);
        Assert.Equal("On instance['things']['BOX']['size']:", lines[5]);
    }

    [Fact]
    public void AnUnexpectedPropertyInsideAPatternPropertyIsNotAPatternMismatch()
    {
        var lines = Lines("""{"things": {"BOX": {"colour": "red"}}}""", Nested);
        // Python's jsonschema 4.10 prints the schema with pprint.pformat(width=72): sorted keys, one per line when too wide.
        Assert.Equal(
            [
                "JSON does not validate: Additional properties are not allowed ('colour' was unexpected)",
                "",
                "Failed validating 'additionalProperties' in schema['properties']['things']['patternProperties']['^[A-Z]+$']:",
                "    {'additionalProperties': False,",
                "     'properties': {'size': {'minimum': 1, 'type': 'integer'}},",
                "     'type': 'object'}",
                "",
                "On instance['things']['BOX']:",
                "    {'colour': 'red'}",
            ],
            lines);
    }

    [Fact]
    public void APropertyMatchingNoPatternIsAPatternMismatch()
    {
        var schema = JsonBody.Schema("""{"type": "object", "patternProperties": {"^[A-Z]+$": {"type": "integer"}}, "additionalProperties": false}""");
        var lines = Lines("""{"box": 1}""", schema);
        Assert.Equal("JSON does not validate: 'box' does not match any of the regexes: '^[A-Z]+$'", lines[0]);
        Assert.Equal("Failed validating 'additionalProperties' in schema:", lines[2]);
    }

    [Fact]
    public void OfDuplicatePropertiesTheLastWinsAsInPython()
    {
        var schema = JsonBody.Schema("""{"type": "object", "properties": {"size": {"type": "integer", "minimum": 1}}}""");
        var body = JsonBody.Parse("""{"size": 1, "size": 2, "nested": {"a": [1, {"b": 1, "b": null}]}}""", schema);
        Assert.Equal(2, body["size"]!.GetValue<int>());
        Assert.Null(body["nested"]!["a"]![1]!["b"]);
        Assert.Contains("0 is less than the minimum of 1", Lines("""{"size": 1, "size": 0}""", schema)[0]);
    }

    [Fact]
    public void AnIntegerBeyond64BitsIsABadRequest()
    {
        var schema = JsonBody.Schema("""{"type": "object", "properties": {"size": {"type": "integer", "maximum": 10}}}""");
        Assert.Equal(
            "JSON does not validate: an integer in the body is out of range",
            Assert.Throws<PlacementException>(() => JsonBody.Parse("""{"size": 100000000000000000000000}""", schema)).Message);
    }

    [Fact]
    public void AFailureInsideAnArrayItemIsReportedWhereItIs()
    {
        var schema = JsonBody.Schema("""
            {"type": "object", "properties": {"list": {"type": "array", "items": {"type": "object", "properties": {"uuid": {"type": "string", "format": "uuid"}}}}}}
            """);
        var lines = Lines("""{"list": [{"uuid": "harry"}]}""", schema);
        Assert.Equal("JSON does not validate: 'harry' is not a 'uuid'", lines[0]);
        Assert.Equal("Failed validating 'format' in schema['properties']['list']['items']['properties']['uuid']:", lines[2]);
        Assert.Equal("On instance['list'][0]['uuid']:", lines[5]);
    }
}
