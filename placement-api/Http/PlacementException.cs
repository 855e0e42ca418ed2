using System.Net;

namespace Placement.Api.Http;

/// <summary>
/// An error the API reports to the client in upstream's JSON error format
/// (<c>{"errors": [{"status", "title", "detail", "code", "request_id"}]}</c>).
/// Thrown from any layer; the error middleware renders it.
/// </summary>
public class PlacementException(HttpStatusCode status, string detail, string? errorCode = null) : Exception(detail)
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>Upstream's <c>code</c> field, e.g. <c>placement.concurrent_update</c>; null renders as <c>placement.undefined_code</c>.</summary>
    public string? ErrorCode { get; } = errorCode;

    /// <summary>Extra response headers (e.g. Allow on 405).</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>();
}
