using Placement.Api.Configuration;
using Placement.Api.Database;
using Placement.Api.Hosting;

namespace Placement.Api.Cli;

/// <summary>
/// The <c>placement</c> command: <c>serve</c>, <c>db sync</c>, <c>db version</c> and
/// <c>status upgrade check</c> (upstream's placement-api, placement-manage and placement-status).
/// </summary>
public static class CommandLine
{
    public const string Usage = """
        usage: placement [--config-file FILE] COMMAND

        commands:
          serve [--host HOST] [--port PORT]   serve the Placement API (default 127.0.0.1:8080)
          db sync                             create or upgrade the database schema, sync standard data
          db version                          print the schema's alembic revision
          status upgrade check                check the deployment is ready for this release

        Configuration comes from the ini file (default /etc/placement/placement.conf when present)
        and OS_<GROUP>__<OPTION> environment variables, which win, e.g.
          OS_API__AUTH_STRATEGY=noauth2 OS_PLACEMENT_DATABASE__CONNECTION=sqlite:////var/lib/placement/placement.db
        DB_SYNC=True (or OS_PLACEMENT_DATABASE__SYNC_ON_STARTUP=True) syncs the schema when serving starts.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        ParsedArguments parsed;
        try
        {
            parsed = ParsedArguments.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"placement: {e.Message}\n\n{Usage}");
            return 2;
        }
        if (parsed.Help)
        {
            Console.WriteLine(Usage);
            return 0;
        }
        try
        {
            var settings = PlacementSettings.From(
                OsloConfig.FromProcessEnvironment(parsed.ConfigFile), Environment.GetEnvironmentVariable("DB_SYNC"));
            return parsed.Command switch
            {
                ["serve"] => await ServeAsync(settings, parsed.Host, parsed.Port),
                ["db", "sync"] => await DatabaseCommands.SyncAsync(settings),
                ["db", "version"] => await DatabaseCommands.VersionAsync(settings),
                ["status", "upgrade", "check"] => await DatabaseCommands.UpgradeCheckAsync(settings),
                _ => throw new ArgumentException($"unknown command '{string.Join(' ', parsed.Command)}'"),
            };
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"placement: {e.Message}\n\n{Usage}");
            return 2;
        }
        catch (ConfigurationException e)
        {
            await Console.Error.WriteLineAsync($"placement: configuration error: {e.Message}");
            return 1;
        }
        catch (DatabaseSchemaException e)
        {
            await Console.Error.WriteLineAsync($"placement: database error: {e.Message}");
            return 1;
        }
        catch (InvalidDataException e)
        {
            await Console.Error.WriteLineAsync($"placement: configuration error: [oslo_policy] policy_file: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> ServeAsync(PlacementSettings settings, string host, int port)
    {
        settings.RequireAuthStrategy();
        var app = PlacementHost.Build(settings, DatabaseCommands.ParseUrl(settings), host, port);
        await DatabaseCommands.PrepareForServingAsync(settings, app.Services);
        await app.RunAsync();
        return 0;
    }
}

/// <summary>The command words and the options that may stand anywhere among them.</summary>
public sealed record ParsedArguments(IReadOnlyList<string> Command, string? ConfigFile, string Host, int Port, bool Help)
{
    public static ParsedArguments Parse(IReadOnlyList<string> args)
    {
        var command = new List<string>();
        string? configFile = null;
        var host = "127.0.0.1";
        var port = 8080;
        var help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inlineValue) = args[i].Split('=', 2) is [var n, var v] && n.StartsWith("--", StringComparison.Ordinal)
                ? (n, v)
                : (args[i], (string?)null);
            string Value() => inlineValue ?? (++i < args.Count ? args[i] : throw new ArgumentException($"{name} needs a value"));
            switch (name)
            {
                case "-h" or "--help":
                    help = true;
                    break;
                case "--config-file":
                    configFile = Value();
                    break;
                case "--host":
                    host = Value();
                    break;
                case "--port":
                    var text = Value();
                    if (!int.TryParse(text, out port) || port is < 0 or > 65535)
                    {
                        throw new ArgumentException($"--port: '{text}' is not a port number");
                    }
                    break;
                default:
                    if (name.StartsWith('-'))
                    {
                        throw new ArgumentException($"unknown option '{name}'");
                    }
                    command.Add(name);
                    break;
            }
        }
        if (command.Count == 0 && !help)
        {
            throw new ArgumentException("no command given");
        }
        return new ParsedArguments(command, configFile, host, port, help);
    }
}
