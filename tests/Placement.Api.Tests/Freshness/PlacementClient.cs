using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Placement.Api.Tests.Freshness;

/// <summary>
/// The few Placement requests the freshness tests make, over HTTP to any server (ours or upstream's) at
/// microversion 1.39. Writes that need a provider's or consumer's generation read it first, so a writer never has
/// to track generations (allocations bump them too).
/// </summary>
internal sealed class PlacementClient(HttpClient http)
{
    public static HttpClient HttpClientFor(Uri address, HttpMessageHandler? handler = null)
    {
        var client = new HttpClient(handler ?? new SocketsHttpHandler()) { BaseAddress = address };
        client.DefaultRequestHeaders.Add("x-auth-token", "admin");
        client.DefaultRequestHeaders.Add("openstack-api-version", "placement 1.39");
        return client;
    }

    public async Task<string> CreateProviderAsync(string name, string? parentUuid = null, string? uuid = null)
    {
        var body = new JsonObject { ["name"] = name, ["parent_provider_uuid"] = parentUuid };
        if (uuid is not null)
        {
            body["uuid"] = uuid;
        }
        var created = await SucceedAsync(await http.PostAsync("/resource_providers", Json(body)), $"create provider {name}");
        return created!["uuid"]!.GetValue<string>();
    }

    public async Task DeleteProviderAsync(string uuid) =>
        await SucceedAsync(await http.DeleteAsync($"/resource_providers/{uuid}"), $"delete provider {uuid}");

    /// <summary>Moves the provider (and its subtree) under <paramref name="parentUuid"/>, or makes it a root for null.</summary>
    public async Task SetParentAsync(string uuid, string? parentUuid)
    {
        var provider = await GetAsync($"/resource_providers/{uuid}");
        var body = new JsonObject { ["name"] = provider["name"]!.GetValue<string>(), ["parent_provider_uuid"] = parentUuid };
        await SucceedAsync(await http.PutAsync($"/resource_providers/{uuid}", Json(body)), $"move provider {uuid}");
    }

    /// <summary>Replaces the provider's inventories with these totals.</summary>
    public async Task SetInventoriesAsync(string uuid, params (string ResourceClass, int Total)[] inventories)
    {
        var body = new JsonObject
        {
            ["resource_provider_generation"] = await GenerationAsync(uuid),
            ["inventories"] = new JsonObject(inventories.Select(i =>
                KeyValuePair.Create(i.ResourceClass, (JsonNode?)new JsonObject { ["total"] = i.Total }))),
        };
        await SucceedAsync(await http.PutAsync($"/resource_providers/{uuid}/inventories", Json(body)), $"set inventories of {uuid}");
    }

    public async Task SetTraitsAsync(string uuid, IEnumerable<string> traits)
    {
        var body = new JsonObject
        {
            ["resource_provider_generation"] = await GenerationAsync(uuid),
            ["traits"] = new JsonArray([.. traits.Select(t => (JsonNode)t)]),
        };
        await SucceedAsync(await http.PutAsync($"/resource_providers/{uuid}/traits", Json(body)), $"set traits of {uuid}");
    }

    public async Task SetAggregatesAsync(string uuid, IEnumerable<string> aggregates)
    {
        var body = new JsonObject
        {
            ["resource_provider_generation"] = await GenerationAsync(uuid),
            ["aggregates"] = new JsonArray([.. aggregates.Select(a => (JsonNode)a)]),
        };
        await SucceedAsync(await http.PutAsync($"/resource_providers/{uuid}/aggregates", Json(body)), $"set aggregates of {uuid}");
    }

    public async Task CreateTraitAsync(string name) =>
        await SucceedAsync(await http.PutAsync($"/traits/{name}", null), $"create trait {name}");

    public async Task DeleteTraitAsync(string name) =>
        await SucceedAsync(await http.DeleteAsync($"/traits/{name}"), $"delete trait {name}");

    public async Task CreateResourceClassAsync(string name) =>
        await SucceedAsync(await http.PutAsync($"/resource_classes/{name}", null), $"create resource class {name}");

    public async Task DeleteResourceClassAsync(string name) =>
        await SucceedAsync(await http.DeleteAsync($"/resource_classes/{name}"), $"delete resource class {name}");

