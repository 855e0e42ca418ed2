using Placement.Api.Http;
using Placement.Api.ResourceProviders;

namespace Placement.Api.Tests.ResourceProviders;

/// <summary>Query-string rules of GET /resource_providers; messages are upstream's (placement/util.py).</summary>
public class ProviderListQueryTests
{
    private const string Agg1 = "f918801a-5e54-4bee-9095-09a9d0c786b8";
    private const string Agg2 = "a893eb5c-e2a0-4251-ab26-f71d3b0cfc0b";

    private static ProviderListQuery Parse(string version, params (string Key, string Value)[] parameters) =>
        ProviderListQuery.Parse([.. parameters.Select(p => KeyValuePair.Create(p.Key, p.Value))], Microversion.Parse(version));

    private static string Rejection(string version, params (string Key, string Value)[] parameters) =>
        Assert.Throws<PlacementException>(() => Parse(version, parameters)).Message;

    [Fact]
    public void NoParametersMeansNoFilters()
    {
        var query = Parse("1.0");
        Assert.Null(query.Name);
        Assert.Empty(query.MemberOf);
        Assert.Empty(query.Resources);
        Assert.Empty(query.RequiredTraits);
    }

    [Fact]
    public void UnknownParameterIsRejected() =>
        Assert.StartsWith("Invalid query string parameters: Additional properties are not allowed ('spam' was unexpected)",
            Rejection("1.39", ("spam", "eggs")));

    [Fact]
    public void ParametersOfLaterVersionsAreUnknownBeforeThem() =>
        Assert.StartsWith("Invalid query string parameters: Additional properties are not allowed ('required' was unexpected)",
            Rejection("1.17", ("required", "HW_CPU_X86_SGX")));

    [Fact]
    public void UuidMustLookLikeOne() =>
        Assert.StartsWith("Invalid query string parameters: 'spameggs' is not a 'uuid'", Rejection("1.0", ("uuid", "spameggs")));

    [Fact]
    public void LastValueOfARepeatedSimpleParameterWins() =>
        Assert.Equal("b", Parse("1.0", ("name", "a"), ("name", "b")).Name);

    [Fact]
    public void MemberOfInListIsOneAnyOfSet()
    {
        var query = Parse("1.3", ("member_of", $"in:{Agg1},{Agg2}"));
        Assert.Equal([new HashSet<string> { Agg1, Agg2 }], query.MemberOf.Select(s => s.ToHashSet()));
    }

    [Fact]
    public void MultipleMemberOfNeed124()
    {
        Assert.Equal("Multiple member_of parameters are not supported", Rejection("1.23", ("member_of", Agg1), ("member_of", Agg2)));
        Assert.Equal(2, Parse("1.24", ("member_of", Agg1), ("member_of", Agg2)).MemberOf.Count);
    }

    [Fact]
    public void ForbiddenMemberOfNeeds132()
    {
        Assert.Equal("Forbidden member_of parameters are not supported in the specified microversion",
            Rejection("1.31", ("member_of", "!" + Agg1)));
        var query = Parse("1.32", ("member_of", $"!in:{Agg1},{Agg2}"), ("member_of", Agg1));
        Assert.Equal(new HashSet<string> { Agg1, Agg2 }, query.ForbiddenAggregates.ToHashSet());
        Assert.Single(query.MemberOf);
    }

    [Fact]
    public void MemberOfListWithoutInPrefixIsRejected() =>
        Assert.Equal($"Multiple values for 'member_of' must be prefixed with the 'in:' or '!in:' keyword using the valid microversion. Got: {Agg1},{Agg2}",
            Rejection("1.24", ("member_of", $"{Agg1},{Agg2}")));

    [Fact]
    public void MemberOfMustBeUuids() =>
        Assert.Equal("Invalid query string parameters: Expected 'member_of' parameter to contain valid UUID(s). Got: cow",
            Rejection("1.24", ("member_of", $"in:{Agg1},cow")));

    [Fact]
    public void ResourcesAreAmountsByClass()
    {
        var query = Parse("1.4", ("resources", "VCPU:2,MEMORY_MB:1024"));
        Assert.Equal(new Dictionary<string, long> { ["VCPU"] = 2, ["MEMORY_MB"] = 1024 }, query.Resources);
    }

