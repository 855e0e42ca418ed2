using Placement.Api.Http;

namespace Placement.Api.Tests.Http;

public class AcceptHeaderTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("application/json", true)]
    [InlineData("*/*", true)]
    [InlineData("application/*", true)]
    [InlineData("text/plain", false)]
    [InlineData("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true)]
    [InlineData("text/html,application/xhtml+xml,application/xml;q=0.9", false)]
    [InlineData("application/json;q=0", false)]
    [InlineData("*/*, application/json;q=0", false)]
    // Not RFC 7231 Accept values: webob treats them as absent, so upstream serves JSON.
    [InlineData("garbage", true)]
    [InlineData("text/html;;q=x", true)]
    [InlineData("text/plain;q=2", true)]
    [InlineData("text/plain, , text/html", false)]
    public void DecidesWhetherJsonIsAccepted(string? accept, bool accepted) =>
        Assert.Equal(accepted, AcceptHeader.Accepts(accept, "application/json"));

    [Fact]
    public void TheMostSpecificRangeGivesTheQuality() =>
        Assert.Equal(0.5, AcceptHeader.Quality("*/*;q=0.1, application/*;q=0.3, application/json;q=0.5", "application/json"));
}
