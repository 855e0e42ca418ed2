using Microsoft.AspNetCore.Http;
using Placement.Api.Http;
using Placement.Api.Usages;

namespace Placement.Api.Tests.Usages;

public class UsageSchemasTests
{
    private static HttpRequest Request(string queryString) =>
        new DefaultHttpContext { Request = { QueryString = new QueryString(queryString) } }.Request;

    private static string Refusal(string queryString, NJsonSchema.JsonSchema schema) =>
        Assert.Throws<PlacementException>(() => QueryParameters.Validate(Request(queryString), schema)).Message;

    [Theory]
    [InlineData("?project_id=p")]
    [InlineData("?project_id=p&user_id=u")]
    public void AProjectAndOptionallyAUserAreAccepted(string queryString) =>
        QueryParameters.Validate(Request(queryString), UsageSchemas.TotalUsages);

    [Theory]
    [InlineData("", "Invalid query string parameters: 'project_id' is a required property")]
    [InlineData("?project_id=", "Invalid query string parameters: '' is too short")]
    [InlineData("?project_id=p&user_id=", "Invalid query string parameters: '' is too short")]
    [InlineData("?project_id=p&dummy=1", "Invalid query string parameters: Additional properties are not allowed ('dummy' was unexpected)")]
    [InlineData("?project_id=p&consumer_type=INSTANCE", "Invalid query string parameters: Additional properties are not allowed ('consumer_type' was unexpected)")]
    public void Before138(string queryString, string message) =>
        Assert.StartsWith(message, Refusal(queryString, UsageSchemas.TotalUsages));

    [Fact]
    public void TheLastOfARepeatedParameterIsTheOneChecked()
    {
        QueryParameters.Validate(Request("?project_id=&project_id=p"), UsageSchemas.TotalUsages);
        Assert.Contains("is too short", Refusal("?project_id=p&project_id=", UsageSchemas.TotalUsages));
    }

    [Fact]
    public void AProjectIdLongerThan255IsRefused() =>
        Assert.Contains("Failed validating 'maxLength' in schema['properties']['project_id']",
            Refusal($"?project_id={new string('a', 256)}", UsageSchemas.TotalUsages));

    [Theory]
    [InlineData("INSTANCE")]
    [InlineData("all")]
    [InlineData("unknown")]
    [InlineData("allsorts")]
    public void From138AConsumerTypeOrAllOrUnknownIsAccepted(string consumerType) =>
        QueryParameters.Validate(Request($"?project_id=p&consumer_type={consumerType}"), UsageSchemas.TotalUsagesByConsumerType);

    [Theory]
    [InlineData("pony")]
    [InlineData("ALL-")]
    [InlineData("unknownx")]
    public void From138OtherConsumerTypesAreRefused(string consumerType) =>
        Assert.Contains("Failed validating 'pattern' in schema['properties']['consumer_type']",
            Refusal($"?project_id=p&consumer_type={consumerType}", UsageSchemas.TotalUsagesByConsumerType));
}
