using System.Buffers;
using BenchmarkDotNet.Attributes;
using Placement.Api.AllocationCandidates;
using Placement.Api.AllocationCandidates.Engine;
using Placement.Api.Http;
using Placement.Api.Tests.AllocationCandidates;

namespace Placement.Benchmarks;

/// <summary>
/// Upstream master's wide-tree cases (computes × PFs × VFs, G groups of CUSTOM_VF) on the candidates
/// engine, and with the response body: run with <c>dotnet run -c Release --project tests/Placement.Benchmarks -- --filter '*WideTree*'</c>.
/// </summary>
[MemoryDiagnoser]
public class WideTreeBenchmarks
{
    private Topology _topology = null!;
    private CandidateRequest _request = null!;
    private CandidateOptions _options = null!;

    [Params("2x8x8 g2 limit1000", "2x8x8 g4 limit1000", "2x8x8 g4 limit9000 max8000", "2x8x8 g4 limit9000 unlimited",
        "2x8x8 g6 max100000 depth", "2x8x8 g6 max100000 breadth", "1x8x1 g8 max1000 (bug 2126751)", "1x21x1 g21 max1000")]
    public string Case { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var (computes, pfs, vfs, groups, limit, max, strategy) = Case switch
        {
            "2x8x8 g2 limit1000" => (2, 8, 8, 2, 1000, -1, GenerationStrategy.DepthFirst),
            "2x8x8 g4 limit1000" => (2, 8, 8, 4, 1000, -1, GenerationStrategy.DepthFirst),
            "2x8x8 g4 limit9000 max8000" => (2, 8, 8, 4, 9000, 8000, GenerationStrategy.DepthFirst),
            "2x8x8 g4 limit9000 unlimited" => (2, 8, 8, 4, 9000, -1, GenerationStrategy.DepthFirst),
            "2x8x8 g6 max100000 depth" => (2, 8, 8, 6, 1000, 100000, GenerationStrategy.DepthFirst),
            "2x8x8 g6 max100000 breadth" => (2, 8, 8, 6, 1000, 100000, GenerationStrategy.BreadthFirst),
            "1x8x1 g8 max1000 (bug 2126751)" => (1, 8, 1, 8, 1000, 1000, GenerationStrategy.DepthFirst),
            "1x21x1 g21 max1000" => (1, 21, 1, 21, 1000, 1000, GenerationStrategy.DepthFirst),
            _ => throw new InvalidOperationException($"unknown case {Case}"),
        };
        _topology = Fixtures.WideTree(computes, pfs, vfs);
        _request = new CandidateRequest
        {
            Groups = [_topology.Group("", "DISK_GB:20,MEMORY_MB:2048,VCPU:2"), .. Enumerable.Range(0, groups).Select(g => _topology.Group($"{g}", "CUSTOM_VF:1"))],
            Limit = limit,
        };
        _options = new CandidateOptions { MaxAllocationCandidates = max, Strategy = strategy };
    }

    private readonly ArrayBufferWriter<byte> _body = new();

    [Benchmark]
    public int Candidates() => _topology.Find(_request, _options).AllocationRequests.Count;

    /// <summary>The candidates and the response body at 1.39, as the service writes it.</summary>
    [Benchmark]
    public int CandidatesAndBody()
    {
        _body.ResetWrittenCount();
        CandidateResponse.Write(_body, _topology.Find(_request, _options), _request, Microversion.Max);
        return _body.WrittenCount;
    }
}
