using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Placement.Api.AllocationCandidates.Engine;
using Placement.Api.Http;

namespace Placement.Api.AllocationCandidates;

/// <summary>
/// The body of <c>GET /allocation_candidates</c> as each microversion shapes it (upstream's
/// _transform_allocation_candidates). Written straight to UTF-8: answers can hold thousands of candidates.
/// </summary>
public static class CandidateResponse
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Serialize(CandidateResult result, CandidateRequest request, Microversion version)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteStartArray("allocation_requests");
            foreach (var candidate in result.AllocationRequests)
            {
                if (version.IsAtLeast("1.12"))
                {
                    WriteKeyedByProvider(json, candidate, withMappings: version.IsAtLeast("1.34"));
                }
                else
                {
                    WriteProviderList(json, candidate);
                }
            }
            json.WriteEndArray();
            WriteSummaries(json, result.ProviderSummaries, request, version);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>From 1.12: the body of a PUT /allocations/{consumer_uuid}, plus (1.34) which providers served each group.</summary>
    private static void WriteKeyedByProvider(Utf8JsonWriter json, AllocationCandidate candidate, bool withMappings)
    {
        json.WriteStartObject();
        json.WriteStartObject("allocations");
        foreach (var allocation in candidate.Allocations)
        {
            json.WriteStartObject(Uuid(allocation.ProviderUuid));
            WriteAmounts(json, allocation.Resources);
            json.WriteEndObject();
        }
        json.WriteEndObject();
        if (withMappings)
        {
            json.WriteStartObject("mappings");
            foreach (var (suffix, providers) in candidate.Mappings)
            {
                json.WriteStartArray(suffix);
                foreach (var provider in providers)
                {
                    json.WriteStringValue(Uuid(provider));
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    /// <summary>1.10 and 1.11: the list form of a PUT /allocations/{consumer_uuid} body.</summary>
    private static void WriteProviderList(Utf8JsonWriter json, AllocationCandidate candidate)
    {
        json.WriteStartObject();
        json.WriteStartArray("allocations");
        foreach (var allocation in candidate.Allocations)
        {
            json.WriteStartObject();
            json.WriteStartObject("resource_provider");
            json.WriteString("uuid", Uuid(allocation.ProviderUuid));
            json.WriteEndObject();
            WriteAmounts(json, allocation.Resources);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteAmounts(Utf8JsonWriter json, IReadOnlyList<ResourceAmount> amounts)
    {
        json.WriteStartObject("resources");
        foreach (var amount in amounts)
        {
            json.WriteNumber(amount.ResourceClass, amount.Amount);
        }
        json.WriteEndObject();
    }

    /// <summary>
    /// Capacity and usage of the providers involved: only the requested classes before 1.27, all from then;
    /// traits from 1.17; parent and root from 1.29.
    /// </summary>
    private static void WriteSummaries(
        Utf8JsonWriter json, IReadOnlyList<ProviderSummary> summaries, CandidateRequest request, Microversion version)
    {
        var requested = version.IsAtLeast("1.27")
            ? null
            : request.Groups.SelectMany(g => g.Resources.Select(r => r.ResourceClass)).ToHashSet(StringComparer.Ordinal);
        var withTraits = version.IsAtLeast("1.17");
        var withTree = version.IsAtLeast("1.29");
        json.WriteStartObject("provider_summaries");
        foreach (var summary in summaries)
        {
            json.WriteStartObject(Uuid(summary.Uuid));
            json.WriteStartObject("resources");
            foreach (var resource in summary.Resources)
            {
                if (requested is null || requested.Contains(resource.ResourceClass))
                {
                    json.WriteStartObject(resource.ResourceClass);
                    json.WriteNumber("capacity", resource.Capacity);
                    json.WriteNumber("used", resource.Used);
                    json.WriteEndObject();
                }
            }
            json.WriteEndObject();
            if (withTraits)
            {
                json.WriteStartArray("traits");
                foreach (var trait in summary.Traits)
                {
                    json.WriteStringValue(trait);
                }
                json.WriteEndArray();
            }
            if (withTree)
            {
                if (summary.ParentUuid is { } parent)
                {
                    json.WriteString("parent_provider_uuid", Uuid(parent));
                }
                else
                {
                    json.WriteNull("parent_provider_uuid");
                }
                json.WriteString("root_provider_uuid", Uuid(summary.RootUuid));
            }
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    private static string Uuid(Guid uuid) => uuid.ToString("D");
}
