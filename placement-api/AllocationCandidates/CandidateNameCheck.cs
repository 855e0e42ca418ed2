using Microsoft.EntityFrameworkCore;
using Placement.Api.AllocationCandidates.Engine;
using Placement.Api.Database;
using Placement.Api.Http;

namespace Placement.Api.AllocationCandidates;

/// <summary>
/// Upstream answers 400 when a request names a resource class or trait that does not exist (the engine
/// would just find nothing). The first unknown name is reported, in the order upstream resolves them:
/// root_required, then each group's classes, required and forbidden traits.
/// </summary>
public static class CandidateNameCheck
{
    public static async Task CheckAsync(PlacementDbContext db, CandidateRequest request, CancellationToken cancellationToken)
    {
        var classes = request.Groups.SelectMany(g => g.Resources.Select(r => r.ResourceClass)).Distinct().ToList();
        var traits = request.RootRequiredTraits.Concat(request.RootForbiddenTraits)
            .Concat(request.Groups.SelectMany(g => g.RequiredTraits.SelectMany(anyOf => anyOf).Concat(g.ForbiddenTraits)))
            .Distinct()
            .ToList();
        var knownClasses = (await db.ResourceClasses.AsNoTracking()
            .Where(rc => classes.Contains(rc.Name)).Select(rc => rc.Name).ToListAsync(cancellationToken)).ToHashSet();
        var knownTraits = traits.Count == 0 ? [] : (await db.Traits.AsNoTracking()
            .Where(t => traits.Contains(t.Name)).Select(t => t.Name).ToListAsync(cancellationToken)).ToHashSet();

        void CheckTraits(IEnumerable<string> names)
        {
            if (names.FirstOrDefault(n => !knownTraits.Contains(n)) is { } unknown)
            {
                throw PlacementException.BadRequest($"No such trait(s): {unknown}.");
            }
        }

        CheckTraits(request.RootRequiredTraits.Concat(request.RootForbiddenTraits));
        foreach (var group in request.Groups)
        {
            if (group.Resources.Select(r => r.ResourceClass).FirstOrDefault(c => !knownClasses.Contains(c)) is { } unknown)
            {
                throw PlacementException.BadRequest(
                    $"Invalid resource class in resources parameter: No such resource class {unknown}.");
            }
            CheckTraits(group.RequiredTraits.SelectMany(anyOf => anyOf).Concat(group.ForbiddenTraits));
        }
    }
}
