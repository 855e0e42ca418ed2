using System.Globalization;
using System.Text.Json.Nodes;

namespace Placement.Differential;

/// <summary>
/// Makes a run's calls from its seed: mostly valid calls on what exists (uuids, generations and inventories learnt
/// from the reference's answers), with invalid ones mixed in: unknown objects, stale generations, bodies that break
/// the schema or are not JSON, and bad headers and microversions on any route.
/// </summary>
internal sealed class CallGenerator(Random random, World world)
{
    private const int LatestMinor = 39;

    private static readonly string[] StandardClasses = ["VCPU", "MEMORY_MB", "DISK_GB", "SRIOV_NET_VF", "IPV4_ADDRESS"];

    private static readonly string[] StandardTraits =
        ["HW_CPU_X86_AVX", "HW_CPU_X86_SSE", "HW_NIC_SRIOV", "STORAGE_DISK_SSD", "COMPUTE_VOLUME_MULTI_ATTACH"];

    private static readonly string[] CustomClassPool = ["CUSTOM_GOLD", "CUSTOM_SILVER", "CUSTOM_IRON_NFV", "CUSTOM_FPGA_X"];

    private static readonly string[] CustomTraitPool = ["CUSTOM_FAST", "CUSTOM_SLOW", "CUSTOM_RACK_1", "CUSTOM_PHYSNET_A"];

    private static readonly string[] OptionalInventoryFields = ["reserved", "min_unit", "max_unit", "step_size", "allocation_ratio"];

    private static readonly string[] Projects = ["project-a", "project-b", "2d1b9e3c4f5a"];

    private static readonly string[] Users = ["user-a", "user-b"];

    private static readonly string[] ConsumerTypes = ["INSTANCE", "MIGRATION", "BACKUP_1"];

    private readonly string[] _aggregates = [.. Enumerable.Range(0, 5).Select(_ => NewUuid(random))];

    private readonly string[] _consumers = [.. Enumerable.Range(0, 10).Select(_ => NewUuid(random))];

    public static string NewUuid(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return Convert.ToHexStringLower(bytes).Insert(20, "-").Insert(16, "-").Insert(12, "-").Insert(8, "-");
    }

    public Call Next()
    {
        var call = Pick(
            (10, CreateProvider),
            (4, ShowProvider),
            (4, ListProviders),
            (4, UpdateProvider),
            (2, DeleteProvider),
            (3, ShowInventories),
            (9, ReplaceInventories),
            (3, AddInventory),
            (2, ShowInventory),
            (5, UpdateInventory),
            (2, DeleteInventory),
            (1, DeleteInventories),
            (2, ProviderUsages),
            (2, TotalUsages),
            (2, ShowAggregates),
            (4, ReplaceAggregates),
            (2, ListTraits),
            (2, TraitCall),
            (2, ShowProviderTraits),
            (4, ReplaceProviderTraits),
            (1, DeleteProviderTraits),
            (2, ListResourceClasses),
            (4, ResourceClassCall),
            (3, ShowAllocations),
            (12, ReplaceAllocations),
            (4, PostAllocations),
            (2, DeleteAllocations),
            (2, ProviderAllocations),
            (3, Reshape),
            (14, Candidates),
            (1, Root),
            (2, Stray));
        return Decorate(call);
    }

    private Call Pick(params (int Weight, Func<Call> Make)[] choices)
    {
        var roll = random.Next(choices.Sum(c => c.Weight));
        foreach (var (weight, make) in choices)
        {
            if (roll < weight)
            {
                return make();
            }
            roll -= weight;
        }
        throw new InvalidOperationException("weights");
    }

    private bool Chance(double probability) => random.NextDouble() < probability;

    private T OneOf<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>A minor version where the call exists (rarely one below, where it does not).</summary>
    private int Minor(int least) => least > 0 && Chance(0.04) ? random.Next(least) : random.Next(least, LatestMinor + 1);

    private static string Version(int minor) => "placement 1." + minor.ToString(CultureInfo.InvariantCulture);

    private static string Json(JsonNode node) => node.ToJsonString();

    private static string Query(string value) => Uri.EscapeDataString(value);

    // ---- bad headers, microversions and bodies on any call ----

    private Call Decorate(Call call)
    {
        if (Chance(0.04))
        {
            call = call with
            {
                Microversion = OneOf<string?>([
                    null, "placement latest", "placement 1.40", "placement 2.0", "placement 1.", "placement abc",
                    "placement 0.9", "compute 2.1", "placement 1.020", "PLACEMENT 1.20", "placement 1.20, compute 2.1",
                    "placement  1.25", "placement 1.2.3", "placement -1.5", "placement 1.39 "]),
            };
        }
        if (Chance(0.03))
        {
            call = call with
            {
                Accept = OneOf<string?>([
                    null, "*/*", "text/html", "garbage", "application/json;q=0.5, text/html", "text/html;;q=x",
                    "application/*", "application/json; charset=utf-8", "text/plain, application/json;q=0"]),
            };
        }
        if (call.Body is not null && Chance(0.03))
        {
            call = call with
            {
                ContentType = OneOf<string?>([
                    null, "text/plain", "garbage", "application/json; charset=utf-8", "application/x-www-form-urlencoded",
                    "application/json;charset=UTF-8", "Application/JSON"]),
            };
        }
        if (Chance(0.02))
        {
            call = call with { Token = OneOf<string?>([null, "user1:project1", "demo", ""]) };
        }
        if (call.Body is not null && Chance(0.06))
        {
            call = call with { Body = Malform(call.Body) };
        }
        return call;
    }

