namespace Placement.Operator.Tests;

public class SkeletonTests
{
    [Fact]
    public void Builds() => Assert.True(typeof(SkeletonTests).Assembly.GetName().Name == "Placement.Operator.Tests");
}
