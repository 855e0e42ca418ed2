using System.Buffers;

namespace Placement.Api.Http;

/// <summary>
/// Puts Python's json.dumps separators (<c>", "</c> and <c>": "</c>) into the compact JSON a
/// <see cref="System.Text.Json.Utf8JsonWriter"/> writes through it: upstream renders every body with
/// json.dumps, so with these ours are the same bytes. Works on a stream of writes (a string may span two).
/// </summary>
public sealed class PythonJsonSeparators(IBufferWriter<byte> output) : IBufferWriter<byte>
{
    private byte[] _buffer = new byte[4096];
    private bool _inString;
    private bool _escaped;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        if (sizeHint > _buffer.Length)
        {
            _buffer = new byte[Math.Max(sizeHint, _buffer.Length * 2)];
        }
        return _buffer;
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public void Advance(int count)
    {
        // At worst every byte is a separator and gains a space.
        var target = output.GetSpan(count * 2);
        var written = 0;
        var rest = _buffer.AsSpan(0, count);
        while (!rest.IsEmpty)
        {
            if (_escaped)
            {
                target[written++] = rest[0];
                rest = rest[1..];
                _escaped = false;
                continue;
            }
            // Runs without anything to look at are copied whole (vectorized search).
            var next = rest.IndexOfAny(_inString ? InString : OutsideStrings);
            var run = next < 0 ? rest : rest[..(next + 1)];
            run.CopyTo(target[written..]);
            written += run.Length;
            rest = rest[run.Length..];
            if (next < 0)
            {
                break;
            }
            switch (run[^1])
            {
                case (byte)'\\':
                    _escaped = true;
                    break;
                case (byte)'"':
                    _inString = !_inString;
                    break;
                default:
                    target[written++] = (byte)' ';
                    break;
            }
        }
        output.Advance(written);
    }

    private static readonly SearchValues<byte> InString = SearchValues.Create("\\\""u8);
    private static readonly SearchValues<byte> OutsideStrings = SearchValues.Create(",:\""u8);

    /// <summary>A whole body, written by <paramref name="write"/>, in Python's layout.</summary>
    public static ReadOnlyMemory<byte> Render(Action<IBufferWriter<byte>> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var body = new ArrayBufferWriter<byte>();
        write(new PythonJsonSeparators(body));
        return body.WrittenMemory;
    }
}
