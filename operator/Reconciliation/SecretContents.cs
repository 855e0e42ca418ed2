using Placement.Operator.Builders;
using Placement.Operator.Resources;

namespace Placement.Operator.Reconciliation;

/// <summary>
/// Reads the Secrets whose keys the pods will read (the database URL, the Keystone password): the version of each for
/// the revision, so that a rotation re-syncs and rolls the pods, or what is missing, which no pod could start without.
/// The version is the Secret's uid and resourceVersion, not a hash of the value: a revision is visible to anyone who
/// may read Jobs or pods, and an unkeyed hash of a password would let them test guesses offline. The cost is a sync
/// and a rollout when only the Secret's labels or annotations change.
/// </summary>
public static class SecretContents
{
    public sealed record Result(Dictionary<string, string> Versions, List<string> Missing);

    public static async Task<Result> ReadAsync(Cluster cluster, PlacementService ps, CancellationToken ct)
    {
        var versions = new Dictionary<string, string>();
        var missing = new List<string>();
        var @namespace = ps.Metadata.NamespaceProperty;
        foreach (var (variable, reference) in Settings.SecretInputs(ps.Spec))
        {
            var secret = await cluster.ReadSecretAsync(@namespace, reference.Name, ct);
            if (secret is null)
            {
                missing.Add($"Secret {@namespace}/{reference.Name} does not exist");
            }
            else if (secret.Data is null || !secret.Data.ContainsKey(reference.Key))
            {
                missing.Add($"Secret {@namespace}/{reference.Name} has no key {reference.Key}");
            }
            else
            {
                versions[variable] = $"{secret.Metadata.Uid}/{secret.Metadata.ResourceVersion}";
            }
        }
        return new(versions, missing);
    }
}
