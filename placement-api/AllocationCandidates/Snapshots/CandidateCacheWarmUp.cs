using Placement.Api.Database;

namespace Placement.Api.AllocationCandidates.Snapshots;

/// <summary>
/// Reads the cloud into the candidates cache as the server starts, so that the first scheduler request does not pay
/// for it (seconds at tens of thousands of computes). A database that is not ready yet is read at the first request.
/// </summary>
internal sealed class CandidateCacheWarmUp(CandidateCache cache, SchemaReadiness readiness, ILogger<CandidateCacheWarmUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!readiness.IsReady)
        {
            return;
        }
        try
        {
            await cache.FreshSnapshotAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogInformation("The candidates cache will be read at the first request: {Error}", e.Message);
        }
    }
}
