using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Placement.Differential;

/// <summary>
/// A Placement server started from a shell command on a free port and a new SQLite database, serving until disposed.
/// The command's "{port}" and "{db}" are replaced (as the conformance harness does), and the database URL is also
/// given in the environment, which both ./placement and run-upstream-placement read.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ServerProcess(Process process, StreamWriter log, Uri address, string logPath)
    {
        _process = process;
        _log = log;
        Address = address;
        LogPath = logPath;
    }

    public Uri Address { get; }

    public string LogPath { get; }

    public static async Task<ServerProcess> StartAsync(
        string name, string commandTemplate, IReadOnlyDictionary<string, string> environment, string directory)
    {
        var port = FreePort();
        var database = Path.Combine(directory, name + ".db");
        var logPath = Path.Combine(directory, name + ".log");
        var command = commandTemplate.Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{db}", database, StringComparison.Ordinal);
        var start = new ProcessStartInfo("/bin/sh", ["-c", command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        start.Environment["OS_PLACEMENT_DATABASE__CONNECTION"] = "sqlite:///" + database;
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(start)!;
        // Both streams are read to their end, so that a chatty server never blocks on a full pipe.
        void Append(string? line)
        {
            if (line is not null)
            {
                lock (log)
                {
                    log.WriteLine(line);
                }
            }
        }
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var address = new Uri($"http://127.0.0.1:{port}/");
        var server = new ServerProcess(process, log, address, logPath);
        try
        {
            await server.WaitUntilServingAsync(TimeSpan.FromSeconds(120));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    private async Task WaitUntilServingAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"'{_process.StartInfo.ArgumentList[1]}' exited with {_process.ExitCode} before serving; see {LogPath}");
            }
            try
            {
                using var response = await client.GetAsync(Address);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"'{_process.StartInfo.ArgumentList[1]}' did not serve within {timeout}; see {LogPath}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // The shell's children (dotnet, python) go too.
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }
}