    /// <summary>Replaces the consumer's allocations with <paramref name="used"/> of <paramref name="resourceClass"/> on one provider.</summary>
    public async Task AllocateAsync(string consumer, string providerUuid, string resourceClass, int used)
    {
        var current = await GetAsync($"/allocations/{consumer}");
        var body = new JsonObject
        {
            ["allocations"] = new JsonObject { [providerUuid] = new JsonObject { ["resources"] = new JsonObject { [resourceClass] = used } } },
            ["project_id"] = "freshness-project",
            ["user_id"] = "freshness-user",
            ["consumer_type"] = "INSTANCE",
            // Absent while the consumer has no allocations (upstream then holds no consumer record).
            ["consumer_generation"] = current["consumer_generation"]?.DeepClone(),
        };
        await SucceedAsync(await http.PutAsync($"/allocations/{consumer}", Json(body)), $"allocate for {consumer}");
    }

    public async Task DeleteAllocationsAsync(string consumer) =>
        await SucceedAsync(await http.DeleteAsync($"/allocations/{consumer}"), $"delete allocations of {consumer}");

    public async Task<Answer> CandidatesAsync(string query) => await AnswerAsync($"/allocation_candidates?{query}");

    public async Task<Answer> ProvidersAsync(string query) => await AnswerAsync($"/resource_providers?{query}");

    private async Task<Answer> AnswerAsync(string path)
    {
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return new Answer(200, body!, null);
        }
        // webob's detail: the status's explanation, then the message.
        var detail = body?["errors"]?[0]?["detail"]?.GetValue<string>() ?? "";
        return new Answer((int)response.StatusCode, null, detail.Split("\n\n", 2)[^1].Trim());
    }

    /// <summary>
    /// A body with its length: wsgiref, which serves upstream here, cannot read the chunked bodies that
    /// System.Net.Http.Json sends.
    /// </summary>
    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private async Task<int> GenerationAsync(string uuid) =>
        (await GetAsync($"/resource_providers/{uuid}"))["generation"]!.GetValue<int>();

    private async Task<JsonObject> GetAsync(string path) =>
        (await SucceedAsync(await http.GetAsync(path), $"GET {path}"))!;

    private static async Task<JsonObject?> SucceedAsync(HttpResponseMessage response, string what)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {text}");
            }
            return text.Length == 0 ? null : JsonNode.Parse(text)!.AsObject();
        }
    }
}

/// <summary>An answer to a GET: its JSON body when 200, else the status and the error's message.</summary>
internal sealed record Answer(int Status, JsonObject? Body, string? Error)
{
    /// <summary>
    /// /allocation_candidates: each allocation request as the names of its providers joined by "+", sorted;
    /// /resource_providers: the providers' names, sorted; an error as "STATUS: message".
    /// </summary>
    public string Describe(IReadOnlyDictionary<string, string> names)
    {
        if (Body is null)
        {
            return $"{Status}: {Error}";
        }
        var items = Body["allocation_requests"] is JsonArray requests
            ? requests.Select(r => string.Join("+", r!["allocations"]!.AsObject().Select(a => NameOf(a.Key, names)).Order(StringComparer.Ordinal)))
            : Body["resource_providers"]!.AsArray().Select(p => NameOf(p!["uuid"]!.GetValue<string>(), names));
        return Candidates(items);
    }

    /// <summary>
    /// A 200 answer of /allocation_candidates asked for one class on single providers: each candidate as
    /// "NAME CAPACITY/USED" of that class, from the provider summaries.
    /// </summary>
    public IEnumerable<string> CandidatesWithUsage(IReadOnlyDictionary<string, string> names, string resourceClass)
    {
        var summaries = Body!["provider_summaries"]!.AsObject();
        return Body["allocation_requests"]!.AsArray().Select(r => string.Join("+", r!["allocations"]!.AsObject().Select(a =>
        {
            var usage = summaries[a.Key]!["resources"]![resourceClass]!;
            return $"{NameOf(a.Key, names)} {usage["capacity"]}/{usage["used"]}";
        })));
    }

    /// <summary>How <see cref="Describe"/> writes a list of candidates or providers.</summary>
    public static string Candidates(IEnumerable<string> items) => $"[{string.Join(", ", items.Order(StringComparer.Ordinal))}]";

    private static string NameOf(string uuid, IReadOnlyDictionary<string, string> names) => names.GetValueOrDefault(uuid, $"unknown {uuid}");
}
