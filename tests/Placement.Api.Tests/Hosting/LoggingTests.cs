using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Placement.Api.Configuration;
using Placement.Api.Database;
using Placement.Api.Hosting;

namespace Placement.Api.Tests.Hosting;

/// <summary>
/// What the service logs: two API processes racing to insert the same project must not fill the log with
/// EF Core's stack traces for a duplicate key the store handles, while unexpected errors are still logged.
/// </summary>
public sealed class LoggingTests
{
    private static ILoggerFactory LoggerFactory(bool debug)
    {
        var environment = new Dictionary<string, string>
        {
            ["OS_API__AUTH_STRATEGY"] = "noauth2",
            ["OS_PLACEMENT_DATABASE__CONNECTION"] = "sqlite://",
            ["OS_DEFAULT__DEBUG"] = debug ? "True" : "False",
        };
        var settings = PlacementSettings.From(new OsloConfig(OsloConfig.FromEnvironment(environment)));
        var app = PlacementHost.Build(settings, DatabaseUrl.Parse(settings.DatabaseConnection), "127.0.0.1", 0);
        return app.Services.GetRequiredService<ILoggerFactory>();
    }

    [Fact]
    public void FailedStatementsAreNotLoggedByEfCoreOutsideDebug()
    {
        var loggers = LoggerFactory(debug: false);
        Assert.False(loggers.CreateLogger("Microsoft.EntityFrameworkCore.Database.Command").IsEnabled(LogLevel.Error));
        Assert.False(loggers.CreateLogger("Microsoft.EntityFrameworkCore.Database.Transaction").IsEnabled(LogLevel.Error));
        Assert.False(loggers.CreateLogger("Microsoft.EntityFrameworkCore.Update").IsEnabled(LogLevel.Error));
        Assert.True(loggers.CreateLogger("Microsoft.EntityFrameworkCore.Query").IsEnabled(LogLevel.Error));
        Assert.True(loggers.CreateLogger(typeof(Placement.Api.Http.ErrorHandlingMiddleware).FullName!).IsEnabled(LogLevel.Error));
    }

    [Fact]
    public void DebugLogsEveryStatement()
    {
        var loggers = LoggerFactory(debug: true);
        Assert.True(loggers.CreateLogger("Microsoft.EntityFrameworkCore.Database.Command").IsEnabled(LogLevel.Information));
    }
}
