using Placement.Api.Http;

namespace Placement.Api.Root;

/// <summary><c>GET /</c>: the version document, the only route that needs no token.</summary>
public static class RootEndpoints
{
    public static void Map(IEndpointRouteBuilder app) => app.MapPlacement("GET", "/", Home);

    private static IResult Home(HttpContext http)
    {
        JsonResponse.SetCacheHeaders(http, null);
        return JsonResponse.Ok(new
        {
            Versions = new[]
            {
                new
                {
                    Id = $"v{Microversion.Min}",
                    MaxVersion = Microversion.Max.ToString(),
                    MinVersion = Microversion.Min.ToString(),
                    Status = "CURRENT",
                    Links = new[] { new { Rel = "self", Href = "" } },
                },
            },
        });
    }
}
