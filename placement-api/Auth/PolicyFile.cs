using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Placement.Api.Auth;

/// <summary>The operator's rule overrides: a mapping of rule name to check string, in JSON or YAML as oslo.policy reads it.</summary>
internal static class PolicyFile
{
    /// <summary>The overrides; none when no file is configured or the file does not exist (upstream's default path usually does not).</summary>
    /// <exception cref="InvalidDataException">The file is neither a JSON nor a YAML mapping of names to check strings.</exception>
    public static IReadOnlyDictionary<string, string> Load(string? path)
    {
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            return new Dictionary<string, string>();
        }
        var rules = Parse(path, File.ReadAllText(path)) ?? [];
        // A rule with no value (YAML "name:" or JSON null) is an empty check string, which always passes.
        return rules.ToDictionary(r => r.Key, r => r.Value ?? "");
    }

    private static Dictionary<string, string?>? Parse(string path, string text)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string?>>(text);
        }
        catch (JsonException)
        {
            // Not JSON: read it as YAML, as oslo.policy does.
        }
        try
        {
            return new DeserializerBuilder().Build().Deserialize<Dictionary<string, string?>>(text);
        }
        catch (YamlException e)
        {
            throw new InvalidDataException(
                $"Policy file {path} is not a JSON or YAML mapping of rule names to check strings: {e.Message}", e);
        }
    }
}
