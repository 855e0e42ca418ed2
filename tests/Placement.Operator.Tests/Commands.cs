using System.Diagnostics;

namespace Placement.Operator.Tests;

/// <summary>The machine's own tools, which some tests run where they are installed.</summary>
internal static class Commands
{
    public static bool Installed(string program) =>
        Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(d => File.Exists(Path.Combine(d, program)));

    /// <summary>Runs a program to its end: its exit code, its standard output, its standard error.</summary>
    public static (int ExitCode, string Output, string Errors) Run(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, errors);
    }
}
