using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Placement.Api.Database.Entities;

namespace Placement.Api.Database;

/// <summary>
/// Upstream Placement's tables, mapped column for column. The schema itself comes from
/// <see cref="SchemaManager"/> (upstream's DDL), never from EF migrations or EnsureCreated.
/// </summary>
public class PlacementDbContext(DbContextOptions<PlacementDbContext> options) : DbContext(options)
{
    public DbSet<ResourceProvider> ResourceProviders => Set<ResourceProvider>();

    public DbSet<Inventory> Inventories => Set<Inventory>();

    public DbSet<Allocation> Allocations => Set<Allocation>();

    public DbSet<Consumer> Consumers => Set<Consumer>();

    public DbSet<Project> Projects => Set<Project>();

    public DbSet<User> Users => Set<User>();

    public DbSet<ConsumerType> ConsumerTypes => Set<ConsumerType>();

    public DbSet<ResourceClass> ResourceClasses => Set<ResourceClass>();

    public DbSet<Trait> Traits => Set<Trait>();

    public DbSet<ResourceProviderTrait> ResourceProviderTraits => Set<ResourceProviderTrait>();

    public DbSet<PlacementAggregate> PlacementAggregates => Set<PlacementAggregate>();

    public DbSet<ResourceProviderAggregate> ResourceProviderAggregates => Set<ResourceProviderAggregate>();

    public DbSet<AlembicVersion> AlembicVersion => Set<AlembicVersion>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        if (Database.IsSqlite())
        {
            // SQLAlchemy keeps SQLite DATETIMEs as text with exactly six fractional digits and parses
            // them with a regex; EF's default (up to seven, trailing zeros trimmed) would break upstream.
            configurationBuilder.Properties<DateTime>().HaveConversion<SqlAlchemySqliteDateTimeConverter>();
        }
        else
        {
            // Upstream's columns are naive (timestamp without time zone, MySQL's datetime) and hold UTC.
            configurationBuilder.Properties<DateTime>()
                .HaveColumnType(Database.IsNpgsql() ? "timestamp without time zone" : "datetime")
                .HaveConversion<NaiveUtcDateTimeConverter>();
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ResourceProvider>().ToTable("resource_providers");
        modelBuilder.Entity<Inventory>().ToTable("inventories");
        modelBuilder.Entity<Allocation>().ToTable("allocations");
        modelBuilder.Entity<Consumer>().ToTable("consumers");
        modelBuilder.Entity<Project>().ToTable("projects");
        modelBuilder.Entity<User>().ToTable("users");
        modelBuilder.Entity<ConsumerType>().ToTable("consumer_types");
        modelBuilder.Entity<ResourceClass>(e =>
        {
            e.ToTable("resource_classes");
            e.Property(rc => rc.Id).ValueGeneratedNever();
        });
        modelBuilder.Entity<Trait>().ToTable("traits");
        modelBuilder.Entity<ResourceProviderTrait>(e =>
        {
            e.ToTable("resource_provider_traits");
            e.HasKey(rpt => new { rpt.TraitId, rpt.ResourceProviderId });
        });
        modelBuilder.Entity<PlacementAggregate>().ToTable("placement_aggregates");
        modelBuilder.Entity<ResourceProviderAggregate>(e =>
        {
            e.ToTable("resource_provider_aggregates");
            e.HasKey(rpa => new { rpa.ResourceProviderId, rpa.AggregateId });
        });
        modelBuilder.Entity<AlembicVersion>(e =>
        {
            e.ToTable("alembic_version");
            e.HasKey(v => v.VersionNum);
        });

        // Upstream's column names are the snake_case of our property names, everywhere.
        foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(e => e.GetProperties()))
        {
            property.SetColumnName(SnakeCase(property.Name));
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampTimestamps();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampTimestamps();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>What upstream's TimestampMixin does: created_at on insert, updated_at on update.</summary>
    private void StampTimestamps()
    {
        var now = DateTime.UtcNow;
        foreach (var entry in ChangeTracker.Entries<TimestampedRow>())
        {
            if (entry.State == EntityState.Added)
            {
                entry.Entity.CreatedAt ??= now;
            }
            else if (entry.State == EntityState.Modified)
            {
                entry.Entity.UpdatedAt = now;
            }
        }
    }

    private static string SnakeCase(string name)
    {
        var snake = new StringBuilder(name.Length + 8);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && snake.Length > 0)
            {
                snake.Append('_');
            }

            snake.Append(char.ToLowerInvariant(c));
        }

        return snake.ToString();
    }
}

/// <summary>UTC DateTime in a naive timestamp column: written without a kind, read back as UTC.</summary>
internal sealed class NaiveUtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    value => DateTime.SpecifyKind(value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value, DateTimeKind.Unspecified),
    stored => DateTime.SpecifyKind(stored, DateTimeKind.Utc));

/// <summary>DateTime as SQLAlchemy stores it in SQLite: naive UTC text, <c>2024-01-31 12:34:56.789012</c>.</summary>
internal sealed class SqlAlchemySqliteDateTimeConverter() : ValueConverter<DateTime, string>(
    value => Format(value),
    text => Parse(text))
{
    private const string StorageFormat = "yyyy-MM-dd HH:mm:ss.ffffff";

    // SQLAlchemy writes the fraction always; older rows or hand edits may lack it.
    private static readonly string[] ReadFormats = [StorageFormat, "yyyy-MM-dd HH:mm:ss.FFFFFF", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd"];

    internal static string Format(DateTime value) =>
        (value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value).ToString(StorageFormat, CultureInfo.InvariantCulture);

    internal static DateTime Parse(string text) =>
        DateTime.ParseExact(text, ReadFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
