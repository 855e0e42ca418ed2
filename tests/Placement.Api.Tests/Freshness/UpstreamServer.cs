using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Placement.Api.Tests.Freshness;

/// <summary>
/// Upstream Placement (Debian's python3-placement under /usr/bin/python3) serving HTTP with the standard library's
/// wsgiref on a database given by its SQLAlchemy URL, as a separate process. It never syncs: our schema is at upstream
/// master's head, which Debian's 8.0.0 does not know, and upstream's start would refuse to go on from there.
/// </summary>
internal sealed class UpstreamServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _configDirectory;

    private UpstreamServer(Process process, string configDirectory, HttpClient client)
    {
        _process = process;
        _configDirectory = configDirectory;
        Client = client;
    }

    public HttpClient Client { get; }

    private const string ListeningOn = "listening on port ";

    // Binds port 0 and says which port it got, so that tests running side by side never race for one (upstream logs on
    // stdout too). wsgiref makes up "Content-Type: text/plain" for requests that have none, which upstream would answer
    // differently: take it out.
    private const string Script = """
        from wsgiref import simple_server
        from placement import wsgi


        class Handler(simple_server.WSGIRequestHandler):
            def get_environ(self):
                environ = super().get_environ()
                if self.headers.get('content-type') is None:
                    environ.pop('CONTENT_TYPE', None)
                return environ

            def log_message(self, format, *args):
                pass


        server = simple_server.make_server('127.0.0.1', 0, wsgi.init_application(), handler_class=Handler)
        print('listening on port', server.server_port, flush=True)
        server.serve_forever()
        """;

    public static async Task<UpstreamServer> StartAsync(string databaseUrl)
    {
        // No placement.conf of the machine's may change what upstream does: an empty one of our own.
        var configDirectory = Directory.CreateTempSubdirectory("upstream-placement-conf-").FullName;
        await File.WriteAllTextAsync(Path.Combine(configDirectory, "placement.conf"), "");
        var start = new ProcessStartInfo("/usr/bin/python3", ["-c", Script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["OS_PLACEMENT_CONFIG_DIR"] = configDirectory,
                ["OS_API__AUTH_STRATEGY"] = "noauth2",
                ["OS_PLACEMENT_DATABASE__CONNECTION"] = databaseUrl,
                ["OS_PLACEMENT_DATABASE__SYNC_ON_STARTUP"] = "False",
            },
        };
        var process = Process.Start(start)!;
        var log = new StringBuilder();
        var port = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Read(DataReceivedEventArgs line)
        {
            if (line.Data is null)
            {
                lock (log)
                {
                    port.TrySetException(new InvalidOperationException($"upstream Placement ended before it listened:\n{log}"));
                }
                return;
            }
            lock (log)
            {
                log.AppendLine(line.Data);
            }
            if (line.Data.StartsWith(ListeningOn, StringComparison.Ordinal))
            {
                port.TrySetResult(int.Parse(line.Data[ListeningOn.Length..], CultureInfo.InvariantCulture));
            }
        }
        // Both streams are read to their end, so that upstream never blocks on a full pipe.
        process.OutputDataReceived += (_, line) => Read(line);
        process.ErrorDataReceived += (_, line) => Read(line);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        int listening;
        try
        {
            listening = await port.Task.WaitAsync(TimeSpan.FromMinutes(1));
        }
        catch
        {
            process.Kill();
            process.Dispose();
            Directory.Delete(configDirectory, recursive: true);
            throw;
        }
        // wsgiref ends each connection after one response, but HttpClient may pool it when the response came before the
        // connection's end, then send the next request on it and fail: a connection for each request.
        var client = PlacementClient.HttpClientFor(
            new Uri($"http://127.0.0.1:{listening}/"), new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero });
        return new UpstreamServer(process, configDirectory, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_configDirectory, recursive: true);
    }
}
