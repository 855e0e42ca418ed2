using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Placement.Differential;

internal sealed record Settings(
    int Seeds, int FirstSeed, int Steps, string UpstreamCommand, string OursCommand, string UpstreamVersion,
    string WorkDirectory, bool Verbose, bool KeepGoing, string? StandardTraitsFile);

/// <summary>How a run ended, and how many of its steps differed without explanation.</summary>
internal sealed record Outcome(int Differences, bool EndedByKnownDifference);

/// <summary>One seed's run: fresh servers, the seed's calls sent to both, each pair of answers compared.</summary>
internal sealed class Runner(Settings settings)
{
    // What both servers get: noauth2 (the token "admin" is the admin), the schema made at start, and scope enforcement
    // off with the old defaults, as the gabbits' harness configures 8.0.0 (its rules are system-scoped; master's
    // project-scoped ones let the admin token through either way).
    private static readonly Dictionary<string, string> ServerEnvironment = new()
    {
        ["OS_API__AUTH_STRATEGY"] = "noauth2",
        ["OS_PLACEMENT_DATABASE__SYNC_ON_STARTUP"] = "True",
        ["OS_OSLO_POLICY__ENFORCE_SCOPE"] = "False",
        ["OS_OSLO_POLICY__ENFORCE_NEW_DEFAULTS"] = "False",
    };

    public async Task<Outcome> RunAsync(int seed)
    {
        var directory = Path.Combine(settings.WorkDirectory, "seed-" + seed.ToString(CultureInfo.InvariantCulture));
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
        Directory.CreateDirectory(directory);
        var clock = Stopwatch.StartNew();
        var starting = new[]
        {
            ServerProcess.StartAsync("upstream", settings.UpstreamCommand, ServerEnvironment, directory),
            ServerProcess.StartAsync("ours", settings.OursCommand, ServerEnvironment, directory),
        };
        try
        {
            await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var started in starting.Where(t => t.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }
            throw;
        }
        await using var upstreamServer = starting[0].Result;
        await using var oursServer = starting[1].Result;
        using var upstream = new Side("upstream " + settings.UpstreamVersion, upstreamServer.Address);
        using var ours = new Side("ours", oursServer.Address);
        var newerTraits = await NewerStandardTraitsAsync(upstream);
        var world = new World();
        var generator = new CallGenerator(new Random(seed), world);
        var tracePath = Path.Combine(directory, "trace.txt");
        await using var trace = new StreamWriter(tracePath);
        var differences = 0;
        for (var step = 1; step <= settings.Steps; step++)
        {
            var call = generator.Next();
            var upstreamAnswer = await upstream.SendAsync(call);
            var oursAnswer = await ours.SendAsync(call);
            if (call.CreatesProvider && upstreamAnswer.Headers.TryGetValue("location", out var upstreamLocation)
                && oursAnswer.Headers.TryGetValue("location", out var oursLocation))
            {
                var upstreamUuid = upstreamLocation[(upstreamLocation.LastIndexOf('/') + 1)..];
                var oursUuid = oursLocation[(oursLocation.LastIndexOf('/') + 1)..];
                // The body had no uuid (the generator left it out, or a malformed body lost it): each server made one.
                if (call.Body?.Contains(upstreamUuid, StringComparison.OrdinalIgnoreCase) != true && upstreamUuid != oursUuid)
                {
                    var alias = world.NextGeneratedAlias();
                    upstream.Alias(alias, upstreamUuid);
                    ours.Alias(alias, oursUuid);
                }
            }
            var reference = Reply.From(upstreamAnswer, upstream, call);
            var reply = WithoutTraits(Reply.From(oursAnswer, ours, call), call, newerTraits);
            await trace.WriteLineAsync($"{step}: {call}\n  upstream: {upstreamAnswer}\n  ours: {oursAnswer}\n");
            if (settings.Verbose)
            {
                Console.WriteLine($"seed {seed} step {step}: {call} -> {reference.Status} / {reply.Status}");
            }
            var verdict = await KnownDifferences.JudgeAsync(settings.UpstreamVersion, call, reference, reply, upstream);
            var difference = verdict is not null ? verdict.Difference : Reply.FirstDifference(reference, reply);
            if (difference is not null && verdict is null && call.CandidateLimit is not null)
            {
                difference = await LimitedCandidatesDifferenceAsync(call, reference, reply, upstream);
            }
            if (difference is not null)
            {
                differences++;
                if (differences == 1)
                {
                    Report(seed, step, call, difference, upstream, ours, upstreamAnswer, oursAnswer, tracePath);
                }
                else
                {
                    Console.WriteLine($"seed {seed}: step {step} differs: {difference}\n  request: {call}");
                }
                await trace.WriteLineAsync($"  differs: {difference}\n");
                // A write answered differently may have left the servers' states apart: what follows would only
                // repeat it.
                if (!settings.KeepGoing || verdict is not null || (call.Method != "GET" && reference.Status != reply.Status))
                {
                    Console.WriteLine($"seed {seed}: ended at step {step}; {clock.Elapsed.TotalSeconds:F1} s");
                    return new Outcome(differences, false);
                }
            }
            else if (verdict is not null)
            {
                var known = verdict.Known;
                await trace.WriteLineAsync($"  known difference: {known.Name} ({known.Reference})\n");
                if (known.EndsRun)
                {
                    Console.WriteLine(
                        $"seed {seed}: ended at step {step} by a known difference of {settings.UpstreamVersion}: {known.Name} " +
                        $"({known.Reference}); {clock.Elapsed.TotalSeconds:F1} s");
                    return new Outcome(differences, true);
                }
            }
            call.Learn?.Invoke(reference);
        }
        Console.WriteLine($"seed {seed}: {settings.Steps} steps, {differences} differing; {clock.Elapsed.TotalSeconds:F1} s");
        return new Outcome(differences, false);
    }

