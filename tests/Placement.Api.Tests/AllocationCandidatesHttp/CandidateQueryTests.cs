using Placement.Api.AllocationCandidates;
using Placement.Api.AllocationCandidates.Engine;
using Placement.Api.Http;

namespace Placement.Api.Tests.AllocationCandidatesHttp;

/// <summary>Query-string rules of GET /allocation_candidates; messages are upstream's (placement/lib.py, util.py, schemas).</summary>
public class CandidateQueryTests
{
    private const string Agg1 = "f918801a-5e54-4bee-9095-09a9d0c786b8";
    private const string Agg2 = "a893eb5c-e2a0-4251-ab26-f71d3b0cfc0b";

    private static CandidateRequest Parse(string version, params (string Key, string Value)[] parameters) =>
        CandidateQuery.Parse([.. parameters.Select(p => KeyValuePair.Create(p.Key, p.Value))], Microversion.Parse(version));

    private static PlacementException Rejection(string version, params (string Key, string Value)[] parameters) =>
        Assert.Throws<PlacementException>(() => Parse(version, parameters));

    private static string Message(string version, params (string Key, string Value)[] parameters) =>
        Rejection(version, parameters).Message;

    [Fact]
    public void UnsuffixedResourcesMakeOneGroupAnyProviderOfATreeMaySatisfy()
    {
        var request = Parse("1.10", ("resources", "VCPU:2,MEMORY_MB:1024"));
        var group = Assert.Single(request.Groups);
        Assert.Equal("", group.Suffix);
        Assert.False(group.UseSameProvider);
        Assert.Equal([new ResourceAmount("VCPU", 2), new ResourceAmount("MEMORY_MB", 1024)], group.Resources);
        Assert.False(request.NestedAware);
        Assert.Null(request.Limit);
    }

    [Fact]
    public void ResourcesAreRequiredBefore125() =>
        Assert.StartsWith("Invalid query string parameters: 'resources' is a required property", Message("1.24"));

    [Fact]
    public void ParametersOfLaterVersionsAreUnknownBeforeThem()
    {
        Assert.Contains("'limit' was unexpected", Message("1.15", ("resources", "VCPU:1"), ("limit", "1")));
        Assert.Contains("'required' was unexpected", Message("1.16", ("resources", "VCPU:1"), ("required", "HW_CPU_X86_SSE")));
        Assert.Contains("'member_of' was unexpected", Message("1.20", ("resources", "VCPU:1"), ("member_of", Agg1)));
        Assert.Contains("'resources1' was unexpected", Message("1.24", ("resources", "VCPU:1"), ("resources1", "VCPU:1")));
        Assert.Contains("'root_required' does not match any of the regexes",
            Message("1.34", ("resources", "VCPU:1"), ("root_required", "HW_CPU_X86_SSE")));
    }

    [Fact]
    public void LimitMustBeAPositiveInteger()
    {
        Assert.Contains("Failed validating 'pattern'", Message("1.16", ("resources", "VCPU:1"), ("limit", "0")));
        Assert.Contains("Failed validating 'pattern'", Message("1.16", ("resources", "VCPU:1"), ("limit", "cow")));
        Assert.Equal(5, Parse("1.16", ("resources", "VCPU:1"), ("limit", "5")).Limit);
    }

    [Fact]
    public void WordSuffixesNeed133()
    {
        Assert.Contains("'resources_X' does not match any of the regexes",
            Message("1.32", ("resources", "VCPU:1"), ("resources_X", "VCPU:1")));
        var request = Parse("1.33", ("resources_X", "VCPU:1"), ("resources", "DISK_GB:1"));
        Assert.Equal(["_X", ""], request.Groups.Select(g => g.Suffix));
        Assert.True(request.Groups[0].UseSameProvider);
    }

    [Fact]
    public void GroupsCollectTheirSuffixedParameters()
    {
        var request = Parse("1.39",
            ("resources1", "SRIOV_NET_VF:2"), ("required1", "CUSTOM_PHYSNET_PUBLIC,!CUSTOM_SWITCH_A"),
            ("required1", "in:CUSTOM_GOLD,CUSTOM_SILVER"), ("member_of1", $"in:{Agg1},{Agg2}"), ("member_of1", $"!{Agg2}"),
            ("in_tree1", Agg1.ToUpperInvariant()), ("group_policy", "isolate"));
        var group = Assert.Single(request.Groups);
        Assert.Equal("1", group.Suffix);
        Assert.Equal([["CUSTOM_PHYSNET_PUBLIC"], ["CUSTOM_GOLD", "CUSTOM_SILVER"]], group.RequiredTraits);
        Assert.Equal(["CUSTOM_SWITCH_A"], group.ForbiddenTraits);
        Assert.Equal([[Guid.Parse(Agg1), Guid.Parse(Agg2)]], group.MemberOf);
        Assert.Equal([Guid.Parse(Agg2)], group.ForbiddenAggregates);
        Assert.Equal(Guid.Parse(Agg1), group.InTree);
        Assert.Equal(GroupPolicy.Isolate, request.GroupPolicy);
    }

    [Fact]
    public void BadValuesGetUpstreamsMessages()
    {
        Assert.Equal("Badly formed resources parameter. Expected resources query string parameter in form: " +
            "?resources=VCPU:2,MEMORY_MB:1024. Got: empty string.", Message("1.10", ("resources", "")));
        Assert.Equal("Invalid query string parameters: Expected 'in_tree' parameter to be a format of uuid. Got: tree",
            Message("1.31", ("resources", "VCPU:1"), ("in_tree", "tree")));
        Assert.Equal("Multiple member_of parameters are not supported",
            Message("1.23", ("resources", "VCPU:1"), ("member_of", Agg1), ("member_of", Agg2)));
        Assert.StartsWith("Invalid query string parameters: The format 'in:HW_CPU_X86_VMX,CUSTOM_MAGIC' only supported since microversion 1.39.",
            Message("1.38", ("resources", "VCPU:1"), ("required", "in:A,B")));
    }

