using Microsoft.EntityFrameworkCore;

namespace Placement.Api.Database;

public static class DatabaseServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PlacementDbContext"/> (scoped, one per request, plus
    /// <see cref="IDbContextFactory{TContext}"/>) and <see cref="SchemaManager"/> (singleton) for <paramref name="url"/>.
    /// </summary>
    public static IServiceCollection AddPlacementDatabase(this IServiceCollection services, DatabaseUrl url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.IsInMemory)
        {
            services.AddSingleton(_ => new InMemoryDatabaseKeeper(url));
        }

        var connectionSetup = new SqliteConnectionSetup(url.IsInMemory);
        services.AddDbContextFactory<PlacementDbContext>((provider, options) =>
        {
            if (url.IsInMemory)
            {
                provider.GetRequiredService<InMemoryDatabaseKeeper>();
            }

            options.UseSqlite(url.ConnectionString).AddInterceptors(connectionSetup);
        });
        services.AddSingleton<SchemaManager>();
        return services;
    }
}