    /// <summary>
    /// The standard traits that only a newer os-traits than upstream's has. Upstream runs on Debian's os-traits (2.9.0);
    /// master requires os-traits 3.3.0 or later, whose traits our server has (listed in shared/reference). This is the
    /// one library whose version changes answers: Debian's os-resource-classes is the version master requires.
    /// </summary>
    private async Task<HashSet<string>> NewerStandardTraitsAsync(Side upstream)
    {
        if (settings.StandardTraitsFile is null || !File.Exists(settings.StandardTraitsFile))
        {
            return [];
        }
        var read = new Call { Method = "GET", Target = "/traits", Microversion = "placement 1.6" };
        var known = Reply.From(await upstream.SendAsync(read), upstream, read).Json?["traits"]?.AsArray()
            .Select(t => (string)t!).ToHashSet() ?? [];
        return [.. (await File.ReadAllLinesAsync(settings.StandardTraitsFile)).Where(t => t.Length > 0 && !known.Contains(t))];
    }

    /// <summary>Our answer to GET /traits without the traits that upstream's older os-traits cannot know.</summary>
    private static Reply WithoutTraits(Reply reply, Call call, HashSet<string> newerTraits)
    {
        if (newerTraits.Count == 0 || call.Method != "GET" || !call.Target.StartsWith("/traits?", StringComparison.Ordinal) && call.Target != "/traits"
            || reply.Json?["traits"] is not JsonArray traits)
        {
            return reply;
        }
        var json = reply.Json.DeepClone();
        json["traits"] = new JsonArray([.. traits.Where(t => !newerTraits.Contains((string)t!)).Select(t => t!.DeepClone())]);
        return reply with { Json = json };
    }

    private static void Report(
        int seed, int step, Call call, string difference, Side upstream, Side ours, Answer upstreamAnswer, Answer oursAnswer,
        string tracePath)
    {
        Console.WriteLine($"""
            seed {seed}: step {step} differs: {difference}
              request to {upstream.Name}: {Rendered(call, upstream)}
              request to {ours.Name}: {Rendered(call, ours)}
              {upstream.Name} answered: {upstreamAnswer}
              {ours.Name} answered: {oursAnswer}
              every step so far: {tracePath}
            """);
    }

    private static string Rendered(Call call, Side side) => side.Render(call.ToString());

    /// <summary>
    /// With 'limit', which candidates are returned is the server's choice: upstream takes the first ones of a Python set
    /// (hash order), ours the first ones in tree order. Both answers must hold 'limit' candidates (or all of them) taken
    /// from the reference's answer without 'limit', with exactly the summaries of the providers in the chosen
    /// candidates' trees, each as in that answer (upstream's limit_results).
    /// </summary>
    private static async Task<string?> LimitedCandidatesDifferenceAsync(Call call, Reply reference, Reply ours, Side upstream)
    {
        if (reference.Status != 200 || ours.Status != 200 || reference.Json is null || ours.Json is null)
        {
            return Reply.FirstDifference(reference, ours);
        }
        var headers = Reply.FirstDifference(reference with { Json = null, Text = "" }, ours with { Json = null, Text = "" });
        if (headers is not null)
        {
            return headers;
        }
        var unlimitedAnswer = await upstream.SendAsync(call with { Target = call.UnlimitedTarget!, CandidateLimit = null });
        var unlimited = Reply.From(unlimitedAnswer, upstream, call).Json;
        var providers = await upstream.SendAsync(new Call { Method = "GET", Target = "/resource_providers", Microversion = "placement 1.14" });
        var roots = new Dictionary<string, string>();
        foreach (var provider in Reply.From(providers, upstream, call).Json?["resource_providers"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            roots[(string)provider["uuid"]!] = (string)provider["root_provider_uuid"]!;
        }
        if (unlimited?["allocation_requests"] is not JsonArray all || unlimited["provider_summaries"] is not JsonObject summaries)
        {
            return "the same query without limit did not answer candidates";
        }
        var candidates = all.Select(c => c!.ToJsonString()).ToHashSet();
        foreach (var (who, reply) in new[] { ("upstream", reference), ("ours", ours) })
        {
            var chosen = reply.Json!["allocation_requests"]!.AsArray();
            if (chosen.Count != Math.Min(call.CandidateLimit!.Value, all.Count))
            {
                return $"{who}: {chosen.Count} candidates for limit {call.CandidateLimit} of {all.Count}";
            }
            var chosenRoots = new HashSet<string>();
            foreach (var candidate in chosen)
            {
                if (!candidates.Contains(candidate!.ToJsonString()))
                {
                    return $"{who}: candidate {candidate.ToJsonString()} is not an answer without limit";
                }
                var allocations = candidate["allocations"]!;
                var uuids = allocations is JsonObject byProvider
                    ? byProvider.Select(p => p.Key)
                    : allocations.AsArray().Select(a => (string)a!["resource_provider"]!["uuid"]!);
                chosenRoots.UnionWith(uuids.Select(u => roots.GetValueOrDefault(u, u)));
            }
            var expected = new JsonObject(summaries
                .Where(s => chosen.Count == all.Count || chosenRoots.Contains(roots.GetValueOrDefault(s.Key, s.Key)))
                .Select(s => KeyValuePair.Create(s.Key, s.Value?.DeepClone())));
            var difference = Reply.JsonDifference(expected, reply.Json["provider_summaries"], "$.provider_summaries");
            if (difference is not null)
            {
                return $"{who}: {difference}";
            }
        }
        return null;
    }
}
