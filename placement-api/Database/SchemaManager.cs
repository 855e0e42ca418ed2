using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Placement.Api.Database.Entities;

namespace Placement.Api.Database;

/// <summary>
/// Creates and checks the schema exactly as upstream's alembic leaves it, so that upstream
/// Placement and this server can open a database either of them created, plus the change log of ours beside it
/// (<see cref="ChangeLogSchema"/>).
/// </summary>
public sealed class SchemaManager(IDbContextFactory<PlacementDbContext> contexts, DatabaseUrl url, ILogger<SchemaManager> logger)
{
    private readonly SchemaDialect _dialect = SchemaDialect.For(url.Provider);

    private readonly ChangeLogSchema _changeLog = new(url.Provider, logger);

    /// <summary>Upstream master's alembic head ("Drop redundant indexes for unique constraints").</summary>
    public const string HeadRevision = "a082b8bb98d0";

    /// <summary>
    /// Upstream's migrations, oldest first: from each revision, what brings a database to the next one. A script of ours
    /// (Database/Schema/BACKEND-upgrade-from-REV.sql) where upstream's changes the schema; upstream's two "block" migrations
    /// change nothing but refuse data that its online data migrations have yet to complete, and so does our check.
    /// </summary>
    private static readonly UpstreamMigration[] Migrations =
    [
        new("b4ed3a175331", "611cd6dffd7b", Blocker: new(
            "at least one resource provider has no root provider id",
            db => db.ResourceProviders.AnyAsync(p => p.RootProviderId == null))),
        new("611cd6dffd7b", "b5c396305c25", Blocker: new(
            "at least one allocation has no consumer record",
            db => db.Allocations.AnyAsync(a => !db.Consumers.Any(c => c.Uuid == a.ConsumerId)))),
        new("b5c396305c25", "422ece571366", Script: true), // consumer types
        new("422ece571366", HeadRevision, Script: true), // redundant indexes dropped (Placement 8.0.0 to master)
    ];

    private const string SyncAdvice = "run `placement-api db sync` or set [placement_database] sync_on_startup = true";

    /// <summary>
    /// Brings the database to <see cref="HeadRevision"/> (creating the schema if the database is
    /// empty; a no-op at head), installs what the change log lacks, and adds missing standard resource classes and traits
    /// (logged, then, like any change).
    /// Safe to run from several processes at once: it all happens in one transaction, and processes take turns.
    /// </summary>
    /// <exception cref="DatabaseSchemaException">The database holds something we cannot upgrade.</exception>
    public async Task SyncAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await SchemaTurn.TakeAsync(db, _dialect, cancellationToken);
        var revision = await ReadRevisionAsync(db, cancellationToken);
        if (revision is null)
        {
            logger.LogInformation("Creating the Placement schema at revision {Revision}", HeadRevision);
            await db.Database.ExecuteSqlRawAsync(ReadScript($"{_dialect.ScriptPrefix}.sql"), cancellationToken);
            db.AlembicVersion.Add(new AlembicVersion { VersionNum = HeadRevision });
            await db.SaveChangesAsync(cancellationToken);
        }
        else if (revision != HeadRevision)
        {
            await UpgradeAsync(db, revision, cancellationToken);
        }

        await _changeLog.InstallAsync(db, cancellationToken);
        await SyncStandardDataAsync(db, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The schema revision (alembic_version), or null when the database has no schema yet.</summary>
    /// <exception cref="DatabaseSchemaException">The database holds tables but no alembic revision.</exception>
    public async Task<string?> CurrentRevisionAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await ReadRevisionAsync(db, cancellationToken);
    }

    /// <summary>
    /// For a start without sync: checks the schema is at <see cref="HeadRevision"/>, installs what the change log lacks
    /// (a database upstream created has none), then adds missing standard resource classes and traits, as upstream does at
    /// every start.
    /// </summary>
    /// <exception cref="DatabaseSchemaException">The schema is missing or at another revision.</exception>
    public async Task EnsureReadyAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await SchemaTurn.TakeAsync(db, _dialect, cancellationToken);
        var revision = await ReadRevisionAsync(db, cancellationToken)
            ?? throw new DatabaseSchemaException($"database schema missing: {SyncAdvice}");
        if (revision != HeadRevision)
        {
            PathToHead(revision);
            throw new DatabaseSchemaException($"database schema is at revision {revision}, older than {HeadRevision}: {SyncAdvice}");
        }

