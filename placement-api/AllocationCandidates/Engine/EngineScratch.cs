namespace Placement.Api.AllocationCandidates.Engine;

/// <summary>
/// Work arrays of one request, indexed by inventory and provider. A request leaves them as it found them
/// (amounts added and providers taken are undone as the search backtracks; stamps only grow), so they are
/// pooled per topology instead of being allocated, at the size of the cloud, for every request.
/// </summary>
internal sealed class EngineScratch(int providers, int inventories)
{
    public readonly long[] Added = new long[inventories];
    public readonly int[] InventoryStamp = new int[inventories];
    private int inventoryStampValue;
    public readonly int[] TakenByGranular = new int[providers];
    public readonly int[] SumOfInventory = new int[inventories];
    public readonly bool[] InventoryUsed = new bool[inventories];
    public readonly int[] ProviderStamp = new int[providers];
    private int providerStampValue;
    public readonly int[] ProviderSlot = new int[providers];
    public readonly int[] ClassCount = new int[providers];

    /// <summary>A stamp no entry of <see cref="InventoryStamp"/> holds yet (after the last one, they all start again).</summary>
    public int NextInventoryStamp() => Next(InventoryStamp, ref inventoryStampValue);

    /// <summary>A stamp no entry of <see cref="ProviderStamp"/> holds yet.</summary>
    public int NextProviderStamp() => Next(ProviderStamp, ref providerStampValue);

    private static int Next(int[] stamps, ref int last)
    {
        if (last == int.MaxValue)
        {
            Array.Clear(stamps);
            last = 0;
        }
        return ++last;
    }
}
