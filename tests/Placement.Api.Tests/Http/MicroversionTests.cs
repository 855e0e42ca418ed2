using Placement.Api.Http;

namespace Placement.Api.Tests.Http;

public class MicroversionTests
{
    [Theory]
    [InlineData(null, "1.0")]
    [InlineData("placement 1.15", "1.15")]
    [InlineData("placement latest", "1.39")]
    [InlineData("PLACEMENT 1.2", "1.2")]
    [InlineData("compute 2.1, placement 1.7", "1.7")]
    [InlineData("placement 1.7, compute 2.1", "1.7")]
    [InlineData("placement 1.3, placement 1.9", "1.9")]
    [InlineData("compute 2.1", "1.0")]
    [InlineData("placement", "1.0")]
    [InlineData("placement 1.05", "1.5")]
    public void NegotiatesTheRequestedVersion(string? header, string expected)
    {
        var version = Microversion.Negotiate(header is null ? [] : [header]);
        Assert.Equal(expected, version.ToString());
    }

    [Fact]
    public void FoldsRepeatedHeadersLikeOneCommaSeparatedValue() =>
        Assert.Equal("1.20", Microversion.Negotiate(["placement 1.4", "placement 1.20"]).ToString());

    [Theory]
    [InlineData("placement pony.horse", "invalid version string: pony.horse; invalid literal for int() with base 10: 'pony'")]
    [InlineData("placement 1.2.3", "invalid version string: 1.2.3; invalid literal for int() with base 10: '2.3'")]
    [InlineData("placement 1.x", "invalid version string: 1.x; invalid literal for int() with base 10: 'x'")]
    [InlineData("placement 1", "invalid version string: 1; Version.__new__() missing 1 required positional argument: 'minor'")]
    public void MalformedVersionsAreFormatErrorsWithUpstreamsWords(string header, string message)
    {
        var error = Assert.Throws<FormatException>(() => Microversion.Negotiate([header]));
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("placement 0.5")]
    [InlineData("placement 1.40")]
    [InlineData("placement 2.0")]
    [InlineData("placement -1.0")]
    public void VersionsOutsideTheRangeAreUnacceptable(string header)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Microversion.Negotiate([header]));
        Assert.StartsWith($"Unacceptable version header: {header.Split(' ')[1]}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ComparesNumericallyNotAsText()
    {
        Assert.True(Microversion.Parse("1.10") > Microversion.Parse("1.9"));
        Assert.True(new Microversion(1, 15).IsAtLeast("1.15"));
        Assert.False(new Microversion(1, 14).IsAtLeast("1.15"));
    }
}
