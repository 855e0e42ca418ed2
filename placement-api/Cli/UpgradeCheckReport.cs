using System.Text;

namespace Placement.Api.Cli;

/// <summary>One check of <c>status upgrade check</c>, as oslo.upgradecheck reports it.</summary>
public sealed record UpgradeCheck(string Name, UpgradeCheckResult Result, string? Details = null);

/// <summary>oslo.upgradecheck's codes; the command's exit status is the worst one.</summary>
public enum UpgradeCheckResult
{
    Success = 0,
    Warning = 1,
    Failure = 2,
}

/// <summary>Renders the checks as oslo.upgradecheck's table (what placement-status prints).</summary>
public static class UpgradeCheckReport
{
    private static readonly string[] Header = ["Upgrade Check Results"];

    public static string Render(IReadOnlyList<UpgradeCheck> checks)
    {
        var rows = new List<string[]> { Header };
        rows.AddRange(checks.Select(c => new[] { $"Check: {c.Name}", $"Result: {c.Result}", $"Details: {c.Details ?? "None"}" }));
        var width = rows.SelectMany(r => r).Max(line => line.Length);
        var rule = $"+{new string('-', width + 2)}+";
        var text = new StringBuilder().AppendLine(rule);
        foreach (var row in rows)
        {
            foreach (var line in row)
            {
                text.AppendLine($"| {line.PadRight(width)} |");
            }
            text.AppendLine(rule);
        }
        return text.ToString();
    }

    public static int ExitCode(IEnumerable<UpgradeCheck> checks) =>
        checks.Select(c => (int)c.Result).DefaultIfEmpty(0).Max();
}
