using System.Net;

namespace Placement.Api.Http;

/// <summary>
/// Negotiates the microversion of each request (as microversion_parse's middleware): a malformed
/// header is a 400, an unsupported version a 406 (both without version headers); otherwise the
/// response carries <c>openstack-api-version</c> and <c>vary</c>.
/// </summary>
public sealed class MicroversionMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http)
    {
        Microversion version;
        try
        {
            version = Microversion.Negotiate(http.Request.Headers[Microversion.HeaderName]);
        }
        catch (FormatException e)
        {
            throw PlacementException.BadRequest($"Invalid microversion: {e.Message}");
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new PlacementException(HttpStatusCode.NotAcceptable, $"Invalid microversion: {UnacceptableMessage(e)}");
        }
        http.Features.Set(new MicroversionFeature(version));
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers[Microversion.HeaderName] = $"{Microversion.ServiceType} {version}";
            // Upstream adds vary only on responses the application returned, not on errors it raised.
            if (!http.Features.Get<MicroversionFeature>()!.ErrorRaised)
            {
                headers.Append("vary", Microversion.HeaderName);
            }
            return Task.CompletedTask;
        });
        return next(http);
    }

    private static string UnacceptableMessage(ArgumentOutOfRangeException e) =>
        e.Message.Split(" (Parameter", 2)[0];
}

/// <summary>The negotiated microversion of a request.</summary>
public sealed class MicroversionFeature(Microversion version)
{
    public Microversion Version { get; } = version;

    /// <summary>Set when the response is an error rendered from an exception.</summary>
    public bool ErrorRaised { get; set; }
}

public static class MicroversionHttpExtensions
{
    /// <summary>The request's negotiated microversion.</summary>
    public static Microversion Microversion(this HttpContext http) =>
        http.Features.Get<MicroversionFeature>()?.Version
            ?? throw new InvalidOperationException("microversion not negotiated");

    /// <summary>Upstream's version_handler: outside the range the route does not exist (404 by default).</summary>
    public static void RequireMicroversion(this HttpContext http, string min, string? max = null, HttpStatusCode status = HttpStatusCode.NotFound)
    {
        var version = http.Microversion();
        if (version < Http.Microversion.Parse(min) || (max is not null && version > Http.Microversion.Parse(max)))
        {
            throw new PlacementException(status, "");
        }
    }
}
