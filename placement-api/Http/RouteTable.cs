using System.Net;
using Microsoft.AspNetCore.Routing.Template;

namespace Placement.Api.Http;

/// <summary>
/// The API's routes and their methods, so that a known path with an unknown method gets
/// upstream's 405 with an Allow header, and an unknown path its 404.
/// </summary>
public sealed class RouteTable
{
    private readonly List<(string Template, TemplateMatcher Matcher, List<string> Methods)> _routes = [];

    public void Add(string template, string method)
    {
        var route = _routes.FirstOrDefault(r => r.Template == template);
        if (route.Matcher is null)
        {
            route = (template, new TemplateMatcher(TemplateParser.Parse(template.TrimStart('/')), new RouteValueDictionary()), []);
            _routes.Add(route);
        }
        route.Methods.Add(method);
    }

    /// <summary>
    /// Upstream's routes match a path exactly, so one with a trailing slash (<c>/resource_classes/</c>) is unknown:
    /// 404 whatever the method, where ASP.NET's routing would take it for the route without the slash.
    /// </summary>
    public static Task RefuseTrailingSlash(HttpContext http, RequestDelegate next)
    {
        var path = http.Request.Path.Value;
        if (path is { Length: > 1 } && path.EndsWith('/'))
        {
            throw new PlacementException(HttpStatusCode.NotFound, "") { RaisedOutsideHandler = true };
        }
        return next(http);
    }

    /// <summary>The endpoint of last resort: 405 for a known path, else 404.</summary>
    public Task Fallback(HttpContext http)
    {
        var path = http.Request.Path.HasValue ? http.Request.Path : new PathString("/");
        foreach (var (_, matcher, methods) in _routes)
        {
            if (matcher.TryMatch(path, new RouteValueDictionary()))
            {
                var error = new PlacementException(HttpStatusCode.MethodNotAllowed, "The method specified is not allowed for this resource.");
                error.Headers["allow"] = string.Join(", ", methods);
                return ErrorHandlingMiddleware.RenderAsync(http, error, raised: false);
            }
        }
        throw new PlacementException(HttpStatusCode.NotFound, "") { RaisedOutsideHandler = true };
    }
}

public static class RouteTableExtensions
{
    /// <summary>Maps a handler and records the route for 404/405 answers.</summary>
    public static RouteHandlerBuilder MapPlacement(this IEndpointRouteBuilder app, string method, string template, Delegate handler)
    {
        app.ServiceProvider.GetRequiredService<RouteTable>().Add(template, method);
        return app.MapMethods(template, [method], handler);
    }
}
