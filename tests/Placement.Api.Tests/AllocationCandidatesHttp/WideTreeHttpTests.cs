using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Placement.Api.Cli;
using Placement.Api.Configuration;
using Placement.Api.Database;
using Placement.Api.Hosting;

namespace Placement.Api.Tests.AllocationCandidatesHttp;

/// <summary>
/// Upstream master's wide-tree cases (TestWideTreeAllocationCandidateExplosion, bug 2126751) over HTTP against
/// the real service: computes with VCPU 8, MEMORY_MB 4096, DISK_GB 500 and PF children with CUSTOM_VF, asked for
/// DISK_GB:20, MEMORY_MB:2048, VCPU:2 plus G groups of CUSTOM_VF:1, group_policy=none. As upstream's test,
/// max_allocation_candidates is 100000 and the strategy breadth-first unless a case says otherwise.
/// </summary>
public sealed class WideTreeHttpTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("placement-widetree-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<(WebApplication App, HttpClient Client)> StartAsync(int max, string strategy, int timeLimit = 10)
    {
        var environment = new Dictionary<string, string>
        {
            ["OS_API__AUTH_STRATEGY"] = "noauth2",
            ["OS_PLACEMENT_DATABASE__CONNECTION"] = $"sqlite:///{Path.Combine(_directory, $"{Guid.NewGuid():N}.db")}",
            ["OS_PLACEMENT_DATABASE__SYNC_ON_STARTUP"] = "True",
            ["OS_PLACEMENT__MAX_ALLOCATION_CANDIDATES"] = max.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["OS_PLACEMENT__ALLOCATION_CANDIDATES_GENERATION_STRATEGY"] = strategy,
            ["OS_PLACEMENT__ALLOCATION_CANDIDATES_TIME_LIMIT"] = timeLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var settings = PlacementSettings.From(new OsloConfig(OsloConfig.FromEnvironment(environment)));
        var app = PlacementHost.Build(settings, DatabaseUrl.Parse(settings.DatabaseConnection), "127.0.0.1", 0);
        await DatabaseCommands.PrepareForServingAsync(settings, app.Services);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address) };
        client.DefaultRequestHeaders.Add("x-auth-token", "admin");
        client.DefaultRequestHeaders.Add("openstack-api-version", "placement 1.39");
        return (app, client);
    }

    private static async Task<string> CreateProvider(HttpClient client, string name, string? parent, Dictionary<string, int> inventory)
    {
        var created = await client.PostAsJsonAsync("/resource_providers", new { name, parent_provider_uuid = parent });
        created.EnsureSuccessStatusCode();
        var uuid = (await created.Content.ReadFromJsonAsync<JsonObject>())!["uuid"]!.GetValue<string>();
        var body = new JsonObject
        {
            ["resource_provider_generation"] = 0,
            ["inventories"] = new JsonObject(inventory.Select(i =>
                KeyValuePair.Create(i.Key, (JsonNode?)new JsonObject { ["total"] = i.Value }))),
        };
        (await client.PutAsJsonAsync($"/resource_providers/{uuid}/inventories", body)).EnsureSuccessStatusCode();
        return uuid;
    }

    /// <returns>The computes (root uuids) by name.</returns>
    private static async Task<Dictionary<string, string>> CreateWideTree(HttpClient client, int computes, int pfs, int vfsPerPf)
    {
        (await client.PutAsync("/resource_classes/CUSTOM_VF", null)).EnsureSuccessStatusCode();
        var roots = new Dictionary<string, string>();
        for (var i = 0; i < computes; i++)
        {
            var compute = await CreateProvider(client, $"compute{i}", null,
                new() { ["VCPU"] = 8, ["MEMORY_MB"] = 4096, ["DISK_GB"] = 500 });
            roots[compute] = $"compute{i}";
            for (var j = 0; j < pfs; j++)
            {
                await CreateProvider(client, $"compute{i}:PF{j}", compute, new() { ["CUSTOM_VF"] = vfsPerPf });
            }
        }
        return roots;
    }

    private static async Task<(int Candidates, int Computes)> Candidates(HttpClient client, Dictionary<string, string> roots, int groups, int limit)
    {
        var query = "resources=DISK_GB:20,MEMORY_MB:2048,VCPU:2&group_policy=none&limit=" + limit
            + string.Concat(Enumerable.Range(0, groups).Select(g => $"&resources{g}=CUSTOM_VF:1"));
        var response = await client.GetAsync($"/allocation_candidates?{query}");
        response.EnsureSuccessStatusCode();
        // Sent whole with its length, as upstream sends it (not chunked).
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        var requests = JsonNode.Parse(body)!["allocation_requests"]!.AsArray();
        var computes = requests
            .SelectMany(r => r!["allocations"]!.AsObject().Select(a => a.Key))
            .Where(roots.ContainsKey)
            .Distinct()
            .Count();
        return (requests.Count, computes);
    }

    [Theory]
    [InlineData(2, 1000, 100000, 128, 2)] // every candidate generated and returned
    [InlineData(4, 1000, 100000, 1000, 2)] // 1000 of 8192, balanced across both computes
    [InlineData(4, 9000, 8000, 8000, 2)] // the global cap below the limit wins
    [InlineData(4, 9000, -1, 8192, 2)] // unlimited: all of them
    public async Task TwoComputesOfEightPfsWithEightVfs(int groups, int limit, int max, int candidates, int computes)
    {
        var (app, client) = await StartAsync(max, "breadth-first");
        await using var _ = app;
        using var __ = client;
        var roots = await CreateWideTree(client, computes: 2, pfs: 8, vfsPerPf: 8);
        Assert.Equal((candidates, computes), await Candidates(client, roots, groups, limit));
    }

    [Theory]
    [InlineData("depth-first", 1)]
    [InlineData("breadth-first", 2)]
    public async Task SixGroupsCappedAtTheLimitComeFromOneOrBothComputes(string strategy, int computes)
    {
        var (app, client) = await StartAsync(100000, strategy);
        await using var _ = app;
        using var __ = client;
        var roots = await CreateWideTree(client, computes: 2, pfs: 8, vfsPerPf: 8);
        Assert.Equal((1000, computes), await Candidates(client, roots, groups: 6, limit: 1000));
    }

    [Fact]
    public async Task Bug2126751EightSingleVfPfsWithEightGroups()
    {
        var (app, client) = await StartAsync(1000, "depth-first");
        await using var _ = app;
        using var __ = client;
        var roots = await CreateWideTree(client, computes: 1, pfs: 8, vfsPerPf: 1);
        Assert.Equal((1000, 1), await Candidates(client, roots, groups: 8, limit: 1000));
    }

    /// <summary>
    /// A request that can have no answer, and whose search learns it only deep down (eleven isolated VF groups in one
    /// NUMA node's subtree, when each has ten single-VF PFs): past the time limit, it is told so, not answered empty.
    /// </summary>
    [Fact]
    public async Task ASearchThatFindsNothingBeforeTheTimeLimitIsRefusedNotAnsweredEmpty()
    {
        var (app, client) = await StartAsync(-1, "depth-first", timeLimit: 1);
        await using var _ = app;
        using var __ = client;
        (await client.PutAsync("/resource_classes/CUSTOM_VF", null)).EnsureSuccessStatusCode();
        var compute = await CreateProvider(client, "compute", null, new() { ["VCPU"] = 8 });
        for (var numa = 0; numa < 2; numa++)
        {
            var node = await CreateProvider(client, $"numa{numa}", compute, new() { ["VCPU"] = 8 });
            for (var pf = 0; pf < 10; pf++)
            {
                await CreateProvider(client, $"numa{numa}-pf{pf}", node, new() { ["CUSTOM_VF"] = 1 });
            }
        }
        var suffixes = Enumerable.Range(1, 11).Select(i => $"_VF{i}").ToList();
        var query = "resources=VCPU:1&group_policy=isolate&same_subtree=" + string.Join(",", suffixes)
            + string.Concat(suffixes.Select(s => $"&resources{s}=CUSTOM_VF:1"));

        var started = System.Diagnostics.Stopwatch.StartNew();
        var response = await client.GetAsync($"/allocation_candidates?{query}");

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("reached its time limit ([placement] allocation_candidates_time_limit = 1 s) before it found any",
            await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
    }
}
