namespace Placement.Api.Database;

/// <summary>
/// The standard resource classes (os-resource-classes) and traits (os-traits) every Placement
/// database holds, from the name lists embedded under Database/StandardData.
/// </summary>
public static class StandardData
{
    /// <summary>Standard resource classes in upstream's order: a class's id is its index.</summary>
    public static IReadOnlyList<string> ResourceClasses { get; } = ReadNames("standard-resource-classes.txt");

    public static IReadOnlyList<string> Traits { get; } = ReadNames("standard-traits.txt");

    private static string[] ReadNames(string file)
    {
        using var stream = typeof(StandardData).Assembly.GetManifestResourceStream($"Placement.Api.Database.StandardData.{file}")
            ?? throw new InvalidOperationException($"embedded resource Database/StandardData/{file} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