    [Fact]
    public void MoreThanOneSuffixedGroupNeedsAGroupPolicy()
    {
        Assert.Equal("The \"group_policy\" parameter is required when specifying more than one \"resources{N}\" parameter.",
            Message("1.25", ("resources1", "VCPU:1"), ("resources2", "VCPU:1")));
        Assert.Equal(GroupPolicy.None, Parse("1.25", ("resources1", "VCPU:1"), ("resources2", "VCPU:1"), ("group_policy", "none")).GroupPolicy);
        Assert.Contains("'bogus' is not one of ['none', 'isolate']",
            Message("1.25", ("resources1", "VCPU:1"), ("group_policy", "bogus")));
    }

    [Fact]
    public void Before136EveryGroupNeedsResources()
    {
        Assert.Equal("All traits parameters must be associated with resources.  Found the following orphaned traits keys: required1",
            Message("1.35", ("resources", "VCPU:1"), ("required1", "HW_CPU_X86_SSE")));
        Assert.Equal("All member_of parameters must be associated with resources. Found the following orphaned member_of keys: member_of2",
            Message("1.35", ("resources", "VCPU:1"), ("member_of2", Agg1)));
        Assert.Equal("All request groups must specify resources.", Message("1.35", ("resources", "VCPU:1"), ("in_tree3", Agg1)));
        Assert.Equal("At least one request group (`resources` or `resources{$S}`) is required.", Message("1.35", ("limit", "1")));
    }

    [Fact]
    public void From136AResourcelessGroupMustBeInSameSubtree()
    {
        var noResources = Rejection("1.36", ("required", "HW_CPU_X86_SSE"));
        Assert.Equal("There must be at least one resources or resources[$S] parameter.", noResources.Message);
        Assert.Equal(ErrorCodes.QueryMissingValue, noResources.ErrorCode);
        Assert.Equal("Resourceless suffixed group request should be specified in `same_subtree` query param: bad group(s) - ['_NIC'].",
            Message("1.36", ("resources_A", "VCPU:1"), ("required_NIC", "HW_NIC_SRIOV")));
        Assert.Equal("Real suffixes should be specified in `same_subtree`: ['_B'] not found in ['_A', '_NIC'].",
            Message("1.36", ("resources_A", "VCPU:1"), ("required_NIC", "HW_NIC_SRIOV"), ("same_subtree", "_A,_NIC,_B"),
                ("group_policy", "none")));
        var request = Parse("1.36", ("resources_A", "VCPU:1"), ("required_NIC", "HW_NIC_SRIOV"), ("same_subtree", "_A, _NIC"),
            ("group_policy", "none"));
        Assert.Equal([["_A", "_NIC"]], request.SameSubtrees);
        Assert.Empty(request.Groups[1].Resources);
        Assert.StartsWith("Empty string (unsuffixed group) can not be specified in `same_subtree`",
            Message("1.36", ("resources_A", "VCPU:1"), ("same_subtree", "_A,")));
    }

    [Fact]
    public void ATraitBothRequiredAndForbiddenIsAConflict()
    {
        Assert.Equal("Conflicting required and forbidden traits found in the following traits keys: required1: (CUSTOM_A), required: (CUSTOM_B)",
            Message("1.25", ("resources", "VCPU:1"), ("required", "CUSTOM_B,!CUSTOM_B"), ("resources1", "VCPU:1"),
                ("required1", "!CUSTOM_A,CUSTOM_A")));
        // An any-of set conflicts only when every member of it is forbidden.
        Assert.Single(Parse("1.39", ("resources", "VCPU:1"), ("required", "in:CUSTOM_A,CUSTOM_B"), ("required", "!CUSTOM_A")).Groups);
    }

    [Fact]
    public void RootRequiredSplitsRequiredAndForbiddenTraits()
    {
        var request = Parse("1.35", ("resources", "VCPU:1"), ("root_required", "COMPUTE_VOLUME_MULTI_ATTACH,!CUSTOM_WINDOWS"));
        Assert.Equal(["COMPUTE_VOLUME_MULTI_ATTACH"], request.RootRequiredTraits);
        Assert.Equal(["CUSTOM_WINDOWS"], request.RootForbiddenTraits);

        var conflict = Rejection("1.35", ("resources", "VCPU:1"), ("root_required", "HW_CPU_X86_AVX2,!HW_CPU_X86_AVX2"));
        Assert.Equal("Conflicting required and forbidden traits found in root_required: HW_CPU_X86_AVX2", conflict.Message);
        Assert.Equal(ErrorCodes.QueryBadValue, conflict.ErrorCode);
        var twice = Rejection("1.35", ("resources", "VCPU:1"), ("root_required", "A"), ("root_required", "B"));
        Assert.Equal(ErrorCodes.IllegalDuplicateQueryParameter, twice.ErrorCode);
        Assert.StartsWith("Invalid query string parameters: The format 'in:HW_CPU_X86_VMX,CUSTOM_MAGIC' only supported",
            Message("1.39", ("resources", "VCPU:1"), ("root_required", "in:A,B")));
    }

    [Fact]
    public void NestedAwareFrom129() =>
        Assert.True(Parse("1.29", ("resources", "VCPU:1")).NestedAware);
}
