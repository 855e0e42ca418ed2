using System.Diagnostics;
using System.Text.Json;

namespace Placement.Api.Tests.Database;

/// <summary>
/// Upstream Placement (Debian's python3-placement under /usr/bin/python3) run against a database
/// given by its SQLAlchemy URL, at master's alembic head: Debian ships 8.0.0, so master's one later migration is added.
/// </summary>
internal static class UpstreamPlacement
{
    private const string Python = "/usr/bin/python3";

    private static readonly Lazy<string> ScriptDirectory = new(WriteScripts);

    /// <summary>Null when upstream can run here, else why not.</summary>
    public static string? Unavailable { get; } = CheckAvailable();

    /// <summary>placement-manage db sync, at master's head (or at Debian's 8.0.0 head).</summary>
    public static Task SyncAsync(string url, bool atMasterHead = true) => RunAsync(url, atMasterHead ? "sync" : "sync-8.0.0");

    /// <summary>placement-manage db sync as far as <paramref name="revision"/>: a database of an older upstream release.</summary>
    public static Task SyncToAsync(string url, string revision) => RunAsync(url, $"sync-to-{revision}");

    /// <summary>placement-manage db version.</summary>
    public static async Task<string> VersionAsync(string url) => (await RunAsync(url, "version")).Trim();

    /// <summary>
    /// Does what upstream's server does at start (db sync with sync_on_startup, standard traits and
    /// classes), then reads every table through upstream's models.
    /// </summary>
    public static Task<JsonElement> StartAndReadAsync(string url) => RunForJsonAsync(url, "start");

    /// <summary>
    /// Does what upstream's server does at start, then writes through upstream's objects as its API would: a provider
    /// (<see cref="WrittenProviderUuid"/>) with 8 VCPU of inventory, a project, a user and a consumer, and that consumer's
    /// allocation of 2 VCPU. Returns the ids upstream holds for what it wrote: provider_id, allocation_ids.
    /// </summary>
    public static Task<JsonElement> StartAndWriteAsync(string url) => RunForJsonAsync(url, "write");

    public const string WrittenProviderUuid = "5e0c3a4e-5b1f-4a8e-9d3c-7f2a1b6c8d90";

    private static async Task<JsonElement> RunForJsonAsync(string url, string command)
    {
        var output = await RunAsync(url, command);
        return JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
    }

