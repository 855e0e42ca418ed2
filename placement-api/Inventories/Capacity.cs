namespace Placement.Api.Inventories;

/// <summary>
/// The six numbers of one inventory (one resource class on one provider) and the arithmetic upstream
/// does with them. Pure and allocation-free, so that inventory writes, allocation writes and the
/// allocation candidates engine share one definition of "fits".
/// </summary>
public readonly record struct Capacity(int Total, int Reserved, int MinUnit, int MaxUnit, int StepSize, double AllocationRatio)
{
    /// <summary>The largest integer the schemas accept (upstream: db constants MAX_INT).</summary>
    public const int MaxInt = int.MaxValue;

    /// <summary>An inventory's values when the request leaves them out (upstream's INVENTORY_DEFAULTS).</summary>
    public static Capacity WithDefaults(int total) => new(total, Reserved: 0, MinUnit: 1, MaxUnit: MaxInt, StepSize: 1, AllocationRatio: 1.0);

    /// <summary>
    /// (total - reserved) * allocation_ratio, unrounded: what allocations compare against
    /// (upstream's allocation write check and its candidates SQL both compare with the fraction).
    /// </summary>
    public double Allocatable => ((double)Total - Reserved) * AllocationRatio;

    /// <summary>
    /// <see cref="Allocatable"/> truncated toward zero, as upstream's Python <c>int()</c>: the capacity
    /// that provider summaries report and that inventory writes validate.
    /// </summary>
    public long Whole => (long)Allocatable;

    /// <summary>
    /// Whether an inventory with these numbers may be written: upstream refuses a <see cref="Whole"/>
    /// capacity of zero or less, or, from microversion 1.26 where reserved may equal total, below zero.
    /// </summary>
    public bool IsValidInventory(bool reservedMayEqualTotal) => reservedMayEqualTotal ? Whole >= 0 : Whole > 0;

    /// <summary>True when a single allocation of <paramref name="amount"/> respects min_unit, max_unit and step_size.</summary>
    public bool AllowsUnits(long amount) => amount >= MinUnit && amount <= MaxUnit && amount % StepSize == 0;

    /// <summary>True when <paramref name="amount"/> more fits beside what is already <paramref name="used"/>.</summary>
    public bool HasRoomFor(long used, long amount) => used + amount <= Allocatable;

    /// <summary>Both checks at once: what a provider must pass to be a candidate for <paramref name="amount"/>.</summary>
    public bool Admits(long used, long amount) => AllowsUnits(amount) && HasRoomFor(used, amount);
}
