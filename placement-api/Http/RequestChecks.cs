using System.Net;

namespace Placement.Api.Http;

/// <summary>Checks upstream's handler wrapper makes on every request and on each JSON route.</summary>
public static class RequestChecks
{
    public const string Json = "application/json";

    /// <summary>A request with a body must say what it is (upstream: before dispatch).</summary>
    public static void RequireContentTypeWithBody(HttpRequest request)
    {
        if (request.Headers.ContainsKey(Hosting.InvalidContentLengthRewriter.MarkerHeader))
        {
            throw PlacementException.BadRequest("content-length header must be an integer");
        }
        var length = request.Headers.ContentLength;
        if (length > 0 && string.IsNullOrEmpty(request.ContentType))
        {
            throw PlacementException.BadRequest("content-type header required when content-length > 0");
        }
    }

    /// <summary>upstream's check_accept: an explicit Accept that does not take JSON is a 406.</summary>
    public static void RequireJsonAccepted(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        if (!string.IsNullOrEmpty(accept) && !AcceptHeader.Accepts(accept, Json))
        {
            throw new PlacementException(HttpStatusCode.NotAcceptable, $"Only {Json} is provided");
        }
    }

    /// <summary>upstream's require_content: a body must be JSON (415 otherwise, naming the type sent).</summary>
    public static void RequireJsonContent(HttpRequest request)
    {
        var mediaType = ErrorHandlingMiddleware.MediaType(request.ContentType);
        if (mediaType != Json)
        {
            throw new PlacementException(HttpStatusCode.UnsupportedMediaType,
                $"The media type {mediaType ?? "None"} is not supported, use {Json}");
        }
    }
}