        await _changeLog.InstallAsync(db, cancellationToken);
        await SyncStandardDataAsync(db, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Brings a database at an older upstream revision to head as upstream's alembic would, checking first what
    /// upstream's block migrations check, so that a database we cannot upgrade is left as it was.
    /// </summary>
    private async Task UpgradeAsync(PlacementDbContext db, string revision, CancellationToken cancellationToken)
    {
        var path = PathToHead(revision);
        foreach (var migration in path)
        {
            if (migration.Blocker is { } blocker && await blocker.FoundAsync(db))
            {
                throw new DatabaseSchemaException(
                    $"database schema is at revision {revision} and cannot be upgraded: {blocker.Problem} (upstream's migration "
                    + $"{migration.To} refuses it too); run upstream's `placement-manage db online_data_migrations` first");
            }
        }

        logger.LogInformation("Upgrading the Placement schema from revision {From} to {Revision}", revision, HeadRevision);
        foreach (var migration in path.Where(m => m.Script))
        {
            await db.Database.ExecuteSqlRawAsync(ReadScript($"{_dialect.ScriptPrefix}-upgrade-from-{migration.From}.sql"), cancellationToken);
        }

        await db.AlembicVersion.ExecuteUpdateAsync(s => s.SetProperty(v => v.VersionNum, HeadRevision), cancellationToken);
    }

    /// <summary>The migrations from <paramref name="revision"/> to head.</summary>
    /// <exception cref="DatabaseSchemaException">The revision is none of upstream's that we know.</exception>
    private static UpstreamMigration[] PathToHead(string revision)
    {
        var first = Array.FindIndex(Migrations, m => m.From == revision);
        return first >= 0
            ? Migrations[first..]
            : throw new DatabaseSchemaException($"database schema is at unknown revision {revision} (expected {HeadRevision}); "
                + "it was perhaps created by a newer Placement");
    }

    /// <param name="Script">Whether Database/Schema/BACKEND-upgrade-from-FROM.sql does what the migration does.</param>
    /// <param name="Blocker">What makes upstream's migration refuse the database, when it is one of the block migrations.</param>
    private sealed record UpstreamMigration(string From, string To, bool Script = false, MigrationBlocker? Blocker = null);

    private sealed record MigrationBlocker(string Problem, Func<PlacementDbContext, Task<bool>> FoundAsync);

    private async Task<string?> ReadRevisionAsync(PlacementDbContext db, CancellationToken cancellationToken)
    {
        var tables = await db.Database.SqlQueryRaw<string>(_dialect.ListTablesSql).ToListAsync(cancellationToken);
        if (!tables.Contains("alembic_version"))
        {
            return tables.Count == 0
                ? null
                : throw new DatabaseSchemaException(
                    $"the database has tables ({string.Join(", ", tables.Order())}) but no alembic_version: it was not created by Placement");
        }

        var revisions = await db.AlembicVersion.Select(v => v.VersionNum).ToListAsync(cancellationToken);
        return revisions.Count switch
        {
            // alembic creates the table before its first migration; an empty one means that failed.
            0 => throw new DatabaseSchemaException($"alembic_version is empty: an earlier schema creation failed half-way; {SyncAdvice} on a new database"),
            1 => revisions[0],
            _ => throw new DatabaseSchemaException($"alembic_version holds several revisions ({string.Join(", ", revisions)}); Placement has one"),
        };
    }

    /// <summary>
    /// Upstream's start-up sync: standard classes that are missing get their fixed id (their index);
    /// standard traits that are missing get database-assigned ids. Nothing is ever removed.
    /// </summary>
    private async Task SyncStandardDataAsync(PlacementDbContext db, CancellationToken cancellationToken)
    {
        var classNames = (await db.ResourceClasses.Select(rc => rc.Name).ToListAsync(cancellationToken)).ToHashSet();
        var missingClasses = StandardData.ResourceClasses
            .Select((name, id) => new ResourceClass { Id = id, Name = name })
            .Where(rc => !classNames.Contains(rc.Name))
            .ToList();
        var traitNames = (await db.Traits.Select(t => t.Name).ToListAsync(cancellationToken)).ToHashSet();
        var missingTraits = StandardData.Traits
            .Where(name => !traitNames.Contains(name))
            .Select(name => new Trait { Name = name })
            .ToList();
        if (missingClasses.Count == 0 && missingTraits.Count == 0)
        {
            return;
        }

        db.ResourceClasses.AddRange(missingClasses);
        db.Traits.AddRange(missingTraits);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Added {Classes} standard resource classes and {Traits} standard traits", missingClasses.Count, missingTraits.Count);
    }

    /// <summary>Database/Schema/<paramref name="file"/>, embedded in the build.</summary>
    internal static string ReadScript(string file)
    {
        using var stream = typeof(SchemaManager).Assembly.GetManifestResourceStream($"Placement.Api.Database.Schema.{file}")
            ?? throw new InvalidOperationException($"embedded resource Database/Schema/{file} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>One replica's turn at the schema: a transaction holding the dialect's cross-process lock.</summary>
    private sealed class SchemaTurn(PlacementDbContext db, IDbContextTransaction transaction, SchemaDialect dialect) : IAsyncDisposable
    {
        public static async Task<SchemaTurn> TakeAsync(PlacementDbContext db, SchemaDialect dialect, CancellationToken cancellationToken)
        {
            // One connection for the whole turn: MySQL's lock belongs to the session that took it, and
            // EF would hand the connection back to the pool at commit, so the release would run on
            // another one and leave the lock held by an idle pooled connection.
            await db.Database.OpenConnectionAsync(cancellationToken);
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (dialect.SerializeSql is { } serialize)
            {
                await db.Database.ExecuteSqlRawAsync(serialize, cancellationToken);
            }

            return new SchemaTurn(db, transaction, dialect);
        }

        public Task CommitAsync(CancellationToken cancellationToken) => transaction.CommitAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            if (dialect.ReleaseSql is { } release)
            {
                await db.Database.ExecuteSqlRawAsync(release);
            }

            await db.Database.CloseConnectionAsync();
        }
    }
}
