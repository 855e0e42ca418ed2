using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Placement.Benchmarks.WideTreeBenchmarks).Assembly).Run(args);
