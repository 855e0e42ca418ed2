using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Placement.Api.Auth.Keystone;

/// <summary>
/// The token cache in memcached (<c>memcached_servers</c>), shared by all replicas, with keystonemiddleware's
/// keys and lifetime. Only <c>get</c> and <c>set</c> of memcached's text protocol are needed; no maintained
/// .NET memcached client (EnyimMemcachedCore and its forebears) is available from this project's package
/// source, so this speaks those two commands itself. A server that fails is skipped for
/// <c>memcache_pool_dead_retry</c>: an outage costs Keystone round trips, never errors.
/// </summary>
public sealed class MemcachedTokenCache(KeystoneSettings settings, TimeProvider clock, ILogger<MemcachedTokenCache> logger)
    : ITokenCache, IDisposable
{
    private readonly Server[] _servers = [.. settings.MemcachedServers.Select(address => new Server(address))];

    public async Task<string?> GetAsync(string token, CancellationToken cancellation)
    {
        var key = ITokenCache.Key(token);
        var value = await UseAsync(key, connection => connection.GetAsync(key), cancellation);
        return value is null ? null : Encoding.UTF8.GetString(value);
    }

    public Task SetAsync(string token, string body, CancellationToken cancellation)
    {
        if (settings.TokenCacheTime <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }
        var key = ITokenCache.Key(token);
        var seconds = (int)Math.Ceiling(settings.TokenCacheTime.TotalSeconds);
        return UseAsync(key, async connection =>
        {
            await connection.SetAsync(key, Encoding.UTF8.GetBytes(body), seconds);
            return null;
        }, cancellation);
    }

    /// <summary>Runs one command on the key's server with a pooled connection; any failure reads as a miss.</summary>
    private async Task<byte[]?> UseAsync(string key, Func<Connection, Task<byte[]?>> command, CancellationToken cancellation)
    {
        // The key ends in a hex digest: its first 32 bits pick the same server in every replica.
        var hash = uint.Parse(key.AsSpan(key.IndexOf('/') + 1, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var server = _servers[(int)(hash % (uint)_servers.Length)];
        if (server.DeadUntil > clock.GetUtcNow())
        {
            return null;
        }
        Connection? connection = null;
        try
        {
            connection = server.Idle.TryTake(out var idle) ? idle
                : await Connection.OpenAsync(server.Address, settings.MemcacheSocketTimeout, cancellation);
            var result = await command(connection);
            server.Idle.Add(connection);
            return result;
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or MemcachedProtocolException
                                  && !cancellation.IsCancellationRequested)
        {
            connection?.Dispose();
            server.DeadUntil = clock.GetUtcNow() + settings.MemcacheDeadRetry;
            logger.LogWarning("memcached server {Server} failed ({Error}); not used for {Seconds} s",
                server.Address, e.Message, settings.MemcacheDeadRetry.TotalSeconds);
            return null;
        }
    }

    public void Dispose()
    {
        foreach (var server in _servers)
        {
            while (server.Idle.TryTake(out var connection))
            {
                connection.Dispose();
            }
        }
    }

    private sealed class Server(string address)
    {
        public string Address { get; } = address;
        public ConcurrentBag<Connection> Idle { get; } = [];
        public DateTimeOffset DeadUntil { get; set; }
    }

    /// <summary>One TCP connection; every read and write is bounded by the socket timeout.</summary>
    private sealed class Connection(TcpClient client, TimeSpan timeout) : IDisposable
    {
        private readonly BufferedStream _stream = new(client.GetStream());

        public static async Task<Connection> OpenAsync(string address, TimeSpan timeout, CancellationToken cancellation)
        {
            var (host, port) = ParseAddress(address);
            var client = new TcpClient { NoDelay = true };
            try
            {
                using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                connectTimeout.CancelAfter(timeout);
                await client.ConnectAsync(host, port, connectTimeout.Token);
                return new Connection(client, timeout);
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }

        /// <summary><c>get key</c> → <c>VALUE key flags bytes</c>, the data, <c>END</c>; or just <c>END</c>.</summary>
        public async Task<byte[]?> GetAsync(string key)
        {
            using var deadline = new CancellationTokenSource(timeout);
            await WriteAsync(Encoding.ASCII.GetBytes($"get {key}\r\n"), deadline.Token);
            var header = await ReadLineAsync(deadline.Token);
            if (header == "END")
            {
                return null;
            }
            var parts = header.Split(' ');
            if (parts.Length < 4 || parts[0] != "VALUE"
                || !int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                throw new MemcachedProtocolException(header);
            }
            var data = new byte[length + 2];
            await _stream.ReadExactlyAsync(data, deadline.Token);
            var end = await ReadLineAsync(deadline.Token);
            if (end != "END")
            {
                throw new MemcachedProtocolException(end);
            }
            return data[..length];
        }

        /// <summary><c>set key 0 exptime bytes</c>, the data → <c>STORED</c>.</summary>
        public async Task SetAsync(string key, byte[] value, int seconds)
        {
            using var deadline = new CancellationTokenSource(timeout);
            await WriteAsync([.. Encoding.ASCII.GetBytes($"set {key} 0 {seconds} {value.Length}\r\n"), .. value, (byte)'\r', (byte)'\n'],
                deadline.Token);
            var answer = await ReadLineAsync(deadline.Token);
            if (answer != "STORED")
            {
                throw new MemcachedProtocolException(answer);
            }
        }

        private async Task WriteAsync(byte[] bytes, CancellationToken cancellation)
        {
            await _stream.WriteAsync(bytes, cancellation);
            await _stream.FlushAsync(cancellation);
        }

        private async Task<string> ReadLineAsync(CancellationToken cancellation)
        {
            var line = new List<byte>();
            var one = new byte[1];
            while (true)
            {
                await _stream.ReadExactlyAsync(one, cancellation);
                if (one[0] == '\n' && line.Count > 0 && line[^1] == '\r')
                {
                    return Encoding.ASCII.GetString([.. line[..^1]]);
                }
                line.Add(one[0]);
                if (line.Count > 1024)
                {
                    throw new MemcachedProtocolException("line too long");
                }
            }
        }

        private static (string Host, int Port) ParseAddress(string address)
        {
            var colon = address.LastIndexOf(':');
            return colon > 0 && int.TryParse(address[(colon + 1)..], CultureInfo.InvariantCulture, out var port)
                ? (address[..colon].Trim('[', ']'), port)
                : (address, 11211);
        }

        public void Dispose()
        {
            _stream.Dispose();
            client.Dispose();
        }
    }

    private sealed class MemcachedProtocolException(string answer) : Exception($"unexpected answer '{answer}'");
}
