using System.Diagnostics;

namespace Placement.Api.Tests.Cli;

/// <summary>The <c>./placement</c> launcher, run against a stand-in tree whose build fails.</summary>
public sealed class LauncherTests : IDisposable
{
    private readonly DirectoryInfo _tree = Directory.CreateTempSubdirectory("placement-launcher-");

    public void Dispose() => _tree.Delete(recursive: true);

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task AFailedBuildSaysWhyOnStandardError()
    {
        var launcher = Path.Combine(_tree.FullName, "placement");
        File.Copy(Path.Combine(RepositoryRoot(), "placement"), launcher);
        Directory.CreateDirectory(Path.Combine(_tree.FullName, "placement-api"));
        foreach (var file in new[] { "placement-api/Program.cs", "Directory.Build.props", "Directory.Packages.props" })
        {
            await File.WriteAllTextAsync(Path.Combine(_tree.FullName, file), "");
        }
        // A dotnet whose build fails as a compile error does.
        var bin = Directory.CreateDirectory(Path.Combine(_tree.FullName, "bin")).FullName;
        var dotnet = Path.Combine(bin, "dotnet");
        await File.WriteAllTextAsync(dotnet, "#!/bin/sh\necho 'Program.cs(1,1): error CS0116: stand-in' >&2\nexit 1\n");
        File.SetUnixFileMode(dotnet, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var start = new ProcessStartInfo("bash", [launcher, "db", "version"]) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}";
        using var process = Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("building placement-api", errors, StringComparison.Ordinal);
        Assert.Contains("error CS0116: stand-in", errors, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory!.FullName, "Placement.slnx")))
        {
            directory = directory.Parent;
        }
        return directory.FullName;
    }
}
