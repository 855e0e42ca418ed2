using Placement.Api.Cli;

namespace Placement.Api.Tests.Cli;

public class ParsedArgumentsTests
{
    [Fact]
    public void ServeDefaultsToLoopback8080()
    {
        var parsed = ParsedArguments.Parse(["serve"]);
        Assert.Equal(["serve"], parsed.Command);
        Assert.Equal("127.0.0.1", parsed.Host);
        Assert.Equal(8080, parsed.Port);
    }

    [Fact]
    public void OptionsMayStandAnywhereAndTakeInlineValues()
    {
        var parsed = ParsedArguments.Parse(["--config-file=/etc/p.conf", "serve", "--port", "9000", "--host", "0.0.0.0"]);
        Assert.Equal("/etc/p.conf", parsed.ConfigFile);
        Assert.Equal(9000, parsed.Port);
        Assert.Equal("0.0.0.0", parsed.Host);
    }

    [Theory]
    [InlineData("serve", "--port", "http")]
    [InlineData("serve", "--port", "70000")]
    [InlineData("serve", "--bogus", "1")]
    public void BadArgumentsAreRefused(params string[] args) =>
        Assert.Throws<ArgumentException>(() => ParsedArguments.Parse(args));

    [Fact]
    public void AnOptionWithoutItsValueIsRefused() =>
        Assert.Throws<ArgumentException>(() => ParsedArguments.Parse(["serve", "--port"]));
}
