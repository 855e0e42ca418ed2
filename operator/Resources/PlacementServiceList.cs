using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Placement.Operator.Resources;

public sealed class PlacementServiceList : IKubernetesObject<V1ListMeta>, IItems<PlacementService>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = PlacementService.ApiVersionName;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = PlacementService.KindName + "List";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<PlacementService> Items { get; set; } = [];
}
