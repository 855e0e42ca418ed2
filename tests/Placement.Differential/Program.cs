using System.CommandLine;
using Placement.Differential;

// The differential tester: our server and upstream Placement driven with the same seeded calls, answers compared.
// See README.md, "Tests".
var root = FindRepositoryRoot();
var shared = Environment.GetEnvironmentVariable("PLACEMENT_SHARED") ?? Path.Combine(root, "..", "shared");

var seeds = new Option<int>("--seeds") { Description = "How many runs (seeds)", DefaultValueFactory = _ => 10 };
var firstSeed = new Option<int>("--first-seed") { Description = "The first run's seed", DefaultValueFactory = _ => 1 };
var steps = new Option<int>("--steps") { Description = "Calls per run", DefaultValueFactory = _ => 200 };
var upstreamCommand = new Option<string>("--upstream-cmd")
{
    Description = "Shell command serving upstream Placement on {port} with the SQLite database {db}",
    DefaultValueFactory = _ => Path.GetFullPath(Path.Combine(shared, "conformance", "run-upstream-placement")) + " {port} {db}",
};
var oursCommand = new Option<string>("--ours-cmd")
{
    Description = "Shell command serving our Placement on {port} (the database URL is in OS_PLACEMENT_DATABASE__CONNECTION)",
    DefaultValueFactory = _ => Path.Combine(root, "placement") + " serve --host 127.0.0.1 --port {port}",
};
var upstreamVersion = new Option<string>("--upstream-version")
{
    Description = "What --upstream-cmd serves: 8.0.0 (its bugs fixed in master are compared the master way) or master",
    DefaultValueFactory = _ => "8.0.0",
};
upstreamVersion.AcceptOnlyFromAmong("8.0.0", "master");
var workDirectory = new Option<string>("--work-dir")
{
    Description = "Where each run's databases, server logs and trace go",
    DefaultValueFactory = _ => Path.Combine(root, "out", "differential"),
};
var verbose = new Option<bool>("--verbose") { Description = "Print every step" };
var keepGoing = new Option<bool>("--keep-going")
{
    Description = "Go on after a difference (learning from the reference's answer), printing each differing step",
};

var standardTraits = new Option<string>("--standard-traits")
{
    Description = "Master's standard traits, one a line: those upstream's os-traits lacks are not expected from it",
    DefaultValueFactory = _ => Path.GetFullPath(Path.Combine(shared, "reference", "standard-traits.txt")),
};
var command = new RootCommand("Compares our Placement with upstream's on seeded random calls")
{
    seeds, firstSeed, steps, upstreamCommand, oursCommand, upstreamVersion, workDirectory, verbose, keepGoing, standardTraits,
};
command.SetAction(async (parsed, _) =>
{
    var settings = new Settings(
        parsed.GetValue(seeds), parsed.GetValue(firstSeed), parsed.GetValue(steps), parsed.GetValue(upstreamCommand)!,
        parsed.GetValue(oursCommand)!, parsed.GetValue(upstreamVersion)!, Path.GetFullPath(parsed.GetValue(workDirectory)!),
        parsed.GetValue(verbose), parsed.GetValue(keepGoing), parsed.GetValue(standardTraits));
    var runner = new Runner(settings);
    int passed = 0, failed = 0, differences = 0, endedByKnown = 0;
    for (var seed = settings.FirstSeed; seed < settings.FirstSeed + settings.Seeds; seed++)
    {
        Outcome outcome;
        try
        {
            outcome = await runner.RunAsync(seed);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or IOException)
        {
            Console.WriteLine($"seed {seed}: failed: {e.Message}");
            outcome = new Outcome(1, false);
        }
        differences += outcome.Differences;
        endedByKnown += outcome.EndedByKnownDifference ? 1 : 0;
        if (outcome.Differences == 0)
        {
            passed++;
        }
        else
        {
            failed++;
        }
    }
    Console.WriteLine(
        $"{settings.Seeds} seeds x {settings.Steps} steps: {differences} differences" +
        (endedByKnown > 0 ? $" ({endedByKnown} runs ended early by a known difference of {settings.UpstreamVersion})" : ""));
    Console.WriteLine($"{passed} passed, {failed} failed");
    return failed == 0 ? 0 : 1;
});
return await command.Parse(args).InvokeAsync();

static string FindRepositoryRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "Placement.slnx")))
        {
            return directory.FullName;
        }
    }
    return Directory.GetCurrentDirectory();
}
