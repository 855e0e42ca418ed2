using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Placement.Api.Http;

/// <summary>
/// Renders error responses byte-compatible with upstream, which builds them with webob: the body
/// is webob's template (explanation, then the detail), as JSON in upstream's
/// <c>{"errors": [...]}</c> shape, or as HTML or plain text when the Accept header prefers those.
/// </summary>
public static partial class ErrorResponses
{
    public const string JsonContentType = "application/json";

    public static string Title(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => "Bad Request",
        HttpStatusCode.Unauthorized => "Unauthorized",
        HttpStatusCode.Forbidden => "Forbidden",
        HttpStatusCode.NotFound => "Not Found",
        HttpStatusCode.MethodNotAllowed => "Method Not Allowed",
        HttpStatusCode.NotAcceptable => "Not Acceptable",
        HttpStatusCode.Conflict => "Conflict",
        HttpStatusCode.UnsupportedMediaType => "Unsupported Media Type",
        HttpStatusCode.ServiceUnavailable => "Service Unavailable",
        HttpStatusCode.NotImplemented => "Not Implemented",
        _ => "Internal Server Error",
    };

    /// <summary>The error as the client will see it, before choosing a body format.</summary>
    /// <param name="Microversion">The negotiated version, or null when negotiation failed or was not reached.</param>
    public sealed record Error(
        HttpStatusCode Status,
        string Detail,
        string? Code,
        string RequestMethod,
        string? RequestContentType,
        Microversion? Microversion,
        string? RequestId,
        bool FromAuthMiddleware = false);

    public static async Task WriteAsync(HttpResponse response, Error error, string? accept)
    {
        var format = ChooseFormat(accept);
        var raw = RawBody(error, format);
        var status = (int)error.Status;
        var statusLine = $"{status} {Title(error.Status)}";
        string body;
        string contentType;
        switch (format)
        {
            case "text/html":
                contentType = "text/html; charset=UTF-8";
                body = $"<html>\n <head>\n  <title>{statusLine}</title>\n </head>\n <body>\n  <h1>{statusLine}</h1>\n  {raw}\n </body>\n</html>";
                break;
            case "text/plain":
                contentType = "text/plain; charset=UTF-8";
                body = $"{statusLine}\n\n{StripTags(raw)}";
                break;
            default:
                contentType = JsonContentType;
                body = RaisedByAuthMiddleware(error) ? WebObJson(error, raw) : PlacementJson(error, raw);
                break;
        }
        response.StatusCode = status;
        response.ContentType = contentType;
        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes);
    }

    /// <summary>webob picks HTML or JSON by the Accept header, with plain text when neither is acceptable.</summary>
    private static string ChooseFormat(string? accept)
    {
        var html = AcceptHeader.Quality(accept, "text/html");
        var json = AcceptHeader.Quality(accept, JsonContentType);
        if (html > json)
        {
            return "text/html";
        }
        return json > 0 ? JsonContentType : "text/plain";
    }

    /// <summary>webob's body template for the status, with the request variables some templates use.</summary>
    private static string RawBody(Error error, string format)
    {
        var detail = format == "text/html" ? HtmlEncoder.Default.Encode(error.Detail) : error.Detail;
        return error.Status switch
        {
            HttpStatusCode.MethodNotAllowed =>
                $"The method {error.RequestMethod} is not allowed for this resource. <br /><br />\n{detail}",
            HttpStatusCode.NotAcceptable =>
                $"The resource could not be generated that was acceptable to your browser\n(content of type {format}. <br /><br />\n{detail}",
            HttpStatusCode.UnsupportedMediaType =>
                $"The request media type {error.RequestContentType ?? "None"} is not supported by this server.\n<br /><br />\n{detail}",
            _ => $"{Explanation(error.Status)}<br /><br />\n{detail}\n\n",
        };
    }

    private static string Explanation(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => "The server could not comply with the request since it is either malformed or otherwise incorrect.",
        HttpStatusCode.Unauthorized => "This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.",
        HttpStatusCode.Forbidden => "Access was denied to this resource.",
        HttpStatusCode.NotFound => "The resource could not be found.",
        HttpStatusCode.Conflict => "There was a conflict when trying to complete your request.",
        HttpStatusCode.ServiceUnavailable => "The server is currently unavailable. Please try again at a later time.",
        _ => "The server has either erred or is incapable of performing the requested operation.",
    };

    /// <summary>Upstream's json_error_formatter (API-WG errors guideline).</summary>
    private static string PlacementJson(Error error, string raw)
    {
        return Encoding.UTF8.GetString(PythonJsonSeparators.Render(output =>
        {
            using var writer = new Utf8JsonWriter(output, WriterOptions);
            writer.WriteStartObject();
            writer.WriteStartArray("errors");
            writer.WriteStartObject();
            writer.WriteNumber("status", (int)error.Status);
            writer.WriteString("title", Title(error.Status));
            writer.WriteString("detail", StripTags(raw));
            if (error.Microversion is { } version && version.IsAtLeast("1.23"))
            {
                writer.WriteString("code", error.Code ?? ErrorCodes.Default);
            }
            if (error.RequestId is not null)
            {
                writer.WriteString("request_id", error.RequestId);
            }
            if (error.Status == HttpStatusCode.NotAcceptable && error.Microversion is null)
            {
                writer.WriteString("max_version", Microversion.Max.ToString());
                writer.WriteString("min_version", Microversion.Min.ToString());
            }
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }).Span);
    }

    /// <summary>
    /// Upstream's auth middlewares sit outside its error formatter, so webob renders their errors itself:
    /// every 401, and keystonemiddleware's 503 when Keystone cannot be reached (not the API's own 503s).
    /// </summary>
    private static bool RaisedByAuthMiddleware(Error error) =>
        error.Status is HttpStatusCode.Unauthorized || error.FromAuthMiddleware;

    /// <summary>webob's own JSON error shape, which upstream's auth middlewares' errors use.</summary>
    private static string WebObJson(Error error, string raw) => Encoding.UTF8.GetString(PythonJsonSeparators.Render(output =>
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("message", raw);
        writer.WriteString("code", $"{(int)error.Status} {Title(error.Status)}");
        writer.WriteString("title", Title(error.Status));
        writer.WriteEndObject();
    }).Span);

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>webob's strip_tags: newlines become spaces, &lt;br&gt; a newline, other tags vanish.</summary>
    public static string StripTags(string value)
    {
        value = value.Replace('\n', ' ').Replace("\r", "", StringComparison.Ordinal);
        value = BreakTag().Replace(value, "\n");
        value = CommentMarker().Replace(value, "");
        return AnyTag().Replace(value, "");
    }

    [GeneratedRegex("<br.*?>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex BreakTag();

    [GeneratedRegex("<!--|-->")]
    private static partial Regex CommentMarker();

    [GeneratedRegex("<.*?>", RegexOptions.Singleline)]
    private static partial Regex AnyTag();
}
