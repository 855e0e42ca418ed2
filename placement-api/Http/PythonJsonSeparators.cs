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
        foreach (var b in _buffer.AsSpan(0, count))
        {
            target[written++] = b;
            if (_inString)
            {
                if (_escaped)
                {
                    _escaped = false;
                }
                else if (b == (byte)'\\')
                {
                    _escaped = true;
                }
                else if (b == (byte)'"')
                {
                    _inString = false;
                }
            }
            else if (b == (byte)'"')
            {
                _inString = true;
            }
            else if (b is (byte)',' or (byte)':')
            {
                target[written++] = (byte)' ';
            }
        }
        output.Advance(written);
    }

    /// <summary>A whole body, written by <paramref name="write"/>, in Python's layout.</summary>
    public static ReadOnlyMemory<byte> Render(Action<IBufferWriter<byte>> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var body = new ArrayBufferWriter<byte>();
        write(new PythonJsonSeparators(body));
        return body.WrittenMemory;
    }
}
