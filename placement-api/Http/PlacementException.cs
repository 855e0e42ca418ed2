using System.Net;

namespace Placement.Api.Http;

/// <summary>
/// An error the API reports to the client in upstream's JSON error format
/// (<c>{"errors": [{"status", "title", "detail", "code", "request_id"}]}</c>).
/// Thrown from any layer; <see cref="ErrorHandlingMiddleware"/> renders it.
/// </summary>
public class PlacementException(HttpStatusCode status, string detail, string? errorCode = null) : Exception(detail)
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>Upstream's <c>code</c> field, e.g. <c>placement.concurrent_update</c>; null renders as <c>placement.undefined_code</c>.</summary>
    public string? ErrorCode { get; } = errorCode;

    /// <summary>
    /// Upstream turns errors raised inside a handler into responses that get the full microversion
    /// headers (with <c>vary</c>); policy refusals and unknown paths are raised outside the handlers
    /// and get only <c>openstack-api-version</c>.
    /// </summary>
    public bool RaisedOutsideHandler { get; init; }

    /// <summary>Raised by an authentication middleware, whose errors upstream renders in webob's own shape.</summary>
    public bool FromAuthMiddleware { get; init; }

    /// <summary>Extra response headers (e.g. Allow on 405).</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>();

    public static PlacementException BadRequest(string detail, string? errorCode = null) =>
        new(HttpStatusCode.BadRequest, detail, errorCode);

    public static PlacementException NotFound(string detail = "", string? errorCode = null) =>
        new(HttpStatusCode.NotFound, detail, errorCode);

    /// <summary>
    /// A lookup's NotFound that upstream's handler lets through: its handler.py turns it into a 404 raised past the
    /// microversion middleware's response path, so the answer has no <c>vary</c>.
    /// </summary>
    public static PlacementException NotFoundPastHandler(string detail) =>
        new(HttpStatusCode.NotFound, detail) { RaisedOutsideHandler = true };

    public static PlacementException Conflict(string detail, string? errorCode = null) =>
        new(HttpStatusCode.Conflict, detail, errorCode);
}

/// <summary>Upstream's error codes (placement/errors.py), sent from microversion 1.23.</summary>
public static class ErrorCodes
{
    public const string Default = "placement.undefined_code";
    public const string InventoryInUse = "placement.inventory.inuse";
    public const string ConcurrentUpdate = "placement.concurrent_update";
    public const string Duplicate = "placement.duplicate_name";
    public const string ProviderInUse = "placement.resource_provider.inuse";
    public const string ProviderCannotDeleteParent = "placement.resource_provider.cannot_delete_parent";
    public const string ResourceProviderNotFound = "placement.resource_provider.not_found";
    public const string IllegalDuplicateQueryParameter = "placement.query.duplicate_key";
    public const string QueryBadValue = "placement.query.bad_value";
    public const string QueryMissingValue = "placement.query.missing_value";
}