    private static string? CheckAvailable()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(Python, ["-c", "import placement.cmd.manage, placement.deploy"])
            {
                RedirectStandardError = true,
            })!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null : $"{Python} cannot import placement (install python3-placement): {error.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{Python} is missing: {e.Message}";
        }
    }

    private static async Task<string> RunAsync(string url, string command)
    {
        var script = Path.Combine(ScriptDirectory.Value, "upstream_placement.py");
        using var process = Process.Start(new ProcessStartInfo(Python, [script, url, command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"upstream `{command}` failed ({process.ExitCode}):\n{await error}\n{await output}");
        }

        return await output;
    }

    private static string WriteScripts()
    {
        var directory = Directory.CreateTempSubdirectory("upstream-placement-").FullName;
        Directory.CreateDirectory(Path.Combine(directory, "master_versions"));
        File.WriteAllText(Path.Combine(directory, "upstream_placement.py"), DriverScript);
        File.WriteAllText(Path.Combine(directory, "master_versions", "a082b8bb98d0_drop_redundant_indexes.py"), MasterMigration);
        return directory;
    }

    /// <summary>Master's migration after 8.0.0's head: the unique constraints already index these columns.</summary>
    private const string MasterMigration = """
        from alembic import op

        revision = 'a082b8bb98d0'
        down_revision = '422ece571366'
        branch_labels = None
        depends_on = None


        def upgrade():
            for table, index in (
                    ('inventories', 'inventories_resource_provider_id_idx'),
                    ('inventories', 'inventories_resource_provider_resource_class_idx'),
                    ('placement_aggregates', 'ix_placement_aggregates_uuid'),
                    ('resource_providers', 'resource_providers_name_idx'),
                    ('resource_providers', 'resource_providers_uuid_idx')):
                op.drop_index(index, table_name=table)

        """;

    private const string DriverScript = """
        import json
        import os
        import sys
        import tempfile

        # usage: upstream_placement.py DATABASE_URL sync|sync-8.0.0|sync-to-REVISION|version|start|write
        url, command = sys.argv[1], sys.argv[2]
        os.environ['OS_PLACEMENT_DATABASE__CONNECTION'] = url
        os.environ['OS_PLACEMENT_CONFIG_DIR'] = tempfile.mkdtemp()  # no /etc/placement/placement.conf

        from placement.db.sqlalchemy import migration  # noqa: E402

        # Debian ships 8.0.0; master has one more migration, written next to this script.
        _upstream_alembic_config = migration._alembic_config


        def _alembic_config_with_master_migrations():
            config = _upstream_alembic_config()
            shipped = os.path.join(os.path.dirname(migration.__file__), 'alembic', 'versions')
            master = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'master_versions')
            config.set_main_option('version_locations', shipped + ' ' + master)
            return config


        if command != 'sync-8.0.0':
            migration._alembic_config = _alembic_config_with_master_migrations

        if command.startswith('sync-to-'):
            target, _upgrade = command[len('sync-to-'):], migration.upgrade
            migration.upgrade = lambda revision, config=None: _upgrade(target, config)
            command = 'sync'

        if command in ('sync', 'sync-8.0.0', 'version'):
            from placement.cmd import manage
            sys.argv = ['placement-manage', 'db', command.split('-')[0]]
            sys.exit(manage.main())

        from oslo_config import cfg  # noqa: E402
        from placement import conf, context, db_api, deploy  # noqa: E402
        from placement.db.sqlalchemy import models  # noqa: E402
        from placement.objects import resource_class, trait  # noqa: E402

        config = cfg.ConfigOpts()
        conf.register_opts(config)
        config([], project='placement', default_config_files=[])
        config.set_override('sync_on_startup', True, group='placement_database')
        db_api.configure(config)
        deploy.update_database(config)

        ctx = context.RequestContext(config=config)
        if command == 'write':
            from placement.objects import allocation, consumer, inventory, project, resource_provider, user

            provider = resource_provider.ResourceProvider(ctx, uuid='5e0c3a4e-5b1f-4a8e-9d3c-7f2a1b6c8d90', name='upstream-rp')
            provider.create()
            provider.set_inventory([inventory.Inventory(resource_provider=provider, resource_class='VCPU', total=8, max_unit=8)])
            owner = project.Project(ctx, external_id='upstream-project')
            owner.create()
            person = user.User(ctx, external_id='upstream-user')
            person.create()
            instance = consumer.Consumer(ctx, uuid='0b7f6e2a-3c4d-4e5f-8a9b-1c2d3e4f5a6b', project=owner, user=person)
            instance.create()
            allocations = [allocation.Allocation(resource_provider=provider, consumer=instance, resource_class='VCPU', used=2)]
            allocation.replace_all(ctx, allocations)
            print(json.dumps({'provider_id': provider.id, 'allocation_ids': [a.id for a in allocations]}))
            sys.exit(0)

        with db_api.placement_context_manager.reader.using(ctx):
            rows = {}
            for model in (models.ResourceProvider, models.Inventory, models.Allocation, models.Consumer,
                          models.Project, models.User, models.ConsumerType, models.ResourceClass,
                          models.Trait, models.ResourceProviderTrait, models.PlacementAggregate,
                          models.ResourceProviderAggregate):
                rows[model.__tablename__] = [
                    {'created_at': r.created_at and r.created_at.isoformat(),
                     'updated_at': r.updated_at and r.updated_at.isoformat()}
                    for r in ctx.session.query(model).all()]
        print(json.dumps({
            'resource_classes': [[rc.id, rc.name] for rc in sorted(resource_class.get_all(ctx), key=lambda rc: rc.id)],
            'traits': sorted(t.name for t in trait.get_all(ctx)),
            'rows': rows,
        }))
        """;
}
