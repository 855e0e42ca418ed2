using Placement.Api.Tests.Database;
using Xunit.Abstractions;

namespace Placement.Api.Tests.Freshness;

/// <summary>
/// Resource classes, traits and providers deleted and created again, round after round: once deleted, a class or trait
/// that a query names makes it a 400 with upstream's message; created again, it is usable at once; a provider deleted is
/// no candidate, and one created again under the same name (with a new uuid, or the old one) is, once it has inventory.
/// Every other round nothing is asked between a creation and the write that uses it, so both reach a cache together.
/// </summary>
public sealed class DeleteAndRecreateTests(ITestOutputHelper output)
{
    private const int Rounds = 4;
    private const string GoldQuery = "resources=CUSTOM_GOLD:1";
    private const string ShinyQuery = "resources=VCPU:1&required=CUSTOM_SHINY";
    private const string VcpuQuery = "resources=VCPU:1";

    [Theory]
    [MemberData(nameof(Cluster.OurRoutes), MemberType = typeof(Cluster))]
    public Task FourRoundsOfDeletesAndRecreatesAreSeenAtOnce(string backend, Route route) => Run(backend, route);

    [UpstreamFact]
    public Task FourRoundsOfDeletesAndRecreatesByUpstreamAreSeenAtOnce() => Run("sqlite", Route.UpstreamWrites);

    private async Task Run(string backend, Route route)
    {
        await using var cluster = await Cluster.StartAsync(backend, route, bystanders: 20);
        var (writer, reader) = (cluster.Writer, cluster.Reader);
        var names = new Dictionary<string, string>();
        var holder = await writer.CreateProviderAsync("holder");
        names[holder] = "holder";
        await writer.SetInventoriesAsync(holder, ("VCPU", 4));
        var phoenix = await writer.CreateProviderAsync("phoenix");
        names[phoenix] = "phoenix";
        await writer.SetInventoriesAsync(phoenix, ("VCPU", 4));
        var ledger = new Ledger(output, cluster.Label);

        async Task Check(string query, string expected, string? expectedOfProviderList = null)
        {
            await ledger.CandidatesAsync(reader, query, expected, names);
            await ledger.ProvidersAsync(reader, query, expectedOfProviderList ?? expected, names);
        }

        for (var round = 0; round < Rounds; round++)
        {
            await writer.CreateResourceClassAsync("CUSTOM_GOLD");
            ledger.Wrote($"round {round}: CUSTOM_GOLD created");
            if (round % 2 == 0)
            {
                await Check(GoldQuery, "[]");
            }
            await writer.SetInventoriesAsync(holder, ("VCPU", 4), ("CUSTOM_GOLD", 2));
            ledger.Wrote($"round {round}: holder given CUSTOM_GOLD");
            await Check(GoldQuery, "[holder]");
            await writer.SetInventoriesAsync(holder, ("VCPU", 4));
            ledger.Wrote($"round {round}: holder's CUSTOM_GOLD removed");
            await Check(GoldQuery, "[]");
            await writer.DeleteResourceClassAsync("CUSTOM_GOLD");
            ledger.Wrote($"round {round}: CUSTOM_GOLD deleted");
            await Check(GoldQuery, "400: Invalid resource class in resources parameter: No such resource class CUSTOM_GOLD.");

            await writer.CreateTraitAsync("CUSTOM_SHINY");
            ledger.Wrote($"round {round}: CUSTOM_SHINY created");
            if (round % 2 == 0)
            {
                await Check(ShinyQuery, "[]");
            }
            await writer.SetTraitsAsync(holder, ["CUSTOM_SHINY"]);
            ledger.Wrote($"round {round}: holder given CUSTOM_SHINY");
            await Check(ShinyQuery, "[holder]");
            await writer.SetTraitsAsync(holder, []);
            ledger.Wrote($"round {round}: holder's CUSTOM_SHINY removed");
            await Check(ShinyQuery, "[]");
            await writer.DeleteTraitAsync("CUSTOM_SHINY");
            ledger.Wrote($"round {round}: CUSTOM_SHINY deleted");
            await Check(ShinyQuery, "400: No such trait(s): CUSTOM_SHINY.",
                "400: Invalid trait(s) in \"required\" parameter: No such trait(s): CUSTOM_SHINY.");

            await writer.DeleteProviderAsync(phoenix);
            ledger.Wrote($"round {round}: phoenix deleted");
            names[phoenix] = "deleted phoenix";
            await Check(VcpuQuery, "[holder]");
            // Every other round the new provider takes the old one's uuid.
            phoenix = await writer.CreateProviderAsync("phoenix", uuid: round % 2 == 0 ? null : phoenix);
            names[phoenix] = "phoenix";
            ledger.Wrote($"round {round}: phoenix created again, as {phoenix}");
            if (round % 2 == 0)
            {
                await Check(VcpuQuery, "[holder]");
            }
            await writer.SetInventoriesAsync(phoenix, ("VCPU", 4));
            ledger.Wrote($"round {round}: phoenix given VCPU");
            await Check(VcpuQuery, "[holder, phoenix]");
        }

        ledger.AssertAllRight(atLeast: 8 * Rounds);
    }
}
