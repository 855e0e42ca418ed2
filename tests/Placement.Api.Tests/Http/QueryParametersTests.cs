using Microsoft.AspNetCore.Http;
using Placement.Api.Http;

namespace Placement.Api.Tests.Http;

public class QueryParametersTests
{
    private static readonly NJsonSchema.JsonSchema Schema = JsonBody.Schema("""
        {"type": "object", "properties": {"name": {"type": "string"}}, "additionalProperties": false}
        """);

    [Fact]
    public void KnownParametersPass() => QueryParameters.Validate(Request("?name=x&name=y"), Schema);

    [Fact]
    public void AnUnknownParameterIsNamedInUpstreamsWords()
    {
        var e = Assert.Throws<PlacementException>(() => QueryParameters.Validate(Request("?name=x&other=1"), Schema));
        Assert.StartsWith("Invalid query string parameters: Additional properties are not allowed ('other' was unexpected)", e.Message);
    }

    private static HttpRequest Request(string query) => new DefaultHttpContext { Request = { QueryString = new QueryString(query) } }.Request;
}