    private string Malform(string body)
    {
        if (Chance(0.25))
        {
            return OneOf(["{", "", "null", "[]", "\"text\"", "{\"a\": }", "{\"name\": \"x\"}}", "[1, 2", "1e999"]);
        }
        var root = JsonNode.Parse(body);
        if (root is null)
        {
            return body;
        }
        var containers = new List<JsonNode>();
        void Collect(JsonNode? node)
        {
            if (node is JsonObject obj)
            {
                containers.Add(obj);
                foreach (var (_, value) in obj)
                {
                    Collect(value);
                }
            }
            else if (node is JsonArray array)
            {
                containers.Add(array);
                foreach (var item in array)
                {
                    Collect(item);
                }
            }
        }
        Collect(root);
        var target = OneOf(containers);
        JsonNode? Weird() => OneOf<Func<JsonNode?>>([
            () => null, () => -1, () => 0, () => "x", () => 1.5, () => 2147483648L, () => true, () => new JsonArray(),
            () => new JsonObject(), () => "", () => new string('a', 300), () => "not-a-uuid"])();
        if (target is JsonObject obj2)
        {
            var keys = obj2.Select(p => p.Key).ToList();
            switch (random.Next(3))
            {
                case 0 when keys.Count > 0:
                    obj2.Remove(OneOf(keys));
                    break;
                case 1 when keys.Count > 0:
                    obj2[OneOf(keys)] = Weird();
                    break;
                default:
                    obj2["bogus"] = Weird();
                    break;
            }
        }
        else if (target is JsonArray array2)
        {
            if (array2.Count > 0 && Chance(0.5))
            {
                array2[random.Next(array2.Count)] = Weird();
            }
            else
            {
                array2.Add(Weird());
            }
        }
        return Json(root);
    }

    // ---- choices of objects, mostly existing ones ----

    private Provider? AnyProvider() => world.Providers.Count == 0 ? null : OneOf(world.Providers);

    /// <summary>An existing provider's id, sometimes one that does not exist or is not a uuid.</summary>
    private string ProviderId()
    {
        var provider = AnyProvider();
        if (provider is null || Chance(0.05))
        {
            return Chance(0.8) ? NewUuid(random) : OneOf(["not-a-uuid", "12345", NewUuid(random).ToUpperInvariant()]);
        }
        return provider.Id;
    }

    private string ProviderName() => Chance(0.05)
        ? OneOf(["", new string('n', 201), "name with spaces", "ünïcode-é", "slash/name", "  padded  "])
        : "rp-" + random.Next(40).ToString(CultureInfo.InvariantCulture);

    private string Consumer() => OneOf(_consumers);

    private Consumer ConsumerState(string id)
    {
        var consumer = world.Consumers.Find(c => c.Id == id);
        if (consumer is null)
        {
            consumer = new Consumer(id);
            world.Consumers.Add(consumer);
        }
        return consumer;
    }

    private string ResourceClass()
    {
        var classes = StandardClasses.Concat(world.CustomClasses).ToList();
        return Chance(0.04) ? OneOf(["CUSTOM_MISSING", "vcpu", "NOT_A_CLASS", "CUSTOM_"]) : OneOf(classes);
    }

    private string Trait()
    {
        var traits = StandardTraits.Concat(world.CustomTraits).ToList();
        return Chance(0.04) ? OneOf(["CUSTOM_MISSING", "lower_case", "NOT_A_TRAIT"]) : OneOf(traits);
    }

    private string Aggregate() => Chance(0.03) ? "not-a-uuid" : OneOf(_aggregates);

    private int ProviderGeneration(Provider? provider)
    {
        var generation = provider?.Generation ?? 0;
        return Chance(0.05) ? generation + OneOf([1, -1, 7]) : generation;
    }

    /// <summary>A provider whose generation is known, or the GET that learns it.</summary>
    private bool NeedsGeneration(string id, out Call learning)
    {
        var provider = world.Find(id);
        if (provider is not null && provider.Generation is null)
        {
            learning = new Call
            {
                Method = "GET",
                Target = "/resource_providers/" + id,
                Microversion = Version(Minor(0)),
                Learn = reply => LearnProvider(reply),
            };
            return true;
        }
        learning = null!;
        return false;
    }

    private Inventory NewInventory(string resourceClass)
    {
        var total = resourceClass == "MEMORY_MB" ? 1024 * random.Next(1, 9) : random.Next(1, 33);
        var reserved = Chance(0.3) ? random.Next(0, total + 1) : 0;
        var step = Chance(0.15) ? 2 : 1;
        var maxUnit = Chance(0.3) ? Math.Max(1, total / 2) : total;
        var ratio = OneOf([1.0, 1.0, 1.5, 16.0, 0.5]);
        if (Chance(0.04))
        {
            reserved = total + 1;
        }
        return new Inventory(total, reserved, 1, maxUnit, step, ratio);
    }

    // ---- what each answer teaches ----

    private void LearnProvider(Reply reply)
    {
        if (reply.Status == 200 && reply.Json is JsonObject body && body["uuid"] is JsonValue uuid)
        {
            var provider = world.Find(uuid.GetValue<string>());
            if (provider is not null)
            {
                provider.Generation = (int?)body["generation"];
                provider.Name = (string?)body["name"] ?? provider.Name;
                if (body.ContainsKey("parent_provider_uuid"))
                {
                    provider.Parent = (string?)body["parent_provider_uuid"];
                }
            }
        }
    }

    private void LearnGeneration(string providerId, Reply reply)
    {
        var provider = world.Find(providerId);
        if (provider is not null && reply.Status is >= 200 and < 300)
        {
            provider.Generation = reply.Json?["resource_provider_generation"] is JsonValue generation ? (int)generation : null;
        }
    }

