using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Placement.Api.Http;
using Placement.Api.Traits;

namespace Placement.Api.Tests.Traits;

public class TraitFilterTests
{
    [Fact]
    public void NoQueryFiltersNothing() =>
        Assert.Equal(new TraitFilter(null, null, null), Parse(""));

    [Fact]
    public void NameInListsTheNames()
    {
        var filter = Parse("?name=in:CUSTOM_A,HW_CPU_X86_SSE");
        Assert.Equal(["CUSTOM_A", "HW_CPU_X86_SSE"], filter.NamesIn);
        Assert.Null(filter.Prefix);
    }

    [Fact]
    public void NameStartswithGivesThePrefixUpToTheEnd() =>
        Assert.Equal("CUSTOM_A:B", Parse("?name=startswith:CUSTOM_A:B").Prefix);

    [Fact]
    public void AnotherOperatorFiltersNothingAsUpstream() =>
        Assert.Equal(new TraitFilter(null, null, null), Parse("?name=endswith:X"));

    [Fact]
    public void TheLastOfRepeatedNamesWins() =>
        Assert.Equal("B", Parse("?name=startswith:A&name=startswith:B").Prefix);

    [Fact]
    public void NameWithoutOperatorIsBadRequest()
    {
        var e = Assert.Throws<PlacementException>(() => Parse("?name=in_abc"));
        Assert.Equal(HttpStatusCode.BadRequest, e.Status);
        Assert.Equal(
            "Badly formatted name parameter. Expected name query string parameter in form: " +
            "?name=[in|startswith]:[name1,name2|prefix]. Got: \"in_abc\"",
            e.Message);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("FALSE", false)]
    [InlineData("True", true)]
    public void AssociatedIsTrueOrFalseInAnyCase(string value, bool expected) =>
        Assert.Equal(expected, Parse($"?associated={value}").Associated);

    [Theory]
    [InlineData("xyz")]
    [InlineData("")]
    [InlineData("1")]
    public void AssociatedOtherwiseIsBadRequest(string value)
    {
        var e = Assert.Throws<PlacementException>(() => Parse($"?associated={value}"));
        Assert.Equal("The query parameter \"associated\" only accepts \"true\" or \"false\"", e.Message);
    }

    private static TraitFilter Parse(string query) => TraitFilter.FromQuery(new QueryCollection(QueryHelpers.ParseQuery(query)));
}
