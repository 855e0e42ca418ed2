using Placement.Api.Database;
using Placement.Api.Database.Entities;
using Placement.Api.Http;
using Placement.Api.ResourceClasses;

namespace Placement.Api.Inventories;

/// <summary>
/// Resource class names and ids, read once per request (upstream: the context's rc_cache), so that
/// a request naming or showing many classes does one query.
/// </summary>
public sealed class ResourceClassIds
{
    private readonly Dictionary<string, int> _idsByName;
    private readonly Dictionary<int, string> _namesById;

    private ResourceClassIds(IReadOnlyList<ResourceClass> classes)
    {
        _idsByName = classes.ToDictionary(rc => rc.Name, rc => rc.Id, StringComparer.Ordinal);
        _namesById = classes.ToDictionary(rc => rc.Id, rc => rc.Name);
    }

    public static async Task<ResourceClassIds> LoadAsync(PlacementDbContext db, CancellationToken cancellationToken) =>
        new(await ResourceClassStore.ListAsync(db, cancellationToken));

    /// <summary>The class of a name, or 404 "No such resource class NAME." (upstream's ResourceClassNotFound).</summary>
    public KnownResourceClass Resolve(string name) =>
        _idsByName.TryGetValue(name, out var id) ? new KnownResourceClass(id, name) : throw new UnknownResourceClassException(name);

    public string NameOf(int id) => _namesById[id];
}

/// <summary>A resource class name and its id.</summary>
public readonly record struct KnownResourceClass(int Id, string Name);

/// <summary>
/// Upstream's ResourceClassNotFound: a 404 unless a handler words it otherwise (creating inventory
/// for an unknown class is a 400, for instance).
/// </summary>
public sealed class UnknownResourceClassException(string name)
    : PlacementException(System.Net.HttpStatusCode.NotFound, $"No such resource class {name}.");
