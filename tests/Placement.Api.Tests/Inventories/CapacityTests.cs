using Placement.Api.Inventories;

namespace Placement.Api.Tests.Inventories;

public class CapacityTests
{
    private static Capacity Of(int total, int reserved = 0, double ratio = 1.0, int minUnit = 1, int maxUnit = Capacity.MaxInt, int stepSize = 1) =>
        new(total, reserved, minUnit, maxUnit, stepSize, ratio);

    [Fact]
    public void DefaultsAreUpstreams() =>
        Assert.Equal(Of(8), Capacity.WithDefaults(8));

    [Theory]
    [InlineData(10, 2, 1.0, 8.0)]
    [InlineData(10, 2, 1.5, 12.0)]
    [InlineData(3, 0, 0.5, 1.5)]
    [InlineData(2147483647, 0, 16.0, 34359738352.0)]
    public void AllocatableIsTotalLessReservedTimesRatio(int total, int reserved, double ratio, double allocatable) =>
        Assert.Equal(allocatable, Of(total, reserved, ratio).Allocatable);

    [Theory]
    [InlineData(3, 0, 0.5, 1)]
    [InlineData(1, 0, 0.5, 0)]
    [InlineData(4, 6, 1.0, -2)]
    [InlineData(4, 6, 0.5, -1)]
    public void WholeTruncatesTowardZeroLikePythonInt(int total, int reserved, double ratio, long whole) =>
        Assert.Equal(whole, Of(total, reserved, ratio).Whole);

    [Theory]
    [InlineData(10, 9, 1.0, false, true)]
    [InlineData(10, 10, 1.0, false, false)]
    [InlineData(10, 10, 1.0, true, true)]
    [InlineData(10, 11, 1.0, true, false)]
    [InlineData(1, 0, 0.5, false, false)]
    [InlineData(1, 0, 0.0, true, true)]
    [InlineData(1, 0, -1.0, true, false)]
    public void ReservedMayEqualTotalOnlyWhenAllowed(int total, int reserved, double ratio, bool reservedMayEqualTotal, bool valid) =>
        Assert.Equal(valid, Of(total, reserved, ratio).IsValidInventory(reservedMayEqualTotal));

    [Theory]
    [InlineData(4, true)]
    [InlineData(2, false)]
    [InlineData(16, true)]
    [InlineData(18, false)]
    [InlineData(6, false)]
    [InlineData(8, true)]
    public void UnitsRespectMinMaxAndStep(long amount, bool allowed) =>
        Assert.Equal(allowed, Of(100, minUnit: 4, maxUnit: 16, stepSize: 4).AllowsUnits(amount));

    [Theory]
    [InlineData(0, 12, true)]
    [InlineData(6, 6, true)]
    [InlineData(6, 7, false)]
    public void RoomComparesWithTheUnroundedCapacity(long used, long amount, bool fits) =>
        Assert.Equal(fits, Of(8, reserved: 0, ratio: 1.5).HasRoomFor(used, amount));

    [Fact]
    public void AFractionalCapacityAdmitsNoMoreThanItsWholePart() =>
        Assert.False(Of(3, ratio: 0.5).HasRoomFor(1, 1));

    [Fact]
    public void AdmitsNeedsBothUnitsAndRoom()
    {
        var capacity = Of(10, minUnit: 2, stepSize: 2);
        Assert.True(capacity.Admits(used: 6, amount: 4));
        Assert.False(capacity.Admits(used: 6, amount: 3));
        Assert.False(capacity.Admits(used: 8, amount: 4));
    }
}
