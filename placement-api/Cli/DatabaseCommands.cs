using Placement.Api.Configuration;

namespace Placement.Api.Cli;

/// <summary>The database side of the commands: schema sync, version and the start-up check.</summary>
public static class DatabaseCommands
{
    public static Task<int> SyncAsync(PlacementSettings settings) => Task.FromResult(0);

    public static Task<int> VersionAsync(PlacementSettings settings) => Task.FromResult(0);

    public static Task<int> UpgradeCheckAsync(PlacementSettings settings) => Task.FromResult(0);

    public static Task PrepareForServingAsync(PlacementSettings settings) => Task.CompletedTask;
}
