namespace Placement.Api.Auth;

/// <summary>A rule Placement registers, with its default check string (upstream master's placement/policies).</summary>
/// <param name="Name">The rule name, e.g. <c>placement:resource_providers:list</c> or <c>admin_api</c>.</param>
/// <param name="CheckString">The default check string.</param>
/// <param name="ScopeTypes">Token scopes the action accepts when scope is enforced; empty means any.</param>
/// <param name="DeprecatedCheckString">The pre-Wallaby default, still accepted (or-ed in) unless new defaults are enforced.</param>
internal sealed record PolicyDefault(string Name, string CheckString, IReadOnlyList<string> ScopeTypes, string? DeprecatedCheckString = null);

/// <summary>The policy actions handlers authorize, and upstream master's default rules.</summary>
public static class PlacementPolicies
{
    public const string AllocationsManage = "placement:allocations:manage";
    public const string AllocationsList = "placement:allocations:list";
    public const string AllocationsUpdate = "placement:allocations:update";
    public const string AllocationsDelete = "placement:allocations:delete";
    public const string AllocationCandidatesList = "placement:allocation_candidates:list";
    public const string ReshaperReshape = "placement:reshaper:reshape";
    public const string ResourceClassesList = "placement:resource_classes:list";
    public const string ResourceClassesCreate = "placement:resource_classes:create";
    public const string ResourceClassesShow = "placement:resource_classes:show";
    public const string ResourceClassesUpdate = "placement:resource_classes:update";
    public const string ResourceClassesDelete = "placement:resource_classes:delete";
    public const string ResourceProvidersList = "placement:resource_providers:list";
    public const string ResourceProvidersCreate = "placement:resource_providers:create";
    public const string ResourceProvidersShow = "placement:resource_providers:show";
    public const string ResourceProvidersUpdate = "placement:resource_providers:update";
    public const string ResourceProvidersDelete = "placement:resource_providers:delete";
    public const string ResourceProviderAggregatesList = "placement:resource_providers:aggregates:list";
    public const string ResourceProviderAggregatesUpdate = "placement:resource_providers:aggregates:update";
    public const string ResourceProviderAllocationsList = "placement:resource_providers:allocations:list";
    public const string ResourceProviderInventoriesList = "placement:resource_providers:inventories:list";
    public const string ResourceProviderInventoriesCreate = "placement:resource_providers:inventories:create";
    public const string ResourceProviderInventoriesShow = "placement:resource_providers:inventories:show";
    public const string ResourceProviderInventoriesUpdate = "placement:resource_providers:inventories:update";
    public const string ResourceProviderInventoriesDelete = "placement:resource_providers:inventories:delete";
    public const string ResourceProviderTraitsList = "placement:resource_providers:traits:list";
    public const string ResourceProviderTraitsUpdate = "placement:resource_providers:traits:update";
    public const string ResourceProviderTraitsDelete = "placement:resource_providers:traits:delete";
    public const string ResourceProviderUsages = "placement:resource_providers:usages";
    public const string TraitsList = "placement:traits:list";
    public const string TraitsShow = "placement:traits:show";
    public const string TraitsUpdate = "placement:traits:update";
    public const string TraitsDelete = "placement:traits:delete";
    /// <summary>GET /usages; authorize it with <see cref="PolicyTarget.OfProject"/>.</summary>
    public const string TotalUsages = "placement:usages";

    private const string AdminOrService = "rule:admin_or_service_api";
    private const string Service = "rule:service_api";
    private const string AdminOrProjectReaderOrService = "rule:admin_or_project_reader_or_service_api";
    private const string DeprecatedAdmin = "role:admin";
    private static readonly string[] Project = ["project"];

    internal static readonly IReadOnlyList<PolicyDefault> Defaults =
    [
        new("admin_api", "role:admin", Project),
        new("service_api", "role:service", Project, DeprecatedAdmin),
        new("admin_or_service_api", "role:admin or role:service", Project, DeprecatedAdmin),
        new("project_reader_api", "role:reader and project_id:%(project_id)s", [], DeprecatedAdmin),
        new("admin_or_project_reader_or_service_api", "role:admin or rule:project_reader_api or role:service", Project, DeprecatedAdmin),
        new(AllocationsManage, AdminOrService, Project),
        new(AllocationsList, AdminOrService, Project),
        new(AllocationsUpdate, AdminOrService, Project),
        new(AllocationsDelete, AdminOrService, Project),
        new(ResourceProviderAllocationsList, AdminOrService, Project),
        new(AllocationCandidatesList, AdminOrService, Project),
        new(ReshaperReshape, Service, Project),
        new(ResourceClassesList, AdminOrService, Project),
        new(ResourceClassesCreate, AdminOrService, Project),
        new(ResourceClassesShow, AdminOrService, Project),
        new(ResourceClassesUpdate, AdminOrService, Project),
        new(ResourceClassesDelete, AdminOrService, Project),
        new(ResourceProvidersList, AdminOrService, Project),
        new(ResourceProvidersCreate, AdminOrService, Project),
        new(ResourceProvidersShow, AdminOrService, Project),
        new(ResourceProvidersUpdate, AdminOrService, Project),
        new(ResourceProvidersDelete, AdminOrService, Project),
        new(ResourceProviderAggregatesList, AdminOrService, Project),
        new(ResourceProviderAggregatesUpdate, AdminOrService, Project),
        new(ResourceProviderInventoriesList, AdminOrService, Project),
        new(ResourceProviderInventoriesCreate, AdminOrService, Project),
        new(ResourceProviderInventoriesShow, AdminOrService, Project),
        new(ResourceProviderInventoriesUpdate, AdminOrService, Project),
        new(ResourceProviderInventoriesDelete, AdminOrService, Project),
        new(TraitsList, AdminOrService, Project),
        new(TraitsShow, AdminOrService, Project),
        new(TraitsUpdate, AdminOrService, Project),
        new(TraitsDelete, AdminOrService, Project),
        new(ResourceProviderTraitsList, AdminOrService, Project),
        new(ResourceProviderTraitsUpdate, AdminOrService, Project),
        new(ResourceProviderTraitsDelete, AdminOrService, Project),
        new(ResourceProviderUsages, AdminOrService, Project),
        new(TotalUsages, AdminOrProjectReaderOrService, Project),
    ];
}
