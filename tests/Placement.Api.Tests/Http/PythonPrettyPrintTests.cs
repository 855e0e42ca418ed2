using Newtonsoft.Json.Linq;
using Placement.Api.Http;

namespace Placement.Api.Tests.Http;

/// <summary>pprint.pformat(value, width=72), as Python 3.11 prints these values (expected texts taken from it).</summary>
public class PythonPrettyPrintTests
{
    [Theory]
    [InlineData("""{"b": 1, "a": [true, null, 1.0, "it's"]}""", """{'a': [True, None, 1.0, "it's"], 'b': 1}""")]
    [InlineData("""{"minimum": 1, "type": "integer", "maximum": 2147483647}""", "{'maximum': 2147483647, 'minimum': 1, 'type': 'integer'}")]
    [InlineData("\"a\\\\b\\n\"", "'a\\\\b\\n'")]
    [InlineData(
        """{"properties": {"total": {"type": "integer", "maximum": 2147483647, "minimum": 1}, "reserved": {"type": "integer", "maximum": 2147483647, "minimum": 0}}, "required": ["total"]}""",
        "{'properties': {'reserved': {'maximum': 2147483647,\n"
        + "                             'minimum': 0,\n"
        + "                             'type': 'integer'},\n"
        + "                'total': {'maximum': 2147483647,\n"
        + "                          'minimum': 1,\n"
        + "                          'type': 'integer'}},\n"
        + " 'required': ['total']}")]
    [InlineData(
        """["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 2]""",
        "['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',\n 2]")]
    [InlineData(
        "\"one two three four five six seven eight nine ten eleven twelve thirteen fourteen\"",
        "('one two three four five six seven eight nine ten eleven twelve '\n 'thirteen fourteen')")]
    public void FormatsAsPython(string json, string expected) =>
        Assert.Equal(expected, PythonPrettyPrint.Format(JToken.Parse(json)));
}
