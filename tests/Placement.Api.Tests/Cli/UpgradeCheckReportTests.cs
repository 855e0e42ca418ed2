using Placement.Api.Cli;

namespace Placement.Api.Tests.Cli;

public class UpgradeCheckReportTests
{
    [Fact]
    public void RendersOsloUpgradeChecksTable()
    {
        var checks = new[]
        {
            new UpgradeCheck("Missing Root Provider IDs", UpgradeCheckResult.Success),
            new UpgradeCheck("Incomplete Consumers", UpgradeCheckResult.Success),
            new UpgradeCheck("Policy File JSON to YAML Migration", UpgradeCheckResult.Success),
        };
        // Byte for byte what placement-status 8.0.0 prints for a healthy database.
        Assert.Equal("""
            +-------------------------------------------+
            | Upgrade Check Results                     |
            +-------------------------------------------+
            | Check: Missing Root Provider IDs          |
            | Result: Success                           |
            | Details: None                             |
            +-------------------------------------------+
            | Check: Incomplete Consumers               |
            | Result: Success                           |
            | Details: None                             |
            +-------------------------------------------+
            | Check: Policy File JSON to YAML Migration |
            | Result: Success                           |
            | Details: None                             |
            +-------------------------------------------+

            """.Replace("\r\n", "\n", StringComparison.Ordinal), UpgradeCheckReport.Render(checks).Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void TheExitCodeIsTheWorstResult()
    {
        Assert.Equal(0, UpgradeCheckReport.ExitCode([new UpgradeCheck("a", UpgradeCheckResult.Success)]));
        Assert.Equal(2, UpgradeCheckReport.ExitCode([
            new UpgradeCheck("a", UpgradeCheckResult.Warning, "w"),
            new UpgradeCheck("b", UpgradeCheckResult.Failure, "f")]));
    }
}
