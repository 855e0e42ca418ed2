using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Placement.Api.Http;

namespace Placement.Api.Tests.Http;

/// <summary>Error bodies as upstream (webob + placement's json_error_formatter) writes them, compared with 8.0.0's.</summary>
public class ErrorResponsesTests
{
    private static async Task<(string ContentType, string Body)> Render(ErrorResponses.Error error, string? accept)
    {
        var http = new DefaultHttpContext();
        http.Response.Body = new MemoryStream();
        await ErrorResponses.WriteAsync(http.Response, error, accept);
        http.Response.Body.Position = 0;
        return (http.Response.ContentType!, await new StreamReader(http.Response.Body).ReadToEndAsync());
    }

    private static ErrorResponses.Error Error(HttpStatusCode status, string detail, Microversion? version = null, string method = "GET", string? contentType = null) =>
        new(status, detail, null, method, contentType, version, "req-1");

    private static JsonElement FirstError(string body) => JsonDocument.Parse(body).RootElement.GetProperty("errors")[0];

    [Fact]
    public async Task NotFoundDetailIsWebObsExplanationThenTheDetail()
    {
        var (type, body) = await Render(Error(HttpStatusCode.NotFound, "No resource provider with uuid xx found", Microversion.Min), null);
        Assert.Equal("application/json", type);
        var error = FirstError(body);
        Assert.Equal(404, error.GetProperty("status").GetInt32());
        Assert.Equal("Not Found", error.GetProperty("title").GetString());
        Assert.Equal("The resource could not be found.\n\n No resource provider with uuid xx found  ", error.GetProperty("detail").GetString());
        Assert.Equal("req-1", error.GetProperty("request_id").GetString());
        Assert.False(error.TryGetProperty("code", out _));
    }

    [Fact]
    public async Task CodeIsSentFromMicroversion123()
    {
        var (_, body) = await Render(Error(HttpStatusCode.NotFound, "", new Microversion(1, 23)), null);
        Assert.Equal("placement.undefined_code", FirstError(body).GetProperty("code").GetString());
    }

    [Fact]
    public async Task MethodNotAllowedNamesTheMethod()
    {
        var (_, body) = await Render(Error(HttpStatusCode.MethodNotAllowed, "The method specified is not allowed for this resource.", Microversion.Min, "PATCH"), null);
        Assert.Equal("The method PATCH is not allowed for this resource. \n\n The method specified is not allowed for this resource.",
            FirstError(body).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task UnsupportedMediaTypeNamesTheTypeOrNone()
    {
        var (_, body) = await Render(Error(HttpStatusCode.UnsupportedMediaType, "The media type None is not supported, use application/json", Microversion.Min, "PUT"), null);
        Assert.Equal("The request media type None is not supported by this server. \n\n The media type None is not supported, use application/json",
            FirstError(body).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task FailedNegotiationSendsTheVersionRange()
    {
        var (_, body) = await Render(Error(HttpStatusCode.NotAcceptable, "Invalid microversion: Unacceptable version header: 0.5"), "*/*");
        var error = FirstError(body);
        Assert.Equal("The resource could not be generated that was acceptable to your browser (content of type application/json. \n\n Invalid microversion: Unacceptable version header: 0.5",
            error.GetProperty("detail").GetString());
        Assert.Equal("1.39", error.GetProperty("max_version").GetString());
        Assert.Equal("1.0", error.GetProperty("min_version").GetString());
    }

    [Fact]
    public async Task HtmlWhenTheClientPrefersIt()
    {
        var (type, body) = await Render(Error(HttpStatusCode.NotFound, "a <b>", Microversion.Min), "text/html");
        Assert.Equal("text/html; charset=UTF-8", type);
        Assert.Equal("<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  The resource could not be found.<br /><br />\na &lt;b&gt;\n\n\n </body>\n</html>", body);
    }

    [Fact]
    public async Task PlainTextWhenNeitherHtmlNorJsonIsAccepted()
    {
        var (type, body) = await Render(Error(HttpStatusCode.NotAcceptable, "Only application/json is provided", Microversion.Min), "text/plain");
        Assert.Equal("text/plain; charset=UTF-8", type);
        Assert.Equal("406 Not Acceptable\n\nThe resource could not be generated that was acceptable to your browser (content of type text/plain. \n\n Only application/json is provided", body);
    }

    [Fact]
    public async Task UnauthorizedUsesWebObsOwnJsonShape()
    {
        var (_, body) = await Render(Error(HttpStatusCode.Unauthorized, ""), null);
        Assert.Equal("""{"message": "This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.<br /><br />\n\n\n", "code": "401 Unauthorized", "title": "Unauthorized"}""", body);
    }

    [Fact]
    public async Task KeystoneUnavailableUsesWebObsOwnJsonShape()
    {
        var (_, body) = await Render(
            Error(HttpStatusCode.ServiceUnavailable, "The Keystone service is temporarily unavailable.") with { FromAuthMiddleware = true }, null);
        Assert.Equal("""{"message": "The server is currently unavailable. Please try again at a later time.<br /><br />\nThe Keystone service is temporarily unavailable.\n\n", "code": "503 Service Unavailable", "title": "Service Unavailable"}""", body);
    }

    [Fact]
    public async Task DatabaseUnavailableInsideTheApiUsesUpstreamsErrorFormat()
    {
        var (_, body) = await Render(Error(HttpStatusCode.ServiceUnavailable, "database unavailable", new Microversion(1, 30)), null);
        var error = FirstError(body);
        Assert.Equal(503, error.GetProperty("status").GetInt32());
        Assert.Equal("Service Unavailable", error.GetProperty("title").GetString());
        Assert.Equal("placement.undefined_code", error.GetProperty("code").GetString());
    }
}
