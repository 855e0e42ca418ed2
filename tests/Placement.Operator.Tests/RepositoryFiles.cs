namespace Placement.Operator.Tests;

internal static class RepositoryFiles
{
    public static string PathOf(params string[] parts)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory!.FullName, "Placement.slnx")))
        {
            directory = directory.Parent;
        }
        return Path.Combine([directory.FullName, .. parts]);
    }

    public static string Read(params string[] parts) => File.ReadAllText(PathOf(parts));
}
