namespace Placement.Api.Tests;

public class SkeletonTests
{
    [Fact]
    public void Builds() => Assert.True(typeof(SkeletonTests).Assembly.GetName().Name == "Placement.Api.Tests");
}