    [Theory]
    [InlineData("", "Badly formed resources parameter. Expected resources query string parameter in form: ?resources=VCPU:2,MEMORY_MB:1024. Got: empty string.")]
    [InlineData("VCPU", "Badly formed resources parameter. Expected resources query string parameter in form: ?resources=VCPU:2,MEMORY_MB:1024. Got: VCPU.")]
    [InlineData("VCPU:1:2", "Badly formed resources parameter. Expected resources query string parameter in form: ?resources=VCPU:2,MEMORY_MB:1024. Got: VCPU:1:2.")]
    [InlineData("VCPU:one", "Requested resource VCPU expected positive integer amount. Got: one.")]
    [InlineData("VCPU:0", "Requested resource VCPU requires amount >= 1. Got: 0.")]
    [InlineData("VCPU:-2", "Requested resource VCPU requires amount >= 1. Got: -2.")]
    public void BadResourcesAreRejected(string value, string message) =>
        Assert.Equal(message, Rejection("1.4", ("resources", value)));

    [Fact]
    public void RequiredTraitsAreAllOf()
    {
        var query = Parse("1.18", ("required", "HW_CPU_X86_SGX, STORAGE_DISK_SSD"));
        Assert.Equal(["HW_CPU_X86_SGX", "STORAGE_DISK_SSD"], query.RequiredTraits.Select(s => s.Single()));
    }

    [Fact]
    public void ForbiddenTraitsNeed122()
    {
        Assert.Equal("Invalid query string parameters: Expected 'required' parameter value of the form: HW_CPU_X86_VMX,CUSTOM_MAGIC. Got: !STORAGE_DISK_SSD",
            Rejection("1.21", ("required", "!STORAGE_DISK_SSD")));
        var query = Parse("1.22", ("required", "!!STORAGE_DISK_SSD,HW_CPU_X86_SGX"));
        Assert.Equal(new HashSet<string> { "STORAGE_DISK_SSD" }, query.ForbiddenTraits.ToHashSet());
        Assert.Single(query.RequiredTraits);
    }

    [Theory]
    [InlineData("1.21", "", "HW_CPU_X86_VMX,CUSTOM_MAGIC")]
    [InlineData("1.22", "A,,B", "HW_CPU_X86_VMX,!CUSTOM_MAGIC")]
    [InlineData("1.22", "A,!", "HW_CPU_X86_VMX,!CUSTOM_MAGIC")]
    public void EmptyTraitNamesAreRejected(string version, string value, string form) =>
        Assert.Equal($"Invalid query string parameters: Expected 'required' parameter value of the form: {form}. Got an empty trait in: {value}",
            Rejection(version, ("required", value)));

    [Fact]
    public void AnyOfTraitsNeed139()
    {
        Assert.Equal("Invalid query string parameters: The format 'in:HW_CPU_X86_VMX,CUSTOM_MAGIC' only supported since microversion 1.39. Got: in:A,B",
            Rejection("1.38", ("required", "in:A,B")));
        var query = Parse("1.39", ("required", "in:A,B"), ("required", "C,!D"));
        Assert.Equal([new HashSet<string> { "A", "B" }, new HashSet<string> { "C" }], query.RequiredTraits.Select(s => s.ToHashSet()));
        Assert.Equal(new HashSet<string> { "D" }, query.ForbiddenTraits.ToHashSet());
    }

    [Fact]
    public void BeforeVersion139OnlyTheLastRequiredCounts() =>
        Assert.Equal("B", Parse("1.38", ("required", "A"), ("required", "B")).RequiredTraits.Single().Single());

    [Theory]
    [InlineData("in:A,,B", "Expected 'required' parameter value of the form: in:HW_CPU_X86_VMX,CUSTOM_MAGIC. Got an empty trait in: in:A,,B")]
    [InlineData("in:A,!B", "The format 'in:HW_CPU_X86_VMX,CUSTOM_MAGIC' does not support forbidden traits. Got: in:A,!B")]
    public void BadAnyOfTraitsAreRejected(string value, string message) =>
        Assert.Equal($"Invalid query string parameters: {message}", Rejection("1.39", ("required", value)));
}
