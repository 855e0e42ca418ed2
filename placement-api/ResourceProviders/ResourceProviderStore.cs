using Microsoft.EntityFrameworkCore;
using Placement.Api.Database;
using Placement.Api.Database.Entities;
using Placement.Api.Http;

namespace Placement.Api.ResourceProviders;

/// <summary>A provider as the API shows it: its row plus the UUIDs of its parent and root.</summary>
public sealed record ProviderRecord(
    int Id,
    string Uuid,
    string? Name,
    int Generation,
    string? ParentProviderUuid,
    string? RootProviderUuid,
    DateTime? CreatedAt,
    DateTime? UpdatedAt)
{
    public DateTime? LastModified => UpdatedAt ?? CreatedAt;
}

/// <summary>
/// Data access for resource providers (upstream: placement/objects/resource_provider.py): the filtered
/// list, create with a parent, update with re-parenting, delete. Traits, aggregates, inventories and
/// allocations are read straight from their tables for the list filters.
/// </summary>
public sealed class ResourceProviderStore(PlacementDbContext db)
{
    public async Task<ProviderRecord?> FindAsync(string uuid, CancellationToken ct) =>
        await Records(db.ResourceProviders.Where(p => p.Uuid == uuid)).FirstOrDefaultAsync(ct);

    /// <summary>
    /// The providers matching every filter. Filters apply in upstream's order, which decides what a
    /// request with several problems answers: no tree, or no provider with the required traits or
    /// aggregates, is an empty list before any later filter's unknown name is a 400.
    /// </summary>
    public async Task<List<ProviderRecord>> ListAsync(ProviderListQuery query, CancellationToken ct)
    {
        var providers = db.ResourceProviders.AsQueryable();
        if (!string.IsNullOrEmpty(query.Name))
        {
            providers = providers.Where(p => p.Name == query.Name);
        }
        if (!string.IsNullOrEmpty(query.Uuid))
        {
            providers = providers.Where(p => p.Uuid == query.Uuid);
        }
        if (!string.IsNullOrEmpty(query.InTree))
        {
            var rootId = await db.ResourceProviders.Where(p => p.Uuid == query.InTree).Select(p => p.RootProviderId).FirstOrDefaultAsync(ct);
            if (rootId is null)
            {
                return [];
            }
            providers = providers.Where(p => p.RootProviderId == rootId);
        }
        if (query.RequiredTraits.Count > 0)
        {
            var ids = await TraitIdsAsync(query.RequiredTraits.SelectMany(s => s), ct);
            IQueryable<ResourceProvider> WithTraits(IQueryable<ResourceProvider> candidates) =>
                query.RequiredTraits.Aggregate(candidates, (matching, anyOf) => HavingAnyTrait(matching, [.. anyOf.Select(n => ids[n])]));
            if (!await WithTraits(db.ResourceProviders).AnyAsync(ct))
            {
                return [];
            }
            providers = WithTraits(providers);
        }
        if (query.ForbiddenTraits.Count > 0)
        {
            var ids = await TraitIdsAsync(query.ForbiddenTraits, ct);
            var forbidden = ids.Values.ToList();
            providers = providers.Where(p => !db.ResourceProviderTraits.Any(t => t.ResourceProviderId == p.Id && forbidden.Contains(t.TraitId)));
        }
        if (query.MemberOf.Count > 0)
        {
            var ids = await AggregateIdsAsync(query.MemberOf.SelectMany(s => s), ct);
            // Unknown aggregates have no members: a set of only unknown ones matches no provider.
            IQueryable<ResourceProvider> InAggregates(IQueryable<ResourceProvider> candidates) =>
                query.MemberOf.Aggregate(candidates, (matching, anyOf) => InAnyAggregate(matching, [.. anyOf.Where(ids.ContainsKey).Select(u => ids[u])]));
            if (!await InAggregates(db.ResourceProviders).AnyAsync(ct))
            {
                return [];
            }
            providers = InAggregates(providers);
        }
        if (query.ForbiddenAggregates.Count > 0)
        {
            var forbidden = (await AggregateIdsAsync(query.ForbiddenAggregates, ct)).Values.ToList();
            providers = providers.Where(p => !db.ResourceProviderAggregates.Any(a => a.ResourceProviderId == p.Id && forbidden.Contains(a.AggregateId)));
        }
        providers = await FilterByCapacityAsync(providers, query, ct);
        return await Records(providers.OrderBy(p => p.Id)).ToListAsync(ct);
    }

