using Placement.Operator.Resources;

namespace Placement.Operator.Builders;

/// <summary>
/// What the pods run, as one hash: the image (its schema migrations), the database, the settings (through the
/// ConfigMap's name, which is the hash of its content) and the versions of the Secrets the pods read. Each revision
/// gets its own database sync Job, and the Deployment moves to a revision only once that Job has succeeded; so a new
/// image or setting is synced with before any pod runs it, and a failed sync leaves the Deployment and the settings
/// of the running pods as they were. Secrets are the exception: pods read them when a container starts, so a pod of
/// the running revision that restarts after a rotation gets the new value even before the sync succeeded.
/// </summary>
public static class Revision
{
    /// <param name="secretVersions">For each environment variable taken from a Secret, that Secret's version (see <see cref="Reconciliation.SecretContents"/>).</param>
    public static string Of(PlacementService ps, IReadOnlyDictionary<string, string> secretVersions)
    {
        var database = ps.Spec.Database.ConnectionSecretRef is { } secret ? $"secret:{secret.Name}/{secret.Key}" : "sqlite";
        var secrets = secretVersions.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}");
        return Naming.ShortHash(string.Join("\n", [ps.Spec.Image, database, Settings.ConfigMapName(ps), .. secrets]));
    }
}
