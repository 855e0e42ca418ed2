using System.Text.Json;
using k8s.Autorest;

namespace Placement.Operator.Reconciliation;

/// <summary>
/// The API server refused a write of the operator (validation, admission webhook, quota, RBAC, an immutable field):
/// the object and the server's own message, for the resource's status and a Warning event. Conflicts and throttling
/// are not refusals: they are retried without a word.
/// </summary>
public sealed class WriteRefusedException(string verb, string kind, string name, HttpOperationException inner)
    : Exception($"{verb} {kind} {name}: {ServerMessage(inner)}", inner)
{
    public int StatusCode { get; } = (int)inner.Response.StatusCode;

    // The body is a Status whose message is what kubectl would print; an unreadable body falls back to the HTTP status.
    private static string ServerMessage(HttpOperationException e)
    {
        try
        {
            using var body = JsonDocument.Parse(e.Response.Content ?? "");
            if (body.RootElement.ValueKind == JsonValueKind.Object
                && body.RootElement.TryGetProperty("message", out var message) && message.GetString() is { Length: > 0 } text)
            {
                return text;
            }
        }
        catch (JsonException)
        {
        }
        return $"{(int)e.Response.StatusCode} {e.Response.ReasonPhrase}".TrimEnd();
    }
}