    private void LearnInventories(string providerId, Reply reply)
    {
        var provider = world.Find(providerId);
        if (provider is not null && reply.Status == 200 && reply.Json?["inventories"] is JsonObject inventories)
        {
            provider.Inventories.Clear();
            foreach (var (name, value) in inventories)
            {
                provider.Inventories[name] = Inventory.FromJson(value!.AsObject());
            }
            LearnGeneration(providerId, reply);
        }
    }

    // ---- providers ----

    private Call CreateProvider()
    {
        var minor = Minor(0);
        var body = new JsonObject { ["name"] = ProviderName() };
        string? uuid = null;
        var roll = random.NextDouble();
        if (roll < 0.85)
        {
            uuid = NewUuid(random);
        }
        else if (roll < 0.92 && world.Providers.Count > 0)
        {
            uuid = OneOf(world.Providers).Id;
        }
        else if (roll < 0.94)
        {
            uuid = "not-a-uuid";
        }
        if (uuid is not null)
        {
            body["uuid"] = uuid;
        }
        string? parent = null;
        if ((minor >= 14 || Chance(0.1)) && world.Providers.Count > 0 && Chance(0.45))
        {
            parent = Chance(0.06) && uuid is not null ? uuid : Chance(0.05) ? NewUuid(random) : OneOf(world.Providers).Id;
            body["parent_provider_uuid"] = parent;
        }
        else if (minor >= 14 && Chance(0.05))
        {
            body["parent_provider_uuid"] = null;
        }
        var name = (string)body["name"]!;
        return new Call
        {
            Method = "POST",
            Target = "/resource_providers",
            Body = Json(body),
            ContentType = "application/json",
            Microversion = Version(minor),
            Learn = reply =>
            {
                if (reply.Status is 200 or 201 && reply.Headers.TryGetValue("location", out var location))
                {
                    var id = location[(location.LastIndexOf('/') + 1)..];
                    world.Providers.Add(new Provider(id, name) { Parent = parent });
                }
            },
        };
    }

    private Call ShowProvider() => new()
    {
        Method = "GET",
        Target = "/resource_providers/" + ProviderId(),
        Microversion = Version(Minor(0)),
        Learn = LearnProvider,
    };

    private Call ListProviders()
    {
        var minor = Minor(0);
        var filters = new List<string>();
        if (Chance(0.2))
        {
            filters.Add("name=" + Query(ProviderName()));
        }
        if (Chance(0.2))
        {
            filters.Add("uuid=" + ProviderId());
        }
        if (Chance(0.25))
        {
            filters.Add("member_of=" + MemberOf(minor));
        }
        if (Chance(0.3))
        {
            filters.Add("resources=" + Resources());
        }
        if (Chance(0.2))
        {
            filters.Add("in_tree=" + ProviderId());
        }
        if (Chance(0.25))
        {
            filters.Add("required=" + Required(minor));
        }
        if (Chance(0.03))
        {
            filters.Add(OneOf(["bogus=1", "limit=2", "name=", "resources=VCPU", "member_of=", "required="]));
        }
        return new Call
        {
            Method = "GET",
            Target = "/resource_providers" + (filters.Count > 0 ? "?" + string.Join('&', filters) : ""),
            Microversion = Version(minor),
            Learn = reply =>
            {
                if (reply.Status == 200 && reply.Json?["resource_providers"] is JsonArray providers)
                {
                    foreach (var item in providers.OfType<JsonObject>())
                    {
                        var provider = world.Find((string)item["uuid"]!);
                        if (provider is not null)
                        {
                            provider.Generation = (int?)item["generation"];
                        }
                    }
                }
            },
        };
    }

    private Call UpdateProvider()
    {
        var id = ProviderId();
        var minor = Minor(0);
        var provider = world.Find(id);
        var body = new JsonObject { ["name"] = Chance(0.7) && provider is not null ? provider.Name : ProviderName() };
        if ((minor >= 14 || Chance(0.1)) && Chance(0.5))
        {
            body["parent_provider_uuid"] = OneOf<string?>([
                null, provider?.Parent, AnyProvider()?.Id, AnyProvider()?.Id, id, NewUuid(random)]);
        }
        return new Call
        {
            Method = "PUT",
            Target = "/resource_providers/" + id,
            Body = Json(body),
            ContentType = "application/json",
            Microversion = Version(minor),
            Learn = reply =>
            {
                if (reply.Status == 200 && provider is not null)
                {
                    // Moving a provider may change its descendants' roots; generations are re-read where needed.
                    provider.Parent = body.ContainsKey("parent_provider_uuid") ? (string?)body["parent_provider_uuid"] : provider.Parent;
                    LearnProvider(reply);
                }
            },
        };
    }

    private Call DeleteProvider()
    {
        var leaves = world.Providers.Where(p => !world.Providers.Any(c => c.Parent == p.Id)).ToList();
        var id = leaves.Count > 0 && Chance(0.85) ? OneOf(leaves).Id : ProviderId();
        return new Call
        {
            Method = "DELETE",
            Target = "/resource_providers/" + id,
            Microversion = Version(Minor(0)),
            Learn = reply =>
            {
                if (reply.Status == 204)
                {
                    world.Providers.RemoveAll(p => p.Id == id);
                }
            },
        };
    }

    // ---- inventories ----

    private Call ShowInventories()
    {
        var id = ProviderId();
        return new Call
        {
            Method = "GET",
            Target = $"/resource_providers/{id}/inventories",
            Microversion = Version(Minor(0)),
            Learn = reply => LearnInventories(id, reply),
        };
    }

