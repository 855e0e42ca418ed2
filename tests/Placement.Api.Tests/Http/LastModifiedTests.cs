using Placement.Api.Http;

namespace Placement.Api.Tests.Http;

public class LastModifiedTests
{
    [Fact]
    public void NoRowsHaveNoTime() => Assert.Null(LastModified.Newest([]));

    [Fact]
    public void TheNewestRowWins() =>
        Assert.Equal(new DateTime(2024, 5, 1), LastModified.Newest([new DateTime(2024, 1, 1), new DateTime(2024, 5, 1), new DateTime(2023, 1, 1)]));

    [Fact]
    public void ARowWithoutTimeCountsAsNow()
    {
        var before = DateTime.UtcNow;
        Assert.InRange(LastModified.Newest([new DateTime(2024, 1, 1), null])!.Value, before, DateTime.UtcNow);
    }
}