    private IQueryable<ResourceProvider> HavingAnyTrait(IQueryable<ResourceProvider> providers, List<int> traitIds) =>
        providers.Where(p => db.ResourceProviderTraits.Any(t => t.ResourceProviderId == p.Id && traitIds.Contains(t.TraitId)));

    private IQueryable<ResourceProvider> InAnyAggregate(IQueryable<ResourceProvider> providers, List<int> aggregateIds) =>
        providers.Where(p => db.ResourceProviderAggregates.Any(a => a.ResourceProviderId == p.Id && aggregateIds.Contains(a.AggregateId)));

    /// <summary>Trait ids by name; a 400 naming the first unknown trait.</summary>
    private async Task<Dictionary<string, int>> TraitIdsAsync(IEnumerable<string> names, CancellationToken ct)
    {
        var wanted = names.Distinct().ToList();
        var ids = await db.Traits.Where(t => wanted.Contains(t.Name)).ToDictionaryAsync(t => t.Name, t => t.Id, ct);
        if (wanted.FirstOrDefault(n => !ids.ContainsKey(n)) is { } missing)
        {
            throw PlacementException.BadRequest($"Invalid trait(s) in \"required\" parameter: No such trait(s): {missing}.");
        }
        return ids;
    }

    /// <summary>The ids of the aggregates that exist among <paramref name="uuids"/>.</summary>
    private async Task<Dictionary<string, int>> AggregateIdsAsync(IEnumerable<string> uuids, CancellationToken ct)
    {
        var wanted = uuids.Distinct().ToList();
        return await db.PlacementAggregates.Where(a => a.Uuid != null && wanted.Contains(a.Uuid))
            .ToDictionaryAsync(a => a.Uuid!, a => a.Id, ct);
    }

    /// <summary>
    /// Providers that can take each amount: free capacity ((total - reserved) * allocation_ratio - used)
    /// and the inventory's min_unit, max_unit and step_size (upstream's _capacity_check_clause).
    /// </summary>
    private async Task<IQueryable<ResourceProvider>> FilterByCapacityAsync(IQueryable<ResourceProvider> providers, ProviderListQuery query, CancellationToken ct)
    {
        foreach (var (className, amount) in query.Resources)
        {
            var classId = await ResourceClassIdAsync(className, ct);
            providers = providers.Where(p => db.Inventories.Any(i =>
                i.ResourceProviderId == p.Id && i.ResourceClassId == classId
                && (db.Allocations.Where(a => a.ResourceProviderId == p.Id && a.ResourceClassId == classId).Sum(a => (long?)a.Used) ?? 0) + amount
                    <= (i.Total - i.Reserved) * i.AllocationRatio
                && i.MinUnit <= amount && i.MaxUnit >= amount && amount % i.StepSize == 0));
        }
        return providers;
    }

    private async Task<int> ResourceClassIdAsync(string name, CancellationToken ct) =>
        await db.ResourceClasses.Where(c => c.Name == name).Select(c => (int?)c.Id).FirstOrDefaultAsync(ct)
            ?? throw PlacementException.BadRequest($"Invalid resource class in resources parameter: No such resource class {name}.");

