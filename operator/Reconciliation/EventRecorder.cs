using k8s.Models;
using Placement.Operator.Resources;

namespace Placement.Operator.Reconciliation;

/// <summary>Records Kubernetes Events on a PlacementService, for `kubectl describe`.</summary>
public sealed class EventRecorder(Cluster cluster, string instance, ILogger<EventRecorder> logger)
{
    public async Task RecordAsync(PlacementService ps, string type, string reason, string message, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        var e = new Corev1Event
        {
            Metadata = new V1ObjectMeta
            {
                Name = $"{ps.Metadata.Name}.{Guid.NewGuid():N}"[..Math.Min(ps.Metadata.Name.Length + 17, 253)],
                NamespaceProperty = ps.Metadata.NamespaceProperty,
            },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = ps.ApiVersion,
                Kind = ps.Kind,
                Name = ps.Metadata.Name,
                NamespaceProperty = ps.Metadata.NamespaceProperty,
                Uid = ps.Metadata.Uid,
                ResourceVersion = ps.Metadata.ResourceVersion,
            },
            Type = type,
            Reason = reason,
            Message = message,
            Count = 1,
            FirstTimestamp = now,
            LastTimestamp = now,
            Source = new V1EventSource { Component = Cluster.FieldManager },
            ReportingComponent = Cluster.FieldManager,
            ReportingInstance = instance,
        };
        try
        {
            await cluster.CreateEventAsync(e, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // An event is a courtesy to humans; losing one must not fail the reconciliation.
            logger.LogWarning(ex, "could not record event {Reason} on {Namespace}/{Name}", reason, ps.Metadata.NamespaceProperty, ps.Metadata.Name);
        }
    }
}
