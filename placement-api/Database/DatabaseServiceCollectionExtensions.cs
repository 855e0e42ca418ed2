using Microsoft.EntityFrameworkCore;

namespace Placement.Api.Database;

public static class DatabaseServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PlacementDbContext"/> (scoped, one per request, plus
    /// <see cref="IDbContextFactory{TContext}"/>), the <paramref name="url"/>, <see cref="SchemaReadiness"/> and
    /// <see cref="SchemaManager"/> (singletons).
    /// </summary>
    public static IServiceCollection AddPlacementDatabase(this IServiceCollection services, DatabaseUrl url)
    {
        ArgumentNullException.ThrowIfNull(url);
        services.AddSingleton(url);
        services.AddSingleton<DatabaseOutageDetector>();
        if (url.IsInMemory)
        {
            services.AddSingleton(_ => new InMemoryDatabaseKeeper(url));
        }

        var sqliteSetup = new SqliteConnectionSetup(url.IsInMemory);
        services.AddDbContextFactory<PlacementDbContext>((provider, options) =>
        {
            switch (url.Provider)
            {
                case DatabaseProvider.Sqlite:
                    if (url.IsInMemory)
                    {
                        provider.GetRequiredService<InMemoryDatabaseKeeper>();
                    }

                    options.UseSqlite(url.ConnectionString).AddInterceptors(RequestCommits.Interceptor, sqliteSetup);
                    break;
                case DatabaseProvider.Postgresql:
                    options.UseNpgsql(url.ConnectionString)
                        .AddInterceptors(RequestCommits.Interceptor, provider.GetRequiredService<DatabaseOutageDetector>());
                    break;
                case DatabaseProvider.Mysql:
                    var outages = provider.GetRequiredService<DatabaseOutageDetector>();
                    options.UseMySQL(url.ConnectionString)
                        .AddInterceptors(RequestCommits.Interceptor, outages, new MysqlSessionSetup(outages), new MysqlDeleteSyntax());
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(url), url.Provider, "no EF Core provider for this backend");
            }
        });
        services.AddSingleton<SchemaReadiness>();
        // Requests take their context here (replacing the factory's own scoped registration): none before the schema is ready.
        services.AddScoped(provider => provider.GetRequiredService<SchemaReadiness>().IsReady
            ? provider.GetRequiredService<IDbContextFactory<PlacementDbContext>>().CreateDbContext()
            : throw new DatabaseUnavailableException(new InvalidOperationException("the database schema is not ready yet"), whileConnecting: true));
        services.AddSingleton<SchemaManager>();
        return services;
    }
}
