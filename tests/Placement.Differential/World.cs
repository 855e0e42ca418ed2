using System.Globalization;
using System.Text.Json.Nodes;

namespace Placement.Differential;

internal sealed record Inventory(int Total, int Reserved, int MinUnit, int MaxUnit, int StepSize, double AllocationRatio)
{
    public JsonObject ToJson() => new()
    {
        ["total"] = Total,
        ["reserved"] = Reserved,
        ["min_unit"] = MinUnit,
        ["max_unit"] = MaxUnit,
        ["step_size"] = StepSize,
        ["allocation_ratio"] = AllocationRatio,
    };

    public static Inventory FromJson(JsonObject json) => new(
        (int)json["total"]!,
        (int?)json["reserved"] ?? 0,
        (int?)json["min_unit"] ?? 1,
        (int?)json["max_unit"] ?? int.MaxValue,
        (int?)json["step_size"] ?? 1,
        (double?)json["allocation_ratio"] ?? 1.0);
}

internal sealed class Provider(string id, string name)
{
    /// <summary>Its uuid, or the alias of one a server made.</summary>
    public string Id { get; } = id;

    public string Name { get; set; } = name;

    public string? Parent { get; set; }

    /// <summary>Null once a write may have changed it without saying to what.</summary>
    public int? Generation { get; set; } = 0;

    public Dictionary<string, Inventory> Inventories { get; } = [];
}

internal sealed class Consumer(string id)
{
    public string Id { get; } = id;

    public string Project { get; set; } = "project-a";

    public string User { get; set; } = "user-a";

    /// <summary>Whether the consumer exists and its generation are known (from a GET at 1.28 or later).</summary>
    public bool Known { get; set; } = true;

    public int? Generation { get; set; }

    /// <summary>What its last accepted write gave it: rewritten as it is, or smaller, once reserved grew.</summary>
    public IReadOnlyList<AllocationItem> Allocations { get; set; } = [];
}

/// <summary>What the generator believes the servers hold, learnt from the reference's answers.</summary>
internal sealed class World
{
    private int _generatedProviders;

    public List<Provider> Providers { get; } = [];

    public List<Consumer> Consumers { get; } = [];

    public HashSet<string> CustomClasses { get; } = [];

    public HashSet<string> CustomTraits { get; } = [];

    public Provider? Find(string id) => Providers.Find(p => p.Id == id);

    /// <summary>The alias of the next uuid a server makes: fixed width, so that none is a prefix of another.</summary>
    public string NextGeneratedAlias() =>
        "generated-provider-" + (++_generatedProviders).ToString("D4", CultureInfo.InvariantCulture);

    public void ForgetGenerations()
    {
        foreach (var provider in Providers)
        {
            provider.Generation = null;
        }
    }
}