    private Call ReplaceInventories()
    {
        var id = ProviderId();
        if (NeedsGeneration(id, out var learning))
        {
            return learning;
        }
        var provider = world.Find(id);
        var inventories = new JsonObject();
        foreach (var resourceClass in Enumerable.Range(0, random.Next(0, 4)).Select(_ => ResourceClass()).Distinct())
        {
            // Mostly the same inventory with another reserved, which may put the provider over capacity.
            var inventory = provider is not null && provider.Inventories.TryGetValue(resourceClass, out var old) && Chance(0.5)
                ? old with { Reserved = random.Next(0, old.Total + 1) }
                : NewInventory(resourceClass);
            var json = inventory.ToJson();
            if (Chance(0.3))
            {
                // Optional fields take their defaults.
                foreach (var optional in OptionalInventoryFields.Where(_ => Chance(0.5)))
                {
                    json.Remove(optional);
                }
            }
            inventories[resourceClass] = json;
        }
        var body = new JsonObject { ["resource_provider_generation"] = ProviderGeneration(provider), ["inventories"] = inventories };
        return new Call
        {
            Method = "PUT",
            Target = $"/resource_providers/{id}/inventories",
            Body = Json(body),
            ContentType = "application/json",
            Microversion = Version(Minor(0)),
            Learn = reply => LearnInventories(id, reply),
        };
    }

    private Call AddInventory()
    {
        var id = ProviderId();
        var resourceClass = ResourceClass();
        var body = NewInventory(resourceClass).ToJson();
        body["resource_class"] = resourceClass;
        return new Call
        {
            Method = "POST",
            Target = $"/resource_providers/{id}/inventories",
            Body = Json(body),
            ContentType = "application/json",
            Microversion = Version(Minor(0)),
            Learn = reply =>
            {
                var provider = world.Find(id);
                if (reply.Status == 201 && provider is not null && reply.Json is JsonObject answer)
                {
                    provider.Inventories[resourceClass] = Inventory.FromJson(answer);
                    LearnGeneration(id, reply);
                }
            },
        };
    }

    private (string Id, string ResourceClass) ProviderAndClass()
    {
        var held = world.Consumers.SelectMany(c => c.Allocations).ToList();
        if (held.Count > 0 && Chance(0.3))
        {
            // Where a consumer holds something: raising reserved there puts the provider over capacity.
            var item = OneOf(held);
            return (item.Provider, item.ResourceClass);
        }
        var withInventory = world.Providers.Where(p => p.Inventories.Count > 0).ToList();
        if (withInventory.Count > 0 && Chance(0.85))
        {
            var provider = OneOf(withInventory);
            return (provider.Id, OneOf(provider.Inventories.Keys.ToList()));
        }
        return (ProviderId(), ResourceClass());
    }

    private Call ShowInventory()
    {
        var (id, resourceClass) = ProviderAndClass();
        return new Call
        {
            Method = "GET",
            Target = $"/resource_providers/{id}/inventories/{resourceClass}",
            Microversion = Version(Minor(0)),
            Learn = reply => LearnGeneration(id, reply),
        };
    }

    private Call UpdateInventory()
    {
        var (id, resourceClass) = ProviderAndClass();
        if (NeedsGeneration(id, out var learning))
        {
            return learning;
        }
        var provider = world.Find(id);
        var inventory = provider is not null && provider.Inventories.TryGetValue(resourceClass, out var old) && Chance(0.7)
            ? old with { Reserved = Chance(0.6) ? random.Next(old.Total / 2, old.Total + 1) : old.Reserved, Total = Chance(0.2) ? random.Next(1, 33) : old.Total }
            : NewInventory(resourceClass);
        if (inventory.MaxUnit > inventory.Total && Chance(0.9))
        {
            inventory = inventory with { MaxUnit = inventory.Total };
        }
        var body = inventory.ToJson();
        body["resource_provider_generation"] = ProviderGeneration(provider);
        return new Call
        {
            Method = "PUT",
            Target = $"/resource_providers/{id}/inventories/{resourceClass}",
            Body = Json(body),
            ContentType = "application/json",
            Microversion = Version(Minor(0)),
            Learn = reply =>
            {
                if (reply.Status == 200 && provider is not null && reply.Json is JsonObject answer)
                {
                    provider.Inventories[resourceClass] = Inventory.FromJson(answer);
                    LearnGeneration(id, reply);
                }
            },
        };
    }

    private Call DeleteInventory()
    {
        var (id, resourceClass) = ProviderAndClass();
        return new Call
        {
            Method = "DELETE",
            Target = $"/resource_providers/{id}/inventories/{resourceClass}",
            Microversion = Version(Minor(0)),
            Learn = reply =>
            {
                var provider = world.Find(id);
                if (reply.Status == 204 && provider is not null)
                {
                    provider.Inventories.Remove(resourceClass);
                    provider.Generation = null;
                }
            },
        };
    }

    private Call DeleteInventories()
    {
        var id = ProviderId();
        return new Call
        {
            Method = "DELETE",
            Target = $"/resource_providers/{id}/inventories",
            Microversion = Version(Minor(5)),
            Learn = reply =>
            {
                var provider = world.Find(id);
                if (reply.Status == 204 && provider is not null)
                {
                    provider.Inventories.Clear();
                    provider.Generation = null;
                }
            },
        };
    }

    // ---- usages ----

    private Call ProviderUsages()
    {
        var id = ProviderId();
        return new Call
        {
            Method = "GET",
            Target = $"/resource_providers/{id}/usages",
            Microversion = Version(Minor(0)),
            Learn = reply => LearnGeneration(id, reply),
        };
    }

