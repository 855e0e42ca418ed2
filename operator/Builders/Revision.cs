using Placement.Operator.Resources;

namespace Placement.Operator.Builders;

/// <summary>
/// What the pods run, as one hash: the image (its schema migrations), the database, the settings (through the
/// ConfigMap's name, which is the hash of its content) and the contents of the Secrets the pods read. Each revision
/// gets its own database sync Job, and the Deployment moves to a revision only once that Job has succeeded; so a
/// rotated password or database URL is synced with before any pod uses it, and a failed sync leaves the running
/// pods exactly as they were.
/// </summary>
public static class Revision
{
    /// <param name="secretDigests">For each environment variable taken from a Secret, the SHA-256 of its value.</param>
    public static string Of(PlacementService ps, IReadOnlyDictionary<string, string> secretDigests)
    {
        var database = ps.Spec.Database.ConnectionSecretRef is { } secret ? $"secret:{secret.Name}/{secret.Key}" : "sqlite";
        var secrets = secretDigests.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}");
        return Naming.ShortHash(string.Join("\n", [ps.Spec.Image, database, Settings.ConfigMapName(ps), .. secrets]));
    }
}
