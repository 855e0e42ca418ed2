using System.Text;
using Placement.Api.Hosting;

namespace Placement.Api.Tests.Hosting;

public class InvalidContentLengthRewriterTests
{
    /// <summary>Feeds the bytes in chunks of <paramref name="chunk"/> as a connection would receive them.</summary>
    private static string Run(string input, int chunk)
    {
        var framer = new InvalidContentLengthRewriter.RequestFramer();
        var output = new StringBuilder();
        var bytes = Encoding.ASCII.GetBytes(input);
        for (var i = 0; i < bytes.Length; i += chunk)
        {
            output.Append(Encoding.ASCII.GetString(framer.Push(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)))));
        }
        return output.Append(Encoding.ASCII.GetString(framer.Flush())).ToString();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1000)]
    public void RenamesANonNumericContentLengthAndClosesTheConnection(int chunk)
    {
        var request = "POST /resource_providers HTTP/1.1\r\nHost: x\r\nContent-Length: hi mom\r\ncontent-type: application/json\r\n\r\n{}";
        Assert.Equal(
            "POST /resource_providers HTTP/1.1\r\nHost: x\r\nx-placement-invalid-content-length: hi mom\r\nconnection: close\r\ncontent-type: application/json\r\n\r\n{}",
            Run(request, chunk));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(1000)]
    public void LeavesValidRequestsByteForByte(int chunk)
    {
        // The body of the first request looks like a bad header line; it is a body, so it stays.
        var requests = "PUT /a HTTP/1.1\r\nContent-Length: 24\r\n\r\n\r\ncontent-length: nope\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n";
        Assert.Equal(requests, Run(requests, chunk));
    }

    [Fact]
    public void PassesACompleteHeadOnAtOnce()
    {
        var framer = new InvalidContentLengthRewriter.RequestFramer();
        var head = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        Assert.Equal(head, Encoding.ASCII.GetString(framer.Push(Encoding.ASCII.GetBytes(head))));
    }

    [Fact]
    public void ChunkedBodiesPassThroughUntouched()
    {
        var requests = "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\nGET / HTTP/1.1\r\ncontent-length: x\r\n\r\n";
        Assert.Equal(requests, Run(requests, 4));
    }
}