    private Call TotalUsages()
    {
        var minor = Minor(9);
        var query = new List<string>();
        if (Chance(0.92))
        {
            query.Add("project_id=" + OneOf(Projects));
        }
        if (Chance(0.4))
        {
            query.Add("user_id=" + OneOf(Users));
        }
        if (Chance(0.3))
        {
            query.Add("consumer_type=" + OneOf(["INSTANCE", "MIGRATION", "all", "unknown", "BACKUP_1", "INSTANCE,MIGRATION", "lower"]));
        }
        return new Call
        {
            Method = "GET",
            Target = "/usages" + (query.Count > 0 ? "?" + string.Join('&', query) : ""),
            Microversion = Version(minor),
        };
    }

    // ---- aggregates ----

    private Call ShowAggregates()
    {
        var id = ProviderId();
        return new Call
        {
            Method = "GET",
            Target = $"/resource_providers/{id}/aggregates",
            Microversion = Version(Minor(1)),
            Learn = reply => LearnGeneration(id, reply),
        };
    }

    private Call ReplaceAggregates()
    {
        var id = ProviderId();
        if (NeedsGeneration(id, out var learning))
        {
            return learning;
        }
        var minor = Minor(1);
        var aggregates = new JsonArray([.. Enumerable.Range(0, random.Next(0, 4)).Select(_ => (JsonNode)Aggregate())]);
        JsonNode body = minor >= 19
            ? new JsonObject { ["aggregates"] = aggregates, ["resource_provider_generation"] = ProviderGeneration(world.Find(id)) }
            : aggregates;
        return new Call
        {
            Method = "PUT",
            Target = $"/resource_providers/{id}/aggregates",
            Body = Json(body),
            ContentType = "application/json",
            Microversion = Version(minor),
            Learn = reply =>
            {
                if (reply.Status == 200)
                {
                    LearnGeneration(id, reply);
                }
            },
        };
    }

    // ---- traits ----

    private Call ListTraits()
    {
        var query = new List<string>();
        if (Chance(0.5))
        {
            query.Add("name=" + Query(OneOf([
                "in:" + string.Join(',', Enumerable.Range(0, random.Next(1, 4)).Select(_ => Trait())),
                "startswith:CUSTOM", "startswith:HW_CPU", "startswith:", "in:", "bogus:X", Trait()])));
        }
        if (Chance(0.3))
        {
            query.Add("associated=" + OneOf(["true", "false", "yes", "1"]));
        }
        return new Call
        {
            Method = "GET",
            Target = "/traits" + (query.Count > 0 ? "?" + string.Join('&', query) : ""),
            Microversion = Version(Minor(6)),
        };
    }

    private Call TraitCall()
    {
        var name = Chance(0.6) ? OneOf(CustomTraitPool) : Trait();
        var method = OneOf(["GET", "PUT", "PUT", "DELETE"]);
        return new Call
        {
            Method = method,
            Target = "/traits/" + name,
            Microversion = Version(Minor(6)),
            Learn = reply =>
            {
                if (method == "PUT" && reply.Status is 201 or 204 && name.StartsWith("CUSTOM_", StringComparison.Ordinal))
                {
                    world.CustomTraits.Add(name);
                }
                else if (method == "DELETE" && reply.Status == 204)
                {
                    world.CustomTraits.Remove(name);
                }
            },
        };
    }

    private Call ShowProviderTraits()
    {
        var id = ProviderId();
        return new Call
        {
            Method = "GET",
            Target = $"/resource_providers/{id}/traits",
            Microversion = Version(Minor(6)),
            Learn = reply => LearnGeneration(id, reply),
        };
    }

    private Call ReplaceProviderTraits()
    {
        var id = ProviderId();
        if (NeedsGeneration(id, out var learning))
        {
            return learning;
        }
        var traits = new JsonArray([.. Enumerable.Range(0, random.Next(0, 4)).Select(_ => Trait()).Distinct().Select(t => (JsonNode)t)]);
        var body = new JsonObject { ["traits"] = traits, ["resource_provider_generation"] = ProviderGeneration(world.Find(id)) };
        return new Call
        {
            Method = "PUT",
            Target = $"/resource_providers/{id}/traits",
            Body = Json(body),
            ContentType = "application/json",
            Microversion = Version(Minor(6)),
            Learn = reply => LearnGeneration(id, reply),
        };
    }

    private Call DeleteProviderTraits()
    {
        var id = ProviderId();
        return new Call
        {
            Method = "DELETE",
            Target = $"/resource_providers/{id}/traits",
            Microversion = Version(Minor(6)),
            Learn = reply =>
            {
                var provider = world.Find(id);
                if (reply.Status == 204 && provider is not null)
                {
                    provider.Generation = null;
                }
            },
        };
    }

    // ---- resource classes ----

    private Call ListResourceClasses() => new()
    {
        Method = "GET",
        Target = "/resource_classes",
        Microversion = Version(Minor(2)),
    };

