namespace Placement.Api.AllocationCandidates.Engine;

/// <summary>
/// Usage per inventory in fixed-size chunks, copied on write: a refresh that changes a few inventories copies
/// those chunks and the chunk list, not the whole table, and snapshots taken before keep their values.
/// </summary>
internal sealed class UsageTable
{
    private const int ChunkBits = 10;
    private const int ChunkSize = 1 << ChunkBits;
    private readonly long[][] chunks;

    private UsageTable(long[][] chunks) => this.chunks = chunks;

    public static UsageTable Create(long[] used)
    {
        var chunks = new long[(used.Length + ChunkSize - 1) >> ChunkBits][];
        for (var c = 0; c < chunks.Length; c++)
        {
            chunks[c] = used.AsSpan(c << ChunkBits, Math.Min(ChunkSize, used.Length - (c << ChunkBits))).ToArray();
        }
        return new UsageTable(chunks);
    }

    public long this[int index] => chunks[index >> ChunkBits][index & (ChunkSize - 1)];

    public UsageTable With(IEnumerable<KeyValuePair<int, long>> changes)
    {
        var copy = (long[][])chunks.Clone();
        var copied = new HashSet<int>();
        foreach (var (index, used) in changes)
        {
            var c = index >> ChunkBits;
            if (copied.Add(c))
            {
                copy[c] = (long[])chunks[c].Clone();
            }
            copy[c][index & (ChunkSize - 1)] = used;
        }
        return new UsageTable(copy);
    }
}
