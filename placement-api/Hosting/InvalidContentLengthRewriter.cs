using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;

namespace Placement.Api.Hosting;

/// <summary>
/// Kestrel answers a request whose Content-Length is not a number with an empty 400 before any
/// middleware runs, and that cannot be customised. Upstream answers with its JSON error
/// ("content-length header must be an integer"). This connection adapter renames such a header
/// to <see cref="MarkerHeader"/> and adds <c>connection: close</c> (the body length is unknown, so
/// the connection cannot be reused); <see cref="Http.RequestChecks"/> then gives upstream's answer.
/// </summary>
public static class InvalidContentLengthRewriter
{
    public const string MarkerHeader = "x-placement-invalid-content-length";

    /// <summary>Kestrel connection middleware: the application reads the rewritten request bytes.</summary>
    public static ConnectionDelegate Middleware(ConnectionDelegate next) => async connection =>
    {
        var original = connection.Transport;
        var rewritten = new Pipe();
        connection.Transport = new DuplexPipe(rewritten.Reader, original.Output);
        var pump = PumpAsync(original.Input, rewritten.Writer);
        try
        {
            await next(connection);
        }
        finally
        {
            connection.Transport = original;
            await rewritten.Reader.CompleteAsync();
            original.Input.CancelPendingRead();
            await pump;
        }
    };

    private static async Task PumpAsync(PipeReader input, PipeWriter output)
    {
        var framer = new RequestFramer();
        try
        {
            while (true)
            {
                var result = await input.ReadAsync();
                if (result.IsCanceled)
                {
                    break;
                }
                var ready = new List<byte>();
                foreach (var segment in result.Buffer)
                {
                    ready.AddRange(framer.Push(segment.Span));
                }
                input.AdvanceTo(result.Buffer.End);
                if (ready.Count > 0 && (await output.WriteAsync(ready.ToArray())).IsCompleted)
                {
                    break;
                }
                if (result.IsCompleted)
                {
                    await output.WriteAsync(framer.Flush());
                    break;
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ConnectionResetException)
        {
            // The client went away; the application sees the end of the input.
        }
        await input.CompleteAsync();
        await output.CompleteAsync();
    }

    /// <summary>
    /// Follows HTTP/1.1 message framing just enough to know where request heads are: a head is held
    /// until complete (the client is still sending it), rewritten, and passed on; a body of known
    /// length passes untouched. After anything it cannot frame (chunked bodies, a rewritten head,
    /// which closes the connection) the rest of the connection passes untouched.
    /// </summary>
    public sealed class RequestFramer
    {
        private readonly List<byte> _head = [];
        private long _bodyLeft;
        private bool _passThrough;

        public byte[] Push(ReadOnlySpan<byte> data)
        {
            var output = new List<byte>(data.Length + 64);
            var i = 0;
            while (i < data.Length)
            {
                if (_passThrough)
                {
                    output.AddRange(data[i..]);
                    break;
                }
                if (_bodyLeft > 0)
                {
                    var take = (int)Math.Min(_bodyLeft, data.Length - i);
                    output.AddRange(data.Slice(i, take));
                    _bodyLeft -= take;
                    i += take;
                    continue;
                }
                _head.Add(data[i++]);
                if (EndsWithBlankLine(_head))
                {
                    output.AddRange(CompleteHead());
                }
            }
            return [.. output];
        }

        /// <summary>What is held when the input ends (an incomplete head, passed on as it is).</summary>
        public byte[] Flush()
        {
            var rest = _head.ToArray();
            _head.Clear();
            return rest;
        }

        private byte[] CompleteHead()
        {
            var text = Encoding.Latin1.GetString([.. _head]);
            _head.Clear();
            var lines = text.Split("\r\n");
            long? length = 0;
            for (var n = 1; n < lines.Length; n++)
            {
                var colon = lines[n].IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    continue;
                }
                var name = lines[n][..colon].Trim().ToLowerInvariant();
                var value = lines[n][(colon + 1)..].Trim();
                if (name == "content-length")
                {
                    if (!long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
                    {
                        lines[n] = $"{MarkerHeader}: {value}\r\nconnection: close";
                        length = null;
                        continue;
                    }
                    length = length is null ? null : parsed;
                }
                else if (name == "transfer-encoding")
                {
                    length = null;
                }
            }
            if (length is null)
            {
                _passThrough = true;
            }
            else
            {
                _bodyLeft = length.Value;
            }
            return Encoding.Latin1.GetBytes(string.Join("\r\n", lines));
        }

        private static bool EndsWithBlankLine(List<byte> head) =>
            head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n';
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
