using Placement.Api.AllocationCandidates.Engine;
using Placement.Api.Http;

namespace Placement.Api.AllocationCandidates;

/// <summary>
/// Upstream answers 400 when a request names a resource class or trait that does not exist (the engine
/// would just find nothing). The first unknown name is reported, in the order upstream resolves them:
/// root_required, then each group's classes, required and forbidden traits. The snapshot knows every
/// class and trait in the database, as fresh as the request.
/// </summary>
public static class CandidateNameCheck
{
    public static void Check(ProviderSnapshot snapshot, CandidateRequest request)
    {
        void CheckTraits(IEnumerable<string> names)
        {
            if (names.FirstOrDefault(n => !snapshot.TraitExists(n)) is { } unknown)
            {
                throw PlacementException.BadRequest($"No such trait(s): {unknown}.");
            }
        }

        CheckTraits(request.RootRequiredTraits.Concat(request.RootForbiddenTraits));
        foreach (var group in request.Groups)
        {
            if (group.Resources.Select(r => r.ResourceClass).FirstOrDefault(c => !snapshot.ResourceClassExists(c)) is { } unknown)
            {
                throw PlacementException.BadRequest(
                    $"Invalid resource class in resources parameter: No such resource class {unknown}.");
            }
            CheckTraits(group.RequiredTraits.SelectMany(anyOf => anyOf).Concat(group.ForbiddenTraits));
        }
    }
}
