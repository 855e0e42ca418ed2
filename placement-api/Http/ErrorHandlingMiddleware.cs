using System.Net;
using Placement.Api.Database;

namespace Placement.Api.Http;

/// <summary>
/// Turns every exception into upstream's error response: a <see cref="PlacementException"/> into
/// its status and detail, anything else into a 500 (logged; upstream's FaultWrapper).
/// </summary>
public sealed class ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http);
        }
        catch (Exception e) when (!http.Response.HasStarted && DatabaseUnavailableException.FindIn(e) is { } unavailable)
        {
            // Upstream has no such answer; its database errors pass its handlers, as this does (no vary).
            await RenderAsync(http, new PlacementException(HttpStatusCode.ServiceUnavailable, unavailable.Message), raised: true);
        }
        catch (Exception e) when (!http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
        {
            var error = e switch
            {
                PlacementException p => p,
                BadHttpRequestException bad => PlacementException.BadRequest(bad.Message),
                _ => null,
            };
            if (error is null)
            {
                logger.LogError(e, "Placement API unexpected error: {Message}", e.Message);
                error = new PlacementException(HttpStatusCode.InternalServerError, e.Message) { RaisedOutsideHandler = true };
            }
            await RenderAsync(http, error, error.RaisedOutsideHandler);
        }
    }

    /// <param name="raised">True for errors upstream raises past its handlers (no vary header).</param>
    public static async Task RenderAsync(HttpContext http, PlacementException error, bool raised)
    {
        var microversion = http.Features.Get<MicroversionFeature>();
        if (microversion is not null)
        {
            microversion.ErrorRaised = raised;
        }
        http.Response.Clear();
        foreach (var (name, value) in error.Headers)
        {
            http.Response.Headers[name] = value;
        }
        var request = http.Request;
        await ErrorResponses.WriteAsync(http.Response, new ErrorResponses.Error(
            error.Status,
            error.Message,
            error.ErrorCode,
            request.Method,
            MediaType(request.ContentType),
            microversion?.Version,
            http.TraceIdentifier,
            error.FromAuthMiddleware), request.Headers.Accept.ToString());
    }

    /// <summary>The media type without parameters, as webob's content_type.</summary>
    public static string? MediaType(string? contentType) =>
        string.IsNullOrWhiteSpace(contentType) ? null : contentType.Split(';', 2)[0].Trim();
}