    private Call ResourceClassCall()
    {
        var minor = Minor(2);
        var name = Chance(0.7) ? OneOf(CustomClassPool) : ResourceClass();
        var choice = random.Next(5);
        if (choice == 0)
        {
            var created = Chance(0.9) ? OneOf(CustomClassPool) : OneOf(["VCPU", "custom_lower", "CUSTOM_", "CUSTOM_" + new string('X', 250)]);
            return new Call
            {
                Method = "POST",
                Target = "/resource_classes",
                Body = Json(new JsonObject { ["name"] = created }),
                ContentType = "application/json",
                Microversion = Version(minor),
                Learn = reply =>
                {
                    if (reply.Status == 201)
                    {
                        world.CustomClasses.Add(created);
                    }
                },
            };
        }
        if (choice == 1)
        {
            // Before 1.7 PUT renames a custom class; from 1.7 it creates one (no body).
            var renamed = OneOf(CustomClassPool);
            return new Call
            {
                Method = "PUT",
                Target = "/resource_classes/" + (Chance(0.03) ? "" : name),
                Body = minor < 7 ? Json(new JsonObject { ["name"] = renamed }) : null,
                ContentType = minor < 7 ? "application/json" : null,
                Microversion = Version(minor),
                Learn = reply =>
                {
                    if (minor >= 7 && reply.Status is 201 or 204 && name.StartsWith("CUSTOM_", StringComparison.Ordinal))
                    {
                        world.CustomClasses.Add(name);
                    }
                    else if (minor < 7 && reply.Status == 200)
                    {
                        world.CustomClasses.Remove(name);
                        world.CustomClasses.Add(renamed);
                        foreach (var provider in world.Providers.Where(p => p.Inventories.ContainsKey(name)))
                        {
                            provider.Inventories[renamed] = provider.Inventories[name];
                            provider.Inventories.Remove(name);
                        }
                    }
                },
            };
        }
        var method = choice == 2 ? "DELETE" : "GET";
        return new Call
        {
            Method = method,
            Target = "/resource_classes/" + name,
            Microversion = Version(minor),
            Learn = reply =>
            {
                if (method == "DELETE" && reply.Status == 204)
                {
                    world.CustomClasses.Remove(name);
                }
            },
        };
    }

    // ---- allocations ----

    private Call ShowAllocations()
    {
        var consumer = Consumer();
        var minor = Minor(0);
        return new Call
        {
            Method = "GET",
            Target = "/allocations/" + consumer,
            Microversion = Version(minor),
            Learn = reply => LearnConsumer(consumer, minor, reply),
        };
    }

    private void LearnConsumer(string id, int minor, Reply reply)
    {
        if (reply.Status != 200 || minor < 28 || reply.Json is not JsonObject body)
        {
            return;
        }
        var consumer = ConsumerState(id);
        consumer.Known = true;
        consumer.Generation = (int?)body["consumer_generation"];
        consumer.Project = (string?)body["project_id"] ?? consumer.Project;
        consumer.User = (string?)body["user_id"] ?? consumer.User;
    }

    /// <summary>A consumer whose generation is known (when the version has them), or the GET that learns it.</summary>
    private bool NeedsConsumerGeneration(string id, int minor, out Call learning)
    {
        if (minor >= 28 && !ConsumerState(id).Known)
        {
            var getMinor = random.Next(28, LatestMinor + 1);
            learning = new Call
            {
                Method = "GET",
                Target = "/allocations/" + id,
                Microversion = Version(getMinor),
                Learn = reply => LearnConsumer(id, getMinor, reply),
            };
            return true;
        }
        learning = null!;
        return false;
    }

    private List<AllocationItem> NewAllocations(string consumer)
    {
        var items = new List<AllocationItem>();
        var withInventory = world.Providers.Where(p => p.Inventories.Count > 0).ToList();
        var count = Chance(0.05) ? 0 : random.Next(1, 3);
        for (var i = 0; i < count; i++)
        {
            if (withInventory.Count == 0 || Chance(0.05))
            {
                var item = new AllocationItem(consumer, ProviderId(), ResourceClass(), random.Next(1, 3));
                if (!items.Any(i => i.Provider == item.Provider && i.ResourceClass == item.ResourceClass))
                {
                    items.Add(item);
                }
                continue;
            }
            var provider = OneOf(withInventory);
            foreach (var resourceClass in provider.Inventories.Keys.Where(_ => Chance(0.6)).DefaultIfEmpty(provider.Inventories.Keys.First()))
            {
                if (items.Any(item => item.Provider == provider.Id && item.ResourceClass == resourceClass))
                {
                    continue;
                }
                var inventory = provider.Inventories[resourceClass];
                var amount = inventory.StepSize * random.Next(1, 3);
                if (Chance(0.08))
                {
                    amount = OneOf([0, inventory.Total, inventory.Total * 4, 3]);
                }
                items.Add(new AllocationItem(consumer, provider.Id, resourceClass, amount));
            }
        }
        return items;
    }

    /// <summary>The body of one consumer's allocations in the format of the version (list before 1.12).</summary>
    private JsonObject ConsumerBody(Consumer consumer, IEnumerable<AllocationItem> items, int minor, bool inPost)
    {
        var body = new JsonObject();
        if (minor < 12 && !inPost)
        {
            var list = new JsonArray();
            foreach (var group in items.GroupBy(item => item.Provider))
            {
                list.Add(new JsonObject
                {
                    ["resource_provider"] = new JsonObject { ["uuid"] = group.Key },
                    ["resources"] = new JsonObject(group.Select(item => KeyValuePair.Create(item.ResourceClass, (JsonNode?)item.Amount))),
                });
            }
            body["allocations"] = list;
        }
        else
        {
            var allocations = new JsonObject();
            foreach (var group in items.GroupBy(item => item.Provider))
            {
                allocations[group.Key] = new JsonObject
                {
                    ["resources"] = new JsonObject(group.Select(item => KeyValuePair.Create(item.ResourceClass, (JsonNode?)item.Amount))),
                };
            }
            body["allocations"] = allocations;
        }
        if (minor >= 8 || inPost)
        {
            if (Chance(0.1))
            {
                consumer.Project = OneOf(Projects);
                consumer.User = OneOf(Users);
            }
            body["project_id"] = consumer.Project;
            body["user_id"] = consumer.User;
        }
        if (minor >= 28)
        {
            body["consumer_generation"] = Chance(0.05) ? (consumer.Generation ?? 0) + 1 : consumer.Generation;
        }
        if (minor >= 38)
        {
            body["consumer_type"] = OneOf(ConsumerTypes);
        }
        return body;
    }

