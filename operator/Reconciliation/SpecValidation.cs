using System.Text.RegularExpressions;
using Placement.Operator.Resources;

namespace Placement.Operator.Reconciliation;

/// <summary>
/// The checks of the CRD schema, repeated here: a cluster may run with an older CRD, and a spec that slipped
/// through must produce a clear status rather than broken objects.
/// </summary>
public static partial class SpecValidation
{
    // The sync Job is named "<name>-db-sync-<10 hex>" and Job names end up in 63-character label values.
    public const int MaxNameLength = 63 - 19;

    public static List<string> Problems(PlacementService ps)
    {
        var spec = ps.Spec;
        var problems = new List<string>();
        if (ps.Metadata.Name.Length > MaxNameLength)
        {
            problems.Add($"metadata.name must be at most {MaxNameLength} characters (it names the database sync Job)");
        }
        if (!Dns1035Label().IsMatch(ps.Metadata.Name))
        {
            problems.Add($"metadata.name must be a DNS-1035 label (lowercase letters, digits and '-', starting with a letter and ending with a letter or digit), it names the Service: '{ps.Metadata.Name}'");
        }
        if (spec.Image is { } image && string.IsNullOrWhiteSpace(image))
        {
            problems.Add("spec.image must name the Placement API image, or be left out for the operator's default");
        }
        var sqlite = spec.Database.ConnectionSecretRef is null;
        if (sqlite && spec.Autoscaling is { MaxReplicas: > 1 })
        {
            problems.Add("autoscaling beyond one replica needs database.connectionSecretRef: the embedded SQLite database is a file on one volume and cannot be shared by several pods");
        }
        if (sqlite && spec.Autoscaling is null && spec.Replicas > 1)
        {
            problems.Add("replicas above 1 need database.connectionSecretRef: the embedded SQLite database is a file on one volume and cannot be shared by several pods");
        }
        if (spec.Autoscaling is { } autoscaling && autoscaling.MinReplicas > autoscaling.MaxReplicas)
        {
            problems.Add("autoscaling.minReplicas must not exceed autoscaling.maxReplicas");
        }
        if (spec.Auth.Strategy is not ("noauth2" or "keystone"))
        {
            problems.Add($"auth.strategy must be noauth2 or keystone, not '{spec.Auth.Strategy}'");
        }
        if (spec.Auth.Strategy == "keystone" && spec.Auth.Keystone is null)
        {
            problems.Add("auth.strategy keystone needs auth.keystone settings");
        }
        if (spec.Ingress.Host.Length > 253 || !Dns1123Subdomain().IsMatch(spec.Ingress.Host))
        {
            problems.Add($"ingress.host must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253 characters): '{spec.Ingress.Host}'");
        }
        if (spec.Config.Env?.Keys.FirstOrDefault(k => !CanonicalOption().IsMatch(k)) is { } badName)
        {
            problems.Add($"config.env names must be OS_<GROUP>__<OPTION> in capitals, digits and '_': '{badName}'");
        }
        if (spec.Config.Env?.Keys.FirstOrDefault(IsDecidedBySpec) is { } decided)
        {
            problems.Add($"config.env cannot set what the spec decides: '{decided}'");
        }
        if (spec.Config.Env?.FirstOrDefault(p => SecretName().IsMatch(p.Key) || CredentialsInUrl().IsMatch(p.Value)) is { Key: { } secret })
        {
            // The schema's CEL rules check names only (a regular expression over unbounded values would exceed the
            // API server's cost budget); a URL with a password is caught here and reported in status.
            problems.Add($"config.env is not for secrets: '{secret}' holds a password or names one; reference a Secret (database.connectionSecretRef, auth.keystone.passwordSecretRef)");
        }
        if (spec.Database.MaxConnections is { } allowed && spec.DatabaseConnectionsNeeded > allowed)
        {
            problems.Add($"database.maxConnections is too small: {spec.Database.MaxPoolSize + spec.Database.MaxOverflow} connections per pod "
                + $"(maxPoolSize + maxOverflow) x {spec.MostReplicas + 1} pods (the most, {spec.MostReplicas}, + 1 during a rolling update) = {spec.DatabaseConnectionsNeeded} > {allowed}");
        }
        if (IsUnacceptedNoauth2Exposure(spec))
        {
            problems.Add("auth.strategy noauth2 makes every caller an admin: exposing it outside the cluster needs auth.exposeUnauthenticated: true");
        }
        return problems;
    }

    public static bool IsUnacceptedNoauth2Exposure(PlacementServiceSpec spec) =>
        spec.Auth.Strategy == "noauth2" && !spec.Auth.ExposeUnauthenticated && IsExposed(spec);

    /// <summary>Reachable from outside the cluster: through an Ingress, or a Service of type LoadBalancer or NodePort.</summary>
    public static bool IsExposed(PlacementServiceSpec spec) => spec.Ingress.Enabled || spec.Service.Type != "ClusterIP";

    private static bool IsDecidedBySpec(string name) =>
        name is "OS_API__AUTH_STRATEGY" or "OS_PLACEMENT_DATABASE__CONNECTION" or "OS_PLACEMENT_DATABASE__MAX_POOL_SIZE"
            or "OS_PLACEMENT_DATABASE__MAX_OVERFLOW" or "OS_OSLO_POLICY__POLICY_FILE"
        || name.StartsWith("OS_KEYSTONE_AUTHTOKEN__", StringComparison.Ordinal);

    [GeneratedRegex(@"^OS_[A-Z0-9_]+__[A-Z0-9_]+\z")]
    private static partial Regex CanonicalOption();

    [GeneratedRegex("PASSWORD|SECRET|TOKEN|CREDENTIAL")]
    private static partial Regex SecretName();

    [GeneratedRegex(@"://[^/@\s]*:[^/@\s]*@")]
    private static partial Regex CredentialsInUrl();

    // \z rather than $, which in .NET also matches before a final newline.
    [GeneratedRegex(@"^[a-z]([-a-z0-9]*[a-z0-9])?\z")]
    private static partial Regex Dns1035Label();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z")]
    private static partial Regex Dns1123Subdomain();
}
