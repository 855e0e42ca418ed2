using Placement.Api.Allocations;
using Placement.Api.Inventories;

namespace Placement.Api.Tests.Allocations;

public class CapacityCheckTests
{
    private const string Rp = "rp-uuid";
    private const int Vcpu = 0;
    private const int Disk = 2;

    // (10 - 2) * 1.5 = 12 VCPU, 5 already used; DISK_GB in tens between 10 and 100.
    private static readonly Dictionary<(int, int), InventoryStock> Stock = new()
    {
        [(1, Vcpu)] = new InventoryStock(new Capacity(Total: 10, Reserved: 2, MinUnit: 1, MaxUnit: 8, StepSize: 1, AllocationRatio: 1.5), Used: 5),
        [(1, Disk)] = new InventoryStock(new Capacity(Total: 1000, Reserved: 0, MinUnit: 10, MaxUnit: 100, StepSize: 10, AllocationRatio: 1.0), Used: 0),
    };

    [Theory]
    [InlineData(Vcpu, "VCPU", 7, null)]
    [InlineData(Vcpu, "VCPU", 8, "would exceed the capacity")]
    [InlineData(Vcpu, "VCPU", 9, "would violate inventory constraints")]
    [InlineData(Disk, "DISK_GB", 100, null)]
    [InlineData(Disk, "DISK_GB", 5, "would violate inventory constraints")]
    [InlineData(Disk, "DISK_GB", 110, "would violate inventory constraints")]
    [InlineData(Disk, "DISK_GB", 25, "would violate inventory constraints")]
    public void OneAllocationMustFitItsInventory(int classId, string className, long amount, string? refusal)
    {
        var error = Record.Exception(() => CapacityCheck.Verify([Wanted(classId, className, amount)], Stock));

        if (refusal is null)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.Contains(refusal, Assert.IsType<AllocationWriteException>(error).Message);
        }
    }

    [Fact]
    public void AllAllocationsOfAClassInOneWriteAreAddedUp()
    {
        var error = Assert.Throws<AllocationWriteException>(() =>
            CapacityCheck.Verify([Wanted(Vcpu, "VCPU", 4, "a"), Wanted(Vcpu, "VCPU", 4, "b")], Stock));

        Assert.Equal("Unable to create allocation for 'VCPU' on resource provider 'rp-uuid'. The requested amount would exceed the capacity.", error.Message);
    }

    [Fact]
    public void RemovalsNeedNoRoom() =>
        CapacityCheck.Verify([Wanted(Vcpu, "VCPU", 0), Wanted(Disk, "DISK_GB", 0)], Stock);

    [Fact]
    public void AProviderWithoutAnyOfTheClassesIsNamedWithAllClasses()
    {
        var error = Assert.Throws<AllocationWriteException>(() =>
            CapacityCheck.Verify([Wanted(Disk, "DISK_GB", 10), Wanted(Vcpu, "VCPU", 1, provider: 2, providerUuid: "other")], Stock));

        Assert.Equal("Inventory for 'VCPU, DISK_GB' on resource provider 'other' invalid.", error.Message);
    }

    [Fact]
    public void AClassTheProviderLacksIsNamed()
    {
        var error = Assert.Throws<AllocationWriteException>(() =>
            CapacityCheck.Verify([Wanted(Disk, "DISK_GB", 10), Wanted(6, "PCI_DEVICE", 1)], Stock));

        Assert.Equal((AllocationWriteFailure.InvalidInventory, "Inventory for 'PCI_DEVICE' on resource provider 'rp-uuid' invalid."), (error.Failure, error.Message));
    }

    [Theory]
    [InlineData(6, true)]
    [InlineData(4, true)]
    [InlineData(7, false)]
    public void OverCapacityAWriteMayNotMakeUsageWorseThanBefore(long amount, bool accepted)
    {
        // 12 VCPU of capacity, 10 used by others and 6 by the rewritten consumer before this write: over capacity.
        var stock = new Dictionary<(int, int), InventoryStock>
        {
            [(1, Vcpu)] = new InventoryStock(new Capacity(Total: 10, Reserved: 2, MinUnit: 1, MaxUnit: 8, StepSize: 1, AllocationRatio: 1.5), Used: 10, PreviousUsed: 16),
        };

        var error = Record.Exception(() => CapacityCheck.Verify([Wanted(Vcpu, "VCPU", amount)], stock));

        Assert.Equal(accepted, error is null);
    }

    [Fact]
    public void WithoutAnyUsageBeforeOverCapacityIsRefused()
    {
        var stock = new Dictionary<(int, int), InventoryStock>
        {
            [(1, Vcpu)] = new InventoryStock(new Capacity(Total: 10, Reserved: 9, MinUnit: 1, MaxUnit: 8, StepSize: 1, AllocationRatio: 1.0), Used: 0, PreviousUsed: null),
        };

        Assert.Throws<AllocationWriteException>(() => CapacityCheck.Verify([Wanted(Vcpu, "VCPU", 2)], stock));
    }

    private static WantedAllocation Wanted(int classId, string className, long used, string consumer = "c", int provider = 1, string providerUuid = Rp) =>
        new(consumer, provider, providerUuid, classId, className, used);
}
