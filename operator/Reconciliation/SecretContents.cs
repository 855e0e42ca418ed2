using System.Security.Cryptography;
using Placement.Operator.Builders;
using Placement.Operator.Resources;

namespace Placement.Operator.Reconciliation;

/// <summary>
/// Reads the Secret keys the pods will read (the database URL, the Keystone password): a digest of each for the
/// revision, so that a rotation re-syncs and rolls the pods, or what is missing, which no pod could start without.
/// Only digests leave this class: the values are neither kept nor logged.
/// </summary>
public static class SecretContents
{
    public sealed record Result(Dictionary<string, string> Digests, List<string> Missing);

    public static async Task<Result> ReadAsync(Cluster cluster, PlacementService ps, CancellationToken ct)
    {
        var digests = new Dictionary<string, string>();
        var missing = new List<string>();
        var @namespace = ps.Metadata.NamespaceProperty;
        foreach (var (variable, reference) in Settings.SecretInputs(ps.Spec))
        {
            var secret = await cluster.ReadSecretAsync(@namespace, reference.Name, ct);
            if (secret is null)
            {
                missing.Add($"Secret {@namespace}/{reference.Name} does not exist");
            }
            else if (secret.Data is null || !secret.Data.TryGetValue(reference.Key, out var value))
            {
                missing.Add($"Secret {@namespace}/{reference.Name} has no key {reference.Key}");
            }
            else
            {
                digests[variable] = Convert.ToHexStringLower(SHA256.HashData(value));
            }
        }
        return new(digests, missing);
    }
}