    private Action<Reply> AfterAllocationWrite(IEnumerable<string> consumers, IReadOnlyList<AllocationItem> items) => reply =>
    {
        if (reply.Status is >= 200 and < 300)
        {
            world.ForgetGenerations();
            foreach (var consumer in consumers)
            {
                var state = ConsumerState(consumer);
                state.Known = false;
                state.Allocations = [.. items.Where(item => item.Consumer == consumer)];
            }
        }
    };

    /// <summary>New allocations for a consumer, or (often) the ones it holds, the same or smaller.</summary>
    private List<AllocationItem> AllocationsFor(string consumer)
    {
        var held = ConsumerState(consumer).Allocations;
        if (held.Count > 0 && Chance(0.4))
        {
            return [.. held.Select(item => Chance(0.3) && item.Amount > 1 ? item with { Amount = item.Amount - 1 } : item)];
        }
        return NewAllocations(consumer);
    }

    private Call ReplaceAllocations()
    {
        var minor = Minor(0);
        var id = Consumer();
        if (NeedsConsumerGeneration(id, minor, out var learning))
        {
            return learning;
        }
        var items = AllocationsFor(id);
        return new Call
        {
            Method = "PUT",
            Target = "/allocations/" + id,
            Body = Json(ConsumerBody(ConsumerState(id), items, minor, inPost: false)),
            ContentType = "application/json",
            Microversion = Version(minor),
            Allocations = items,
            Learn = AfterAllocationWrite([id], items),
        };
    }

    private Call PostAllocations()
    {
        var minor = Minor(13);
        var ids = Enumerable.Range(0, random.Next(1, 3)).Select(_ => Consumer()).Distinct().ToList();
        foreach (var id in ids)
        {
            if (NeedsConsumerGeneration(id, minor, out var learning))
            {
                return learning;
            }
        }
        var body = new JsonObject();
        var all = new List<AllocationItem>();
        foreach (var id in ids)
        {
            var items = AllocationsFor(id);
            all.AddRange(items);
            body[id] = ConsumerBody(ConsumerState(id), items, minor, inPost: true);
        }
        return new Call
        {
            Method = "POST",
            Target = "/allocations",
            Body = Json(body),
            ContentType = "application/json",
            Microversion = Version(minor),
            Allocations = all,
            Learn = AfterAllocationWrite(ids, all),
        };
    }

    private Call DeleteAllocations()
    {
        var id = Consumer();
        return new Call
        {
            Method = "DELETE",
            Target = "/allocations/" + id,
            Microversion = Version(Minor(0)),
            Learn = AfterAllocationWrite([id], []),
        };
    }

    private Call ProviderAllocations()
    {
        var id = ProviderId();
        return new Call
        {
            Method = "GET",
            Target = $"/resource_providers/{id}/allocations",
            Microversion = Version(Minor(0)),
            Learn = reply => LearnGeneration(id, reply),
        };
    }

