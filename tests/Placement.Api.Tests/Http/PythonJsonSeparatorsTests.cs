using System.Buffers;
using System.Text;
using System.Text.Json;
using Placement.Api.Http;

namespace Placement.Api.Tests.Http;

/// <summary>Bodies laid out as Python's json.dumps lays them out, as upstream's are.</summary>
public class PythonJsonSeparatorsTests
{
    [Fact]
    public void SeparatorsGetPythonsSpacesButStringsKeepTheirBytes()
    {
        var body = JsonResponse.Serialize(new Dictionary<string, object?>
        {
            ["name"] = "a, b: \"c, d\" \\, e:",
            ["list"] = new object?[] { 1, null, 2.5, new Dictionary<string, int>() },
            ["empty"] = Array.Empty<int>(),
        });

        Assert.Equal("""{"name": "a, b: \"c, d\" \\, e:", "list": [1, null, 2.5, {}], "empty": []}""", Encoding.UTF8.GetString(body.Span));
    }

    [Fact]
    public void AStringSplitAcrossWritesIsStillAString()
    {
        var output = new ArrayBufferWriter<byte>();
        var separators = new PythonJsonSeparators(output);
        foreach (var piece in new[] { "{\"a", ",b\\", "\"", "\":", "[1,\"x\\", "\\", "\",2]}" })
        {
            var bytes = Encoding.UTF8.GetBytes(piece);
            bytes.CopyTo(separators.GetSpan(bytes.Length));
            separators.Advance(bytes.Length);
        }

        Assert.Equal("""{"a,b\"": [1, "x\\", 2]}""", Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.Equal(3, JsonDocument.Parse(output.WrittenMemory).RootElement.GetProperty("a,b\"").GetArrayLength());
    }

    [Fact]
    public void ALargeBodyIsWrittenWhole()
    {
        var names = Enumerable.Range(0, 5000).Select(i => $"provider-{i}").ToArray();
        var body = JsonResponse.Serialize(new { names });

        var expected = "{\"names\": [" + string.Join(", ", names.Select(n => $"\"{n}\"")) + "]}";
        Assert.Equal(expected, Encoding.UTF8.GetString(body.Span));
    }
}
