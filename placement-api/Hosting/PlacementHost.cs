using Microsoft.AspNetCore.Cors.Infrastructure;
using Placement.Api.Auth;
using Placement.Api.Configuration;
using Placement.Api.Database;
using Placement.Api.Http;

namespace Placement.Api.Hosting;

/// <summary>Builds the web application: services, the middleware pipeline (in upstream's order) and the routes.</summary>
public static class PlacementHost
{
    public const string PathPrefix = "/placement";

    public static WebApplication Build(PlacementSettings settings, DatabaseUrl database, string host, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(ListenAddress(host), port, listen => listen.Use(InvalidContentLengthRewriter.Middleware));
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
        });
        builder.Logging.SetMinimumLevel(settings.Debug ? LogLevel.Debug : LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", settings.Debug ? LogLevel.Information : LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", settings.Debug ? LogLevel.Information : LogLevel.Warning);
        // A failed statement, save or transaction is either an expected race the caller handles (a duplicate key
        // between two writers, a deadlock retried) or an error the request's error handling logs once with its exception.
        foreach (var category in new[] { "Database.Command", "Database.Transaction", "Update" })
        {
            builder.Logging.AddFilter($"Microsoft.EntityFrameworkCore.{category}", settings.Debug ? LogLevel.Information : LogLevel.None);
        }

        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<RouteTable>();
        builder.Services.AddSingleton<AllocationCandidates.Snapshots.CandidateCache>();
        builder.Services.AddHostedService<AllocationCandidates.Snapshots.CandidateCacheWarmUp>();
        builder.Services.AddHostedService<ChangeLogPruner>();
        builder.Services.AddPlacementDatabase(database);
        builder.Services.AddSingleton(new PolicyEnforcer(
            new PolicyOptions(settings.PolicyFile, settings.EnforceScope, settings.EnforceNewDefaults)));
        builder.Services.AddPlacementAuthentication(settings);
        if (settings.Cors is { } cors)
        {
            builder.Services.AddCors(options => options.AddDefaultPolicy(policy => ConfigureCors(policy, cors)));
        }

        var app = builder.Build();
        app.UseMiddleware<RequestIdMiddleware>();
        app.UsePathBase(PathPrefix);
        app.UseMiddleware<ErrorHandlingMiddleware>();
        if (settings.Cors is not null)
        {
            app.Use(PreflightAnswersOk);
            app.UseCors();
        }
        app.UsePlacementAuthentication(settings);
        app.UseMiddleware<MicroversionMiddleware>();
        app.Use((http, next) =>
        {
            RequestChecks.RequireContentTypeWithBody(http.Request);
            return next(http);
        });
        app.Use(RouteTable.RefuseTrailingSlash);
        app.UseRouting();
        app.UseMiddleware<LostConnectionRetryMiddleware>();
        MapRoutes(app);
        app.MapFallback(app.Services.GetRequiredService<RouteTable>().Fallback);
        return app;
    }

    private static void MapRoutes(WebApplication app)
    {
        // In upstream's declaration order, which is also the order of each 405's Allow header.
        Root.RootEndpoints.Map(app);
        ResourceClasses.ResourceClassEndpoints.Map(app);
        ResourceProviders.ResourceProviderEndpoints.Map(app);
        Inventories.InventoryEndpoints.Map(app);
        Usages.UsageEndpoints.Map(app);
        Aggregates.AggregateEndpoints.Map(app);
        Allocations.AllocationEndpoints.Map(app);
        AllocationCandidates.AllocationCandidateEndpoints.Map(app);
        Traits.TraitEndpoints.Map(app);
        Reshaper.ReshaperEndpoints.Map(app);
    }

    private static System.Net.IPAddress ListenAddress(string host) => host switch
    {
        "localhost" => System.Net.IPAddress.Loopback,
        "*" or "" => System.Net.IPAddress.Any,
        _ => System.Net.IPAddress.TryParse(host, out var address)
            ? address
            : throw new ConfigurationException($"--host: '{host}' is not an IP address"),
    };

    private static void ConfigureCors(CorsPolicyBuilder policy, CorsSettings cors)
    {
        policy.WithOrigins([.. cors.AllowedOrigins]).WithMethods([.. cors.AllowMethods]);
        if (cors.AllowHeaders.Count > 0)
        {
            policy.WithHeaders([.. cors.AllowHeaders]);
        }
        if (cors.ExposeHeaders.Count > 0)
        {
            policy.WithExposedHeaders([.. cors.ExposeHeaders]);
        }
        if (cors.AllowCredentials)
        {
            policy.AllowCredentials();
        }
        if (cors.MaxAge is { } maxAge)
        {
            policy.SetPreflightMaxAge(TimeSpan.FromSeconds(maxAge));
        }
    }

    /// <summary>oslo.middleware answers a CORS preflight with 200, ASP.NET Core with 204.</summary>
    private static Task PreflightAnswersOk(HttpContext http, RequestDelegate next)
    {
        if (HttpMethods.IsOptions(http.Request.Method) && http.Request.Headers.ContainsKey("Access-Control-Request-Method"))
        {
            http.Response.OnStarting(() =>
            {
                if (http.Response.StatusCode == StatusCodes.Status204NoContent)
                {
                    http.Response.StatusCode = StatusCodes.Status200OK;
                }
                return Task.CompletedTask;
            });
        }
        return next(http);
    }
}
