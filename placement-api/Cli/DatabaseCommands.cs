using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Placement.Api.Configuration;
using Placement.Api.Database;

namespace Placement.Api.Cli;

/// <summary>
/// The database side of the commands (upstream's placement-manage db and placement-status):
/// schema sync, version, upgrade checks, and the schema step before serving.
/// </summary>
public static class DatabaseCommands
{
    /// <summary>The database URL, or a start-up error naming the option.</summary>
    public static DatabaseUrl ParseUrl(PlacementSettings settings)
    {
        try
        {
            return DatabaseUrl.Parse(settings.DatabaseConnection, settings.DatabasePool);
        }
        catch (DatabaseUrlException e)
        {
            throw new ConfigurationException($"[placement_database] connection: {e.Message}");
        }
    }

    public static async Task<int> SyncAsync(PlacementSettings settings)
    {
        await using var services = Services(settings);
        await services.GetRequiredService<SchemaManager>().SyncAsync();
        return 0;
    }

    public static async Task<int> VersionAsync(PlacementSettings settings)
    {
        await using var services = Services(settings);
        Console.WriteLine(await services.GetRequiredService<SchemaManager>().CurrentRevisionAsync() ?? "None");
        return 0;
    }

    public static async Task<int> UpgradeCheckAsync(PlacementSettings settings)
    {
        await using var services = Services(settings);
        var factory = services.GetRequiredService<IDbContextFactory<PlacementDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var checks = new List<UpgradeCheck>
        {
            await db.ResourceProviders.AnyAsync(p => p.RootProviderId == null)
                ? new UpgradeCheck("Missing Root Provider IDs", UpgradeCheckResult.Failure,
                    "There is at least one resource provider table record which misses its root provider id. " +
                    "Run the \"placement-manage db online_data_migrations\" command.")
                : new UpgradeCheck("Missing Root Provider IDs", UpgradeCheckResult.Success),
            await IncompleteConsumersCheck(db),
            PolicyFileCheck(settings),
        };
        Console.Write(UpgradeCheckReport.Render(checks));
        return UpgradeCheckReport.ExitCode(checks);
    }

    /// <summary>
    /// Before serving: sync the schema when asked to, else insist it is current (both add standard data).
    /// A database that cannot be reached does not stop the start: the server answers 503 meanwhile and
    /// does this step as soon as the database is back (several replicas may start before their database);
    /// requests reach the database only once it is done (<see cref="SchemaReadiness"/>).
    /// </summary>
    public static async Task PrepareForServingAsync(PlacementSettings settings, IServiceProvider services)
    {
        var schema = services.GetRequiredService<SchemaManager>();
        Func<Task> prepare = async () =>
        {
            try
            {
                await (settings.SyncOnStartup ? schema.SyncAsync() : schema.EnsureReadyAsync());
            }
            catch (DbException e)
            {
                // A database that answers but refuses us (no such database, wrong password): a start-up error.
                throw new DatabaseSchemaException($"cannot use the database: {e.Message}");
            }
        };
        try
        {
            await prepare();
        }
        catch (DatabaseUnavailableException e)
        {
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseCommands));
            logger.LogWarning("Serving without the database, which is unavailable ({Cause}); preparing it when it is back", e.InnerException?.Message);
            var readiness = services.GetRequiredService<SchemaReadiness>();
            readiness.WaitForDatabase();
            _ = PrepareWhenAvailableAsync(async () =>
            {
                await prepare();
                readiness.Prepared();
            }, services.GetRequiredService<IHostApplicationLifetime>(), logger);
        }
    }

    private static async Task PrepareWhenAvailableAsync(Func<Task> prepare, IHostApplicationLifetime lifetime, ILogger logger)
    {
        var stopping = lifetime.ApplicationStopping;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), stopping);
                await prepare();
                logger.LogInformation("Database available again; schema ready");
                return;
            }
            catch (DatabaseUnavailableException)
            {
                // Still down: try again.
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (DatabaseSchemaException e)
            {
                // What a start with this database would have said: stop as that start would have.
                logger.LogCritical("placement: database error: {Message}", e.Message);
                Environment.ExitCode = 1;
                lifetime.StopApplication();
                return;
            }
        }
    }

    private static async Task<UpgradeCheck> IncompleteConsumersCheck(PlacementDbContext db)
    {
        var missing = await db.Allocations
            .Where(a => !db.Consumers.Any(c => c.Uuid == a.ConsumerId))
            .Select(a => a.ConsumerId).Distinct().CountAsync();
        return missing == 0
            ? new UpgradeCheck("Incomplete Consumers", UpgradeCheckResult.Success)
            : new UpgradeCheck("Incomplete Consumers", UpgradeCheckResult.Warning,
                $"There are {missing} incomplete consumers table records for existing allocations. " +
                "Run the \"placement-manage db online_data_migrations\" command.");
    }

    /// <summary>oslo.upgradecheck's policy check: a JSON policy file should be migrated to YAML.</summary>
    private static UpgradeCheck PolicyFileCheck(PlacementSettings settings)
    {
        const string name = "Policy File JSON to YAML Migration";
        var file = settings.PolicyFile;
        if (file is not null && file.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && File.Exists(file))
        {
            return new UpgradeCheck(name, UpgradeCheckResult.Failure,
                "Your policy file is JSON-formatted which is deprecated. You need to switch to YAML-formatted file. " +
                "Use the ``oslopolicy-convert-json-to-yaml`` tool to convert the existing JSON-formatted files to " +
                "YAML in a backwards-compatible manner: https://docs.openstack.org/oslo.policy/latest/cli/oslopolicy-convert-json-to-yaml.html.");
        }
        return new UpgradeCheck(name, UpgradeCheckResult.Success);
    }

    private static ServiceProvider Services(PlacementSettings settings) =>
        new ServiceCollection()
            .AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning))
            .AddPlacementDatabase(ParseUrl(settings))
            .BuildServiceProvider();
}
