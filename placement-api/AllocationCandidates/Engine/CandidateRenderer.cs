using System.Text;

namespace Placement.Api.AllocationCandidates.Engine;

/// <summary>
/// Turns chosen group options into the output model: amounts of all groups summed per provider and class,
/// mappings per group, and the summaries of every provider in the trees involved. Works in the request's scratch
/// arrays, indexed by inventory and provider, so that rendering thousands of candidates stays cheap.
/// </summary>
internal sealed class CandidateRenderer
{
    private readonly ProviderSnapshot snapshot;
    private readonly ResolvedGroup[] groups;
    private readonly EngineScratch scratch;
    private readonly int[] sumOfInventory;
    private readonly bool[] inventoryUsed;
    private readonly List<int> usedInventories = [];
    private readonly int[] providerStamp;
    private readonly int[] providerSlot;
    private readonly int[] classCount;

    public CandidateRenderer(ProviderSnapshot snapshot, ResolvedGroup[] groups, EngineScratch scratch)
    {
        this.snapshot = snapshot;
        this.groups = groups;
        this.scratch = scratch;
        sumOfInventory = scratch.SumOfInventory;
        inventoryUsed = scratch.InventoryUsed;
        providerStamp = scratch.ProviderStamp;
        providerSlot = scratch.ProviderSlot;
        classCount = scratch.ClassCount;
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

    /// <summary>
    /// Renders the first <paramref name="kept"/> of the generated candidates and the summaries: every provider of
    /// the trees they allocate from; below 1.29 (with trees, <paramref name="wholeTrees"/> false), as upstream, only
    /// providers allocated by any generated candidate, in those trees.
    /// </summary>
    public CandidateResult Render(List<GroupOption[]> generated, int kept, bool wholeTrees)
    {
        var requests = new List<AllocationCandidate>(kept);
        var allocated = new HashSet<int>();
        for (var i = 0; i < kept; i++)
        {
            requests.Add(Render(generated[i], allocated));
        }
        var treesTaken = allocated.Select(p => snapshot.Roots[p]).ToHashSet();

        var summaries = new List<ProviderSummary>();
        if (wholeTrees)
        {
            foreach (var root in treesTaken.Order())
            {
                summaries.AddRange(snapshot.TreeMembers[root].Select(Summary));
            }
            return new CandidateResult(requests, summaries);
        }

        for (var i = kept; i < generated.Count; i++)
        {
            foreach (var option in generated[i])
            {
                foreach (var index in option.InventoryIndexes)
                {
                    allocated.Add(snapshot.Inventories[index].Provider);
                }
            }
        }
        summaries.AddRange(allocated.Where(p => treesTaken.Contains(snapshot.Roots[p])).Order().Select(Summary));
        return new CandidateResult(requests, summaries);
    }

    private AllocationCandidate Render(GroupOption[] candidate, HashSet<int> allocated)
    {
        Sum(candidate);
        // Providers in order of first use, each with its classes in order of first use.
        var stamp = scratch.NextProviderStamp();
        var providerCount = 0;
        foreach (var index in usedInventories)
        {
            var provider = snapshot.Inventories[index].Provider;
            if (providerStamp[provider] != stamp)
            {
                providerStamp[provider] = stamp;
                providerSlot[provider] = providerCount++;
                classCount[providerSlot[provider]] = 0;
            }
            classCount[providerSlot[provider]]++;
        }
        var allocations = new ProviderAllocation[providerCount];
        var resourcesOf = new ResourceAmount[providerCount][];
        foreach (var index in usedInventories)
        {
            var inventory = snapshot.Inventories[index];
            var slot = providerSlot[inventory.Provider];
            if (resourcesOf[slot] is null)
            {
                resourcesOf[slot] = new ResourceAmount[classCount[slot]];
                allocations[slot] = new ProviderAllocation(snapshot.Uuids[inventory.Provider], resourcesOf[slot]);
                allocated.Add(inventory.Provider);
                classCount[slot] = 0;
            }
            resourcesOf[slot][classCount[slot]++] = new ResourceAmount(snapshot.ClassNames[inventory.ResourceClass], sumOfInventory[index]);
        }
        ClearSums();

        var mappings = new KeyValuePair<string, IReadOnlyList<Guid>>[candidate.Length];
        for (var g = 0; g < candidate.Length; g++)
        {
            mappings[g] = new(groups[g].Suffix, Uuids(candidate[g].Providers));
        }
        return new AllocationCandidate(allocations, mappings);
    }

    /// <summary>Uuids of a group's providers; the one-provider lists (most of them) are shared between candidates.</summary>
    private Guid[] Uuids(int[] providers)
    {
        if (providers.Length == 1)
        {
            return snapshot.SingleUuid(providers[0]);
        }
        var uuids = new Guid[providers.Length];
        for (var i = 0; i < providers.Length; i++)
        {
            uuids[i] = snapshot.Uuids[providers[i]];
        }
        return uuids;
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
            resources.Add(new SummaryResource(snapshot.ClassNames[inventory.ResourceClass], inventory.Capacity, snapshot.Used(index)));
        }
        var traits = Array.ConvertAll(snapshot.TraitsOf[p], t => snapshot.TraitNames[t]);
        var parent = snapshot.Parents[p];
        return new ProviderSummary(
            snapshot.Uuids[p], snapshot.Uuids[snapshot.Roots[p]], parent < 0 ? null : snapshot.Uuids[parent], resources, traits);
    }
}
