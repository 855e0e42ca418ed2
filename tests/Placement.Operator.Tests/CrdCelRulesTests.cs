using System.Text.Json;
using System.Text.Json.Nodes;
using Cel;
using Placement.Operator.Crd;

namespace Placement.Operator.Tests;

/// <summary>
/// The CRD's CEL rules as kube-apiserver evaluates them when the CRD is created: every schema node's raw default is
/// checked against that node's rules, without the nested defaults applied first (apiextensions-apiserver,
/// pkg/apiserver/schema/defaulting/validation.go, <c>validate</c>: <c>celValidator.Validate(ctx, pth.Child("default"),
/// s, s.Default.Object, ...)</c>). A rule that reaches into a field the default lacks is an error there, and the CRD is
/// refused. Evaluated with a CEL implementation (the Cel package), not a copy of the rules in C#.
/// </summary>
public class CrdCelRulesTests
{
    public static TheoryData<string, string> DefaultsUnderRules()
    {
        var data = new TheoryData<string, string>();
        Walk(CrdGenerator.Generate()["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!, "openAPIV3Schema", data);
        return data;
    }

    private static void Walk(JsonNode schema, string path, TheoryData<string, string> data)
    {
        if (schema["default"] is not null && schema["x-kubernetes-validations"] is JsonArray rules)
        {
            foreach (var rule in rules)
            {
                data.Add(path, (string)rule!["rule"]!);
            }
        }
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
            {
                Walk(child!, $"{path}.{name}", data);
            }
        }
        if (schema["items"] is { } items)
        {
            Walk(items, $"{path}[]", data);
        }
    }

    private static JsonNode SchemaAt(string path)
    {
        JsonNode node = CrdGenerator.Generate()["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;
        foreach (var step in path.Split('.').Skip(1))
        {
            node = step.EndsWith("[]", StringComparison.Ordinal) ? node["properties"]![step[..^2]]!["items"]! : node["properties"]![step]!;
        }
        return node;
    }

    [Fact]
    public void Some_defaults_are_under_rules() => Assert.NotEmpty(DefaultsUnderRules());

    [Theory]
    [MemberData(nameof(DefaultsUnderRules))]
    public void Every_default_passes_the_rules_of_its_node(string path, string rule)
    {
        var self = CelValue(SchemaAt(path)["default"]!);
        object? result;
        try
        {
            result = new CelEnvironment(null, null).Compile(rule)(new Dictionary<string, object?> { ["self"] = self });
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{path}: the default fails rule `{rule}` with an error, and kube-apiserver refuses the CRD: {e.Message}");
        }
        Assert.True(result is true, $"{path}: the default does not satisfy rule `{rule}`");
    }

    /// <summary>JSON as CEL sees it: objects as maps, arrays as lists, integers as int.</summary>
    private static object? CelValue(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => CelValue(p.Value)),
        JsonArray a => a.Select(CelValue).ToList(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        JsonValue v when v.TryGetValue<long>(out var integer) => integer,
        _ => node.GetValue<double>(),
    };
}