    private Call Reshape()
    {
        var minor = Minor(30);
        var providers = world.Providers.Where(_ => Chance(0.3)).Take(2).ToList();
        foreach (var provider in providers)
        {
            if (NeedsGeneration(provider.Id, out var learning))
            {
                return learning;
            }
        }
        var ids = Enumerable.Range(0, random.Next(0, 3)).Select(_ => Consumer()).Distinct().ToList();
        foreach (var id in ids)
        {
            if (NeedsConsumerGeneration(id, Math.Max(minor, 28), out var learning))
            {
                return learning;
            }
        }
        var inventories = new JsonObject();
        var reshaped = new Dictionary<string, IReadOnlyDictionary<string, Inventory>>();
        foreach (var provider in providers)
        {
            var set = new Dictionary<string, Inventory>();
            foreach (var (resourceClass, inventory) in provider.Inventories)
            {
                set[resourceClass] = Chance(0.3) ? inventory with { Reserved = random.Next(0, inventory.Total + 1) } : inventory;
            }
            if (Chance(0.3))
            {
                var added = ResourceClass();
                set[added] = NewInventory(added);
            }
            reshaped[provider.Id] = set;
            inventories[provider.Id] = new JsonObject
            {
                ["resource_provider_generation"] = ProviderGeneration(provider),
                ["inventories"] = new JsonObject(set.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value.ToJson()))),
            };
        }
        var allocations = new JsonObject();
        var all = new List<AllocationItem>();
        foreach (var id in ids)
        {
            var items = AllocationsFor(id);
            all.AddRange(items);
            allocations[id] = ConsumerBody(ConsumerState(id), items, Math.Max(minor, 28), inPost: true);
        }
        var body = new JsonObject { ["inventories"] = inventories, ["allocations"] = allocations };
        return new Call
        {
            Method = "POST",
            Target = "/reshaper",
            Body = Json(body),
            ContentType = "application/json",
            Microversion = Version(minor),
            Allocations = all,
            ReshapedInventories = reshaped,
            Learn = reply =>
            {
                if (reply.Status == 204)
                {
                    foreach (var (providerId, set) in reshaped)
                    {
                        var provider = world.Find(providerId);
                        provider?.Inventories.Clear();
                        foreach (var (resourceClass, inventory) in set)
                        {
                            provider?.Inventories[resourceClass] = inventory;
                        }
                    }
                }
                AfterAllocationWrite(ids, all)(reply);
            },
        };
    }

    // ---- allocation candidates ----

    private string Resources()
    {
        var known = world.Providers.SelectMany(p => p.Inventories.Keys).Distinct().ToList();
        var classes = Enumerable.Range(0, random.Next(1, 3))
            .Select(_ => known.Count > 0 && Chance(0.85) ? OneOf(known) : ResourceClass()).Distinct();
        var text = string.Join(',', classes.Select(c => $"{c}:{(c == "MEMORY_MB" ? 512 * random.Next(1, 4) : random.Next(1, 4))}"));
        return Chance(0.03) ? OneOf(["VCPU:0", "VCPU:-1", "VCPU", "VCPU:1,VCPU:2", ":1", "VCPU:x"]) : text;
    }

    private string Required(int minor)
    {
        var parts = new List<string>();
        foreach (var _ in Enumerable.Range(0, random.Next(1, 3)))
        {
            var trait = Trait();
            parts.Add(minor >= 22 && Chance(0.25) ? "!" + trait : trait);
        }
        var text = string.Join(',', parts);
        if (minor >= 39 && Chance(0.25))
        {
            text = Chance(0.2)
                ? $"{parts[0].TrimStart('!')},in:{parts[0].TrimStart('!')},{Trait()}"
                : "in:" + string.Join(',', Enumerable.Range(0, random.Next(1, 3)).Select(_ => Trait()));
        }
        return Query(text);
    }

    private string MemberOf(int minor)
    {
        var text = Chance(0.4)
            ? "in:" + string.Join(',', Enumerable.Range(0, random.Next(1, 3)).Select(_ => Aggregate()))
            : Aggregate();
        if (minor >= 32 && Chance(0.2))
        {
            text = "!" + (Chance(0.5) ? "in:" : "") + Aggregate();
        }
        return Query(text);
    }

    private Call Candidates()
    {
        var minor = Minor(10);
        var parameters = new List<string>();
        var suffixes = new List<string>();
        if (Chance(0.95))
        {
            parameters.Add("resources=" + Resources());
        }
        if (minor >= 17 && Chance(0.3))
        {
            parameters.Add("required=" + Required(minor));
        }
        if (minor >= 21 && Chance(0.25))
        {
            parameters.Add("member_of=" + MemberOf(minor));
            if (minor >= 24 && Chance(0.3))
            {
                parameters.Add("member_of=" + MemberOf(minor));
            }
        }
        if (minor >= 25 && Chance(0.35))
        {
            foreach (var _ in Enumerable.Range(0, random.Next(1, 3)))
            {
                var suffix = minor >= 33 && Chance(0.4) ? OneOf(["_NET", "_ACCEL", "_1"]) : random.Next(1, 4).ToString(CultureInfo.InvariantCulture);
                if (suffixes.Contains(suffix))
                {
                    continue;
                }
                suffixes.Add(suffix);
                parameters.Add($"resources{suffix}=" + Resources());
                if (Chance(0.3))
                {
                    parameters.Add($"required{suffix}=" + Required(minor));
                }
                if (Chance(0.2))
                {
                    parameters.Add($"member_of{suffix}=" + MemberOf(minor));
                }
            }
            if (suffixes.Count > 1 || Chance(0.3))
            {
                parameters.Add("group_policy=" + OneOf(["isolate", "none", "none", "bogus"]));
            }
        }
        if (minor >= 31 && Chance(0.15))
        {
            parameters.Add("in_tree=" + ProviderId());
        }
        if (minor >= 35 && Chance(0.15))
        {
            parameters.Add("root_required=" + Query(Chance(0.5) ? Trait() : "!" + Trait()));
        }
        if (minor >= 36 && suffixes.Count > 0 && Chance(0.3))
        {
            parameters.Add("same_subtree=" + string.Join(',', suffixes.Append(OneOf(["", "_NET", "9"])).Where(s => s.Length > 0).Distinct()));
        }
        if (Chance(0.03))
        {
            parameters.Add(OneOf(["bogus=1", "limit=0", "limit=-1", "limit=x", "group_policy=isolate", "resources1=VCPU:1"]));
        }
        var unlimited = parameters.ToList();
        int? limit = null;
        if (Chance(0.3))
        {
            limit = random.Next(1, 4);
            parameters.Insert(random.Next(parameters.Count + 1), "limit=" + limit.Value.ToString(CultureInfo.InvariantCulture));
        }
        static string Target(List<string> query) => "/allocation_candidates" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        return new Call
        {
            Method = "GET",
            Target = Target(parameters),
            Microversion = Version(minor),
            CandidateLimit = limit,
            UnlimitedTarget = Target(unlimited),
        };
    }

    // ---- the rest ----

    private Call Root() => new() { Method = "GET", Target = "/", Microversion = Chance(0.5) ? Version(Minor(0)) : null, Token = Chance(0.5) ? "admin" : null };

    /// <summary>Routes that do not exist and methods a route does not have.</summary>
    private Call Stray()
    {
        var id = ProviderId();
        var (method, target) = OneOf<(string, string)>([
            ("PATCH", "/resource_providers"), ("DELETE", "/resource_providers"), ("POST", $"/resource_providers/{id}"),
            ("PATCH", $"/resource_providers/{id}/inventories"), ("POST", "/traits"), ("POST", $"/allocations/{Consumer()}"),
            ("PUT", "/allocation_candidates"), ("GET", "/resource_providerz"), ("GET", "/resource_providers/"),
            ("GET", $"/resource_providers/{id}/bogus"), ("DELETE", "/usages"), ("GET", "/reshaper"), ("PUT", "/resource_classes/"),
            ("GET", "/allocations"), ("GET", "/traits/"), ("DELETE", "/traits"), ("HEAD", "/resource_providers"), ("GET", "//resource_providers"),
        ]);
        return new Call { Method = method, Target = target, Microversion = Version(Minor(0)) };
    }
}
