using Placement.Api.ResourceProviders;

namespace Placement.Api.Tests.ResourceProviders;

public class UuidTextTests
{
    [Theory]
    [InlineData("2290d4af-9e6e-400b-9d65-1ee01376f71a", "2290d4af-9e6e-400b-9d65-1ee01376f71a")]
    [InlineData("2290d4af9e6e400b9d651ee01376f71a", "2290d4af-9e6e-400b-9d65-1ee01376f71a")]
    [InlineData("{2290D4AF-9E6E-400B-9D65-1EE01376F71A}", "2290d4af-9e6e-400b-9d65-1ee01376f71a")]
    [InlineData("urn:uuid:2290d4af-9e6e-400b-9d65-1ee01376f71a", "2290d4af-9e6e-400b-9d65-1ee01376f71a")]
    public void NormalizesToDashedLowerCase(string text, string expected) => Assert.Equal(expected, UuidText.Normalize(text));

    [Theory]
    [InlineData("spameggs")]
    [InlineData("")]
    [InlineData("2290d4af-9e6e-400b-9d65-1ee01376f71")]
    [InlineData(" 2290d4af9e6e400b9d651ee01376f71a")]
    [InlineData("2290d4af-9e6e-400b-9d65-1ee01376f71g")]
    public void RejectsWhatIsNoUuid(string text) => Assert.False(UuidText.IsUuidLike(text));
}
