using k8s;

namespace Placement.Operator.Tests;

/// <summary>`kubectl kustomize`, which renders an install overlay offline, as `kubectl apply -k` would apply it.</summary>
internal static class Kubectl
{
    public static readonly bool Installed = Commands.Installed("kubectl");

    /// <summary>The objects of a kustomization in config/, e.g. Kustomize("namespaced").</summary>
    public static IList<object> Kustomize(string overlay)
    {
        var (exitCode, output, errors) = Commands.Run("kubectl", "kustomize", RepositoryFiles.PathOf("config", overlay));
        Assert.True(exitCode == 0, $"kubectl kustomize config/{overlay} failed: {errors}");
        return KubernetesYaml.LoadAllFromString(output);
    }
}

/// <summary>A test that renders the install overlays: skipped, saying why, where kubectl is not installed.</summary>
public sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        if (!Kubectl.Installed)
        {
            // Debian's kubernetes-client (1.20) bundles kustomize 2.0, which cannot take folders as resources.
            Skip = "kubectl is not installed, so the install overlays in config/ cannot be rendered; install kubectl 1.21 or later";
        }
    }
}
