using ActorBridge.Benchmarks;

// ActorBridge benchmarks: the bridge and raw StackExchange.Redis side by side, in one process, against one
// throwaway local valkey-server. Usage: dotnet run -c Release --project bench/ActorBridge.Benchmarks [-- --quick]
var quick = args.Contains("--quick");
if (args.Any(a => a is "--help" or "-h"))
{
    Console.WriteLine("usage: ActorBridge.Benchmarks [--quick]   (--quick: a smoke run in under 2 minutes; the full run writes bench/results/)");
    return 0;
}

var sizes = quick ? BenchSizes.Quick : BenchSizes.Full;
var report = await BenchRunner.RunAsync(sizes, quick, Console.Out);
Console.WriteLine();
Console.WriteLine(report.ToMarkdown());

if (!quick)
{
    var directory = Path.Combine(BenchRunner.RepositoryRoot(), "bench", "results");
    Directory.CreateDirectory(directory);
    await File.WriteAllTextAsync(Path.Combine(directory, "latest.md"), report.ToMarkdown());
    await File.WriteAllTextAsync(Path.Combine(directory, "latest.json"), report.ToJson());
    LatencyChart.Save(report, Path.Combine(directory, "latency.png"));
    Console.WriteLine($"Wrote bench/results/latest.md, latest.json and latency.png");
}

return 0;
