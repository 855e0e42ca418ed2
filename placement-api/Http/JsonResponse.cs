using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Placement.Api.Http;

/// <summary>JSON responses as upstream sends them: <c>application/json</c>, snake_case, nulls kept.</summary>
public static class JsonResponse
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static IResult Ok(object body) => Results.Json(body, Options, RequestChecks.Json, StatusCodes.Status200OK);

    public static IResult Created(object body) => Results.Json(body, Options, RequestChecks.Json, StatusCodes.Status201Created);

    /// <summary>
    /// From microversion 1.15 GET responses say when the data last changed and that it must not
    /// be cached (upstream: the newest updated_at/created_at, or now when nothing was read).
    /// </summary>
    public static void SetCacheHeaders(HttpContext http, DateTime? lastModifiedUtc)
    {
        if (!http.Microversion().IsAtLeast("1.15"))
        {
            return;
        }
        var when = lastModifiedUtc ?? DateTime.UtcNow;
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.LastModified = DateTime.SpecifyKind(when, DateTimeKind.Utc)
            .ToString("R", CultureInfo.InvariantCulture);
    }
}
