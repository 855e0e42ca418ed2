using Microsoft.EntityFrameworkCore;
using Placement.Api.Database;
using Placement.Api.Http;

namespace Placement.Api.Inventories;

/// <summary>
/// Resource class names and ids, read once per request (upstream: the context's rc_cache).
/// Standard classes are not rows: their id is their position in the standard list.
/// </summary>
public sealed class ResourceClassIds
{
    private readonly Dictionary<string, int> _idsByName;
    private readonly Dictionary<int, string> _namesById;

    private ResourceClassIds(Dictionary<string, int> idsByName)
    {
        _idsByName = idsByName;
        _namesById = idsByName.ToDictionary(pair => pair.Value, pair => pair.Key);
    }

    public static async Task<ResourceClassIds> LoadAsync(PlacementDbContext db, CancellationToken cancellationToken)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var id = 0; id < StandardData.ResourceClasses.Count; id++)
        {
            ids[StandardData.ResourceClasses[id]] = id;
        }
        foreach (var custom in await db.ResourceClasses.AsNoTracking().Select(rc => new { rc.Id, rc.Name }).ToListAsync(cancellationToken))
        {
            ids[custom.Name] = custom.Id;
        }
        return new ResourceClassIds(ids);
    }

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
    : PlacementException(System.Net.HttpStatusCode.NotFound, $"No such resource class {name}.")
{
    public string Name { get; } = name;
}
