using System.Text;

namespace Placement.Api.AllocationCandidates.Engine;

/// <summary>
/// Turns chosen group options into the output model: amounts of all groups summed per provider and class,
/// mappings per group, and the summaries of every provider in the trees involved. Reuses scratch arrays indexed
/// by inventory and provider so that rendering thousands of candidates stays cheap.
/// </summary>
internal sealed class CandidateRenderer
{
    private readonly ProviderSnapshot snapshot;
    private readonly ResolvedGroup[] groups;
    private readonly int[] sumOfInventory;
    private readonly bool[] inventoryUsed;
    private readonly List<int> usedInventories = [];
    private readonly int[] providerStamp;
    private readonly int[] providerSlot;
    private int stamp;

    public CandidateRenderer(ProviderSnapshot snapshot, ResolvedGroup[] groups)
    {
        this.snapshot = snapshot;
        this.groups = groups;
        sumOfInventory = new int[snapshot.Inventories.Length];
        inventoryUsed = new bool[snapshot.Inventories.Length];
        providerStamp = new int[snapshot.ProviderCount];
        providerSlot = new int[snapshot.ProviderCount];
    }

    /// <summary>Identity of a candidate as upstream compares them: summed amounts per inventory plus the mappings.</summary>
    public string Key(GroupOption[] candidate)
    {
        Sum(candidate);
        usedInventories.Sort();
        var key = new StringBuilder();
        foreach (var index in usedInventories)
        {
            key.Append(index).Append(':').Append(sumOfInventory[index]).Append(',');
        }
        ClearSums();
        foreach (var option in candidate)
        {
            key.Append('|').AppendJoin(',', option.Providers);
        }
        return key.ToString();
    }

    public CandidateResult Render(List<GroupOption[]> found, bool nestedAware)
    {
        var requests = new List<AllocationCandidate>(found.Count);
        var allocated = new bool[snapshot.ProviderCount];
        foreach (var candidate in found)
        {
            requests.Add(Render(candidate, allocated));
        }

        // Whole trees of the allocated providers; below 1.29 (with trees) only the allocated providers themselves.
        var summaries = new List<ProviderSummary>();
        if (nestedAware || !snapshot.HasTrees)
        {
            var rootTaken = new bool[snapshot.ProviderCount];
            for (var p = 0; p < allocated.Length; p++)
            {
                if (allocated[p])
                {
                    rootTaken[snapshot.Roots[p]] = true;
                }
            }
            for (var root = 0; root < rootTaken.Length; root++)
            {
                if (rootTaken[root])
                {
                    summaries.AddRange(snapshot.TreeMembers[root].Select(Summary));
                }
            }
        }
        else
        {
            for (var p = 0; p < allocated.Length; p++)
            {
                if (allocated[p])
                {
                    summaries.Add(Summary(p));
                }
            }
        }
        return new CandidateResult(requests, summaries);
    }

    private AllocationCandidate Render(GroupOption[] candidate, bool[] allocated)
    {
        Sum(candidate);
        // Providers in order of first use, each with its classes in order of first use.
        var allocations = new List<ProviderAllocation>();
        var resourcesOf = new List<List<ResourceAmount>>();
        stamp++;
        foreach (var index in usedInventories)
        {
            var inventory = snapshot.Inventories[index];
            var provider = inventory.Provider;
            if (providerStamp[provider] != stamp)
            {
                providerStamp[provider] = stamp;
                providerSlot[provider] = allocations.Count;
                allocated[provider] = true;
                resourcesOf.Add([]);
                allocations.Add(new ProviderAllocation(snapshot.Uuids[provider], resourcesOf[^1]));
            }
            resourcesOf[providerSlot[provider]].Add(new ResourceAmount(snapshot.ClassNames[inventory.ResourceClass], sumOfInventory[index]));
        }
        ClearSums();

        var mappings = new KeyValuePair<string, IReadOnlyList<Guid>>[candidate.Length];
        for (var g = 0; g < candidate.Length; g++)
        {
            var providers = candidate[g].Providers;
            var uuids = new Guid[providers.Length];
            for (var i = 0; i < providers.Length; i++)
            {
                uuids[i] = snapshot.Uuids[providers[i]];
            }
            mappings[g] = new(groups[g].Suffix, uuids);
        }
        return new AllocationCandidate(allocations, mappings);
    }

    private void Sum(GroupOption[] candidate)
    {
        for (var g = 0; g < candidate.Length; g++)
        {
            var indexes = candidate[g].InventoryIndexes;
            for (var j = 0; j < indexes.Length; j++)
            {
                if (!inventoryUsed[indexes[j]])
                {
                    inventoryUsed[indexes[j]] = true;
                    usedInventories.Add(indexes[j]);
                }
                sumOfInventory[indexes[j]] += groups[g].Amounts[j];
            }
        }
    }

    private void ClearSums()
    {
        foreach (var index in usedInventories)
        {
            sumOfInventory[index] = 0;
            inventoryUsed[index] = false;
        }
        usedInventories.Clear();
    }

    private ProviderSummary Summary(int p)
    {
        var resources = new List<SummaryResource>(snapshot.InventoriesOf[p].Length);
        foreach (var index in snapshot.InventoriesOf[p])
        {
            var inventory = snapshot.Inventories[index];
            resources.Add(new SummaryResource(snapshot.ClassNames[inventory.ResourceClass], inventory.Capacity, inventory.Used));
        }
        var traits = snapshot.TraitsOf[p].Select(t => snapshot.TraitNames[t]).Order(StringComparer.Ordinal).ToList();
        var parent = snapshot.Parents[p];
        return new ProviderSummary(
            snapshot.Uuids[p], snapshot.Uuids[snapshot.Roots[p]], parent < 0 ? null : snapshot.Uuids[parent], resources, traits);
    }
}