    /// <summary>Creates a root provider, or a child of <paramref name="parentUuid"/>; 409 on a taken UUID or name.</summary>
    public async Task<ProviderRecord> CreateAsync(string uuid, string name, string? parentUuid, CancellationToken ct)
    {
        string Failure(string reason) => $"Unable to create resource provider \"{name}\", {uuid}: Object action create failed because: {reason}";
        if (name.Length == 0)
        {
            throw PlacementException.BadRequest(Failure("name is required"));
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        ResourceProvider? parent = null;
        if (parentUuid is not null)
        {
            if (parentUuid == uuid)
            {
                throw PlacementException.BadRequest(Failure(
                    "parent provider UUID cannot be same as UUID. Please set parent provider UUID to None if there is no parent."));
            }
            parent = await db.ResourceProviders.FirstOrDefaultAsync(p => p.Uuid == parentUuid, ct)
                ?? throw PlacementException.BadRequest(Failure("parent provider UUID does not exist."));
        }
        // Upstream checks the parent first and meets a duplicate only at the insert.
        await RejectDuplicatesAsync(uuid, name, ct);
        var provider = new ResourceProvider
        {
            Uuid = uuid,
            Name = name,
            Generation = 0,
            ParentProviderId = parent?.Id,
            RootProviderId = parent?.RootProviderId,
        };
        db.ResourceProviders.Add(provider);
        await db.SaveChangesAsync(ct);
        if (parent is null)
        {
            provider.RootProviderId = provider.Id;
            await db.SaveChangesAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return (await FindAsync(uuid, ct))!;
    }

    /// <summary>The database names the first unique key a new row violates; upstream reports that one.</summary>
    private async Task RejectDuplicatesAsync(string uuid, string name, CancellationToken ct)
    {
        var duplicate = await db.ResourceProviders.AnyAsync(p => p.Uuid == uuid, ct) ? $"uuid: {uuid}"
            : await db.ResourceProviders.AnyAsync(p => p.Name == name, ct) ? $"name: {name}"
            : null;
        if (duplicate is not null)
        {
            throw PlacementException.Conflict($"Conflicting resource provider {duplicate} already exists.", ErrorCodes.Duplicate);
        }
    }

    /// <summary>
    /// Renames the provider and, when <paramref name="setParent"/>, moves it (and its subtree) under
    /// <paramref name="parentUuid"/> or, for null, makes it a root. Without <paramref name="allowReparenting"/>
    /// (before 1.37) only a root may get a parent.
    /// </summary>
    public async Task<ProviderRecord> UpdateAsync(
        ResourceProvider provider, string name, bool setParent, string? parentUuid, bool allowReparenting, CancellationToken ct)
    {
        string Failure(string action, string reason) =>
            $"Unable to save resource provider {provider.Uuid}: Object action {action} failed because: {reason}";
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (setParent)
        {
            await ChangeLogLock.TakeFirstAsync(db, ct);
        }
        // Read again inside the transaction: the caller's copy may predate a concurrent change.
        await db.Entry(provider).ReloadAsync(ct);
        if (db.Entry(provider).State == EntityState.Detached)
        {
            throw PlacementException.NotFoundPastHandler($"No resource provider with uuid {provider.Uuid} found");
        }
        if (setParent && parentUuid is not null)
        {
            var parent = await db.ResourceProviders.FirstOrDefaultAsync(p => p.Uuid == parentUuid, ct)
                ?? throw PlacementException.BadRequest(Failure("create", "parent provider UUID does not exist."));
            if (provider.ParentProviderId is not null && provider.ParentProviderId != parent.Id && !allowReparenting)
            {
                throw PlacementException.BadRequest(Failure("update", "re-parenting a provider is not currently allowed."));
            }
            var subtree = await SubtreeAsync(provider, ct);
            if (subtree.Contains(parent.Id))
            {
                throw PlacementException.BadRequest(Failure("update", "creating loop in the provider tree is not allowed."));
            }
            provider.ParentProviderId = parent.Id;
            await SetRootAsync(subtree, parent.RootProviderId, ct);
        }
        else if (setParent && provider.ParentProviderId is not null)
        {
            if (!allowReparenting)
            {
                throw PlacementException.BadRequest(Failure("update", "un-parenting a provider is not currently allowed."));
            }
            provider.ParentProviderId = null;
            await SetRootAsync(await SubtreeAsync(provider, ct), provider.Id, ct);
        }
        if (await db.ResourceProviders.AnyAsync(p => p.Name == name && p.Id != provider.Id, ct))
        {
            throw PlacementException.Conflict($"Conflicting resource provider {name} already exists.", ErrorCodes.Duplicate);
        }
        provider.Name = name;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (await FindAsync(provider.Uuid, ct))!;
    }

    /// <summary>The ids of the provider and all its descendants.</summary>
    private async Task<HashSet<int>> SubtreeAsync(ResourceProvider provider, CancellationToken ct)
    {
        var tree = await db.ResourceProviders.Where(p => p.RootProviderId == provider.RootProviderId)
            .Select(p => new { p.Id, p.ParentProviderId }).ToListAsync(ct);
        var subtree = new HashSet<int> { provider.Id };
        // Parents are few levels deep; sweep until no more children join.
        bool grew;
        do
        {
            grew = false;
            foreach (var node in tree.Where(n => n.ParentProviderId is { } parent && subtree.Contains(parent)))
            {
                grew |= subtree.Add(node.Id);
            }
        }
        while (grew);
        return subtree;
    }

    private async Task SetRootAsync(HashSet<int> providerIds, int? rootId, CancellationToken ct)
    {
        foreach (var provider in await db.ResourceProviders.Where(p => providerIds.Contains(p.Id)).ToListAsync(ct))
        {
            provider.RootProviderId = rootId;
        }
    }

    /// <summary>Deletes a provider without children or allocations, with its inventories, traits and aggregate links.</summary>
    public async Task DeleteAsync(string uuid, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Clearing the root below locks the provider row before anything is logged when it has no inventories,
        // traits or aggregates.
        await ChangeLogLock.TakeFirstAsync(db, ct);
        var provider = await db.ResourceProviders.FirstOrDefaultAsync(p => p.Uuid == uuid, ct)
            ?? throw PlacementException.NotFound($"No resource provider with uuid {uuid} found for delete");
        if (await db.ResourceProviders.AnyAsync(p => p.ParentProviderId == provider.Id, ct))
        {
            throw PlacementException.Conflict(
                $"Unable to delete parent resource provider {uuid}: It has child resource providers.", ErrorCodes.ProviderCannotDeleteParent);
        }
        if (await db.Allocations.AnyAsync(a => a.ResourceProviderId == provider.Id, ct))
        {
            throw PlacementException.Conflict(
                $"Unable to delete resource provider {uuid}: Resource provider has allocations.", ErrorCodes.ProviderInUse);
        }
        await db.Inventories.Where(i => i.ResourceProviderId == provider.Id).ExecuteDeleteAsync(ct);
        await db.ResourceProviderAggregates.Where(a => a.ResourceProviderId == provider.Id).ExecuteDeleteAsync(ct);
        await db.ResourceProviderTraits.Where(t => t.ResourceProviderId == provider.Id).ExecuteDeleteAsync(ct);
        // The row references itself as its root; clear that first so the foreign key lets it go.
        await db.ResourceProviders.Where(p => p.Id == provider.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.RootProviderId, (int?)null), ct);
        await db.ResourceProviders.Where(p => p.Id == provider.Id).ExecuteDeleteAsync(ct);
        await transaction.CommitAsync(ct);
    }

    private IQueryable<ProviderRecord> Records(IQueryable<ResourceProvider> providers) =>
        from p in providers
        join root in db.ResourceProviders on p.RootProviderId equals root.Id into roots
        from root in roots.DefaultIfEmpty()
        join parent in db.ResourceProviders on p.ParentProviderId equals parent.Id into parents
        from parent in parents.DefaultIfEmpty()
        select new ProviderRecord(
            p.Id, p.Uuid, p.Name, p.Generation ?? 0, parent == null ? null : parent.Uuid, root == null ? null : root.Uuid, p.CreatedAt, p.UpdatedAt);
}
