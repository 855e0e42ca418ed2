using System.Buffers;
using System.IO.Pipelines;
using System.Text.Encodings.Web;
using System.Text.Json;
using Placement.Api.AllocationCandidates.Engine;
using Placement.Api.Http;

namespace Placement.Api.AllocationCandidates;

/// <summary>
/// The body of <c>GET /allocation_candidates</c> as each microversion shapes it (upstream's
/// _transform_allocation_candidates). Answers can hold thousands of candidates (megabytes): each provider's
/// uuid is encoded once, and the body is written whole with its Content-Length, as upstream sends it
/// (clients then read it in one piece rather than chunk by chunk).
/// </summary>
public sealed class CandidateResponse(CandidateResult result, CandidateRequest request, Microversion version) : IResult
{
    // The writer's nesting checks are for hand-written JSON; this shape is fixed and tested.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    // The body is written whole before it is sent, to know its length: into a pipe, whose memory is pooled
    // segments, rather than one array that would grow into the large-object heap for every big answer.
    private static readonly PipeOptions BodyBuffer = new(pauseWriterThreshold: 0, useSynchronizationContext: false);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var pipe = new Pipe(BodyBuffer);
        try
        {
            Write(pipe.Writer, result, request, version);
            await pipe.Writer.CompleteAsync();
            var body = await pipe.Reader.ReadAsync();
            httpContext.Response.ContentType = RequestChecks.Json;
            httpContext.Response.ContentLength = body.Buffer.Length;
            // Copied in one go and flushed once (each write to the response stream would be sent on its own).
            foreach (var segment in body.Buffer)
            {
                httpContext.Response.BodyWriter.Write(segment.Span);
            }
            pipe.Reader.AdvanceTo(body.Buffer.End);
            await httpContext.Response.BodyWriter.FlushAsync(httpContext.RequestAborted);
        }
        finally
        {
            // Gives the pipe's pooled segments back, also when the client went away.
            await pipe.Writer.CompleteAsync();
            await pipe.Reader.CompleteAsync();
        }
    }

    public static void Write(IBufferWriter<byte> output, CandidateResult result, CandidateRequest request, Microversion version)
    {
        var keyedByProvider = version.IsAtLeast("1.12");
        var withMappings = version.IsAtLeast("1.34");
        var uuids = new UuidTexts();
        using var json = new Utf8JsonWriter(new PythonJsonSeparators(output), WriterOptions);
        json.WriteStartObject();
        json.WriteStartArray("allocation_requests");
        foreach (var candidate in result.AllocationRequests)
        {
            if (keyedByProvider)
            {
                WriteKeyedByProvider(json, candidate, withMappings, uuids);
            }
            else
            {
                WriteProviderList(json, candidate, uuids);
            }
        }
        json.WriteEndArray();
        WriteSummaries(json, result.ProviderSummaries, request, version, uuids);
        json.WriteEndObject();
    }

    /// <summary>Each provider uuid as JSON text, formatted and escaped once per response.</summary>
    private sealed class UuidTexts
    {
        private readonly Dictionary<Guid, JsonEncodedText> _texts = [];

        public JsonEncodedText this[Guid uuid]
        {
            get
            {
                if (!_texts.TryGetValue(uuid, out var text))
                {
                    text = JsonEncodedText.Encode(uuid.ToString("D"));
                    _texts[uuid] = text;
                }
                return text;
            }
        }
    }

    /// <summary>From 1.12: the body of a PUT /allocations/{consumer_uuid}, plus (1.34) which providers served each group.</summary>
    private static void WriteKeyedByProvider(Utf8JsonWriter json, AllocationCandidate candidate, bool withMappings, UuidTexts uuids)
    {
        json.WriteStartObject();
        json.WriteStartObject("allocations");
        foreach (var allocation in candidate.Allocations)
        {
            json.WriteStartObject(uuids[allocation.ProviderUuid]);
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
                    json.WriteStringValue(uuids[provider]);
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    /// <summary>1.10 and 1.11: the list form of a PUT /allocations/{consumer_uuid} body.</summary>
    private static void WriteProviderList(Utf8JsonWriter json, AllocationCandidate candidate, UuidTexts uuids)
    {
        json.WriteStartObject();
        json.WriteStartArray("allocations");
        foreach (var allocation in candidate.Allocations)
        {
            json.WriteStartObject();
            json.WriteStartObject("resource_provider");
            json.WriteString("uuid", uuids[allocation.ProviderUuid]);
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
        Utf8JsonWriter json, IReadOnlyList<ProviderSummary> summaries, CandidateRequest request, Microversion version, UuidTexts uuids)
    {
        var requested = version.IsAtLeast("1.27")
            ? null
            : request.Groups.SelectMany(g => g.Resources.Select(r => r.ResourceClass)).ToHashSet(StringComparer.Ordinal);
        var withTraits = version.IsAtLeast("1.17");
        var withTree = version.IsAtLeast("1.29");
        json.WriteStartObject("provider_summaries");
        foreach (var summary in summaries)
        {
            json.WriteStartObject(uuids[summary.Uuid]);
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
                    json.WriteString("parent_provider_uuid", uuids[parent]);
                }
                else
                {
                    json.WriteNull("parent_provider_uuid");
                }
                json.WriteString("root_provider_uuid", uuids[summary.RootUuid]);
            }
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }
}
