namespace Placement.Api.Configuration;

/// <summary>
/// Raw oslo.config values: <c>[group] option = value</c> from an ini file, overridden by
/// <c>OS_&lt;GROUP&gt;__&lt;OPTION&gt;</c> environment variables (the environment wins, as in
/// the original container). Names are case-insensitive; typed reading and validation
/// live in <see cref="PlacementSettings"/>.
/// </summary>
public sealed class OsloConfig
{
    public const string DefaultConfigFile = "/etc/placement/placement.conf";

    private readonly Dictionary<(string Group, string Option), string> _values = new();

    public OsloConfig(IEnumerable<KeyValuePair<(string Group, string Option), string>> values)
    {
        foreach (var (key, value) in values)
        {
            _values[Normalize(key.Group, key.Option)] = value;
        }
    }

    /// <summary>Loads the ini file (if given or present at the default path) and then the environment.</summary>
    public static OsloConfig Load(string? configFile, IDictionary<string, string> environment)
    {
        var values = new List<KeyValuePair<(string, string), string>>();
        var file = configFile ?? (File.Exists(DefaultConfigFile) ? DefaultConfigFile : null);
        if (file is not null)
        {
            if (!File.Exists(file))
            {
                throw new ConfigurationException($"config file {file} does not exist");
            }
            values.AddRange(ParseIni(File.ReadAllLines(file), file));
        }
        values.AddRange(FromEnvironment(environment));
        return new OsloConfig(values);
    }

    public static OsloConfig FromProcessEnvironment(string? configFile)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            env[(string)entry.Key] = (string?)entry.Value ?? "";
        }
        return Load(configFile, env);
    }

    public string? Get(string group, string option) =>
        _values.TryGetValue(Normalize(group, option), out var value) ? value : null;

    /// <summary>All options set in a group (for pass-through groups such as keystone_authtoken).</summary>
    public IReadOnlyDictionary<string, string> Group(string group)
    {
        var name = group.ToLowerInvariant();
        return _values.Where(kv => kv.Key.Group == name).ToDictionary(kv => kv.Key.Option, kv => kv.Value);
    }

    /// <summary><c>OS_PLACEMENT_DATABASE__CONNECTION</c> is group <c>placement_database</c>, option <c>connection</c>.</summary>
    public static IEnumerable<KeyValuePair<(string, string), string>> FromEnvironment(IDictionary<string, string> environment)
    {
        foreach (var (name, value) in environment)
        {
            if (!name.StartsWith("OS_", StringComparison.Ordinal))
            {
                continue;
            }
            var rest = name[3..];
            var split = rest.IndexOf("__", StringComparison.Ordinal);
            if (split <= 0 || split + 2 >= rest.Length)
            {
                continue;
            }
            yield return new((rest[..split], rest[(split + 2)..]), value);
        }
    }

    public static IEnumerable<KeyValuePair<(string, string), string>> ParseIni(IEnumerable<string> lines, string fileName)
    {
        string? group = null;
        var lineNumber = 0;
        foreach (var rawLine in lines)
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }
            if (line[0] == '[')
            {
                if (line[^1] != ']')
                {
                    throw new ConfigurationException($"{fileName}:{lineNumber}: malformed section header '{line}'");
                }
                group = line[1..^1].Trim();
                continue;
            }
            var eq = line.IndexOfAny(['=', ':']);
            if (eq <= 0)
            {
                throw new ConfigurationException($"{fileName}:{lineNumber}: expected 'option = value', got '{line}'");
            }
            if (group is null)
            {
                throw new ConfigurationException($"{fileName}:{lineNumber}: option outside of a [section]");
            }
            yield return new((group, line[..eq].Trim()), line[(eq + 1)..].Trim());
        }
    }

    private static (string, string) Normalize(string group, string option) =>
        (group.ToLowerInvariant(), option.ToLowerInvariant().Replace('-', '_'));
}

/// <summary>A configuration problem that stops the service at start with a message naming the option.</summary>
public sealed class ConfigurationException(string message) : Exception(message);
