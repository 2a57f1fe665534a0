using System.Diagnostics;
using HdrHistogram;

namespace ActorBridge.Benchmarks;

/// <summary>Runs every scenario for the bridge and its baseline, alternating which goes first, and builds the report.</summary>
internal static class BenchRunner
{
    private static readonly double[] LatencyPercentiles = [50, 90, 99, 99.9, 99.99];

    public static async Task<BenchReport> RunAsync(BenchSizes sizes, bool quick, TextWriter log)
    {
        await using var context = await BenchContext.StartAsync();
        var report = new BenchReport
        {
            Machine = BenchReport.DescribeMachine(await ServerVersionAsync()),
            Quick = quick,
        };
        var scenarios = new Scenarios(context);

        log.WriteLine($"Warming up ({report.Machine})");
        await scenarios.BridgePublishAsync(sizes.PublishCount / 5);
        await scenarios.RawPipelinedPublishAsync(sizes.PublishCount / 5);
        await scenarios.BridgeEndToEndAsync(sizes.EndToEndCount / 5);
        await scenarios.RawEndToEndAsync(sizes.EndToEndCount / 5);
        await scenarios.BareAkkaFanOutAsync(sizes.FanOutMessages / 5, sizes.FanOutSubscribers);
        await scenarios.BridgeFanOutAsync(sizes.FanOutMessages / 5, sizes.FanOutSubscribers);

        var bridgePublish = new List<double>();
        var rawPipelined = new List<double>();
        var rawSequential = new List<double>();
        var bridgeEndToEnd = new List<double>();
        var rawEndToEnd = new List<double>();
        var bridgeFanOut = new List<double>();
        var bareFanOut = new List<double>();
        long fanOutServerSubscriptions = 0;
        for (var round = 0; round < sizes.Rounds; round++)
        {
            var bridgeFirst = round % 2 == 0;
            log.WriteLine($"Round {round + 1}/{sizes.Rounds} ({(bridgeFirst ? "bridge" : "baseline")} first)");
            await Pair(bridgeFirst,
                async () => bridgePublish.Add(await scenarios.BridgePublishAsync(sizes.PublishCount)),
                async () => rawPipelined.Add(await scenarios.RawPipelinedPublishAsync(sizes.PublishCount)));
            rawSequential.Add(await scenarios.RawSequentialPublishAsync(sizes.PublishCount / 10));
            await Pair(bridgeFirst,
                async () => bridgeEndToEnd.Add(await scenarios.BridgeEndToEndAsync(sizes.EndToEndCount)),
                async () => rawEndToEnd.Add(await scenarios.RawEndToEndAsync(sizes.EndToEndCount)));
            await Pair(bridgeFirst,
                async () =>
                {
                    var (rate, subscriptions) = await scenarios.BridgeFanOutAsync(sizes.FanOutMessages, sizes.FanOutSubscribers);
                    bridgeFanOut.Add(rate);
                    fanOutServerSubscriptions = subscriptions;
                },
                async () => bareFanOut.Add(await scenarios.BareAkkaFanOutAsync(sizes.FanOutMessages, sizes.FanOutSubscribers)));
        }

        report.Rows.Add(Row("1. Publish, 64 B, 1,000 in flight", "msg/s", Median(bridgePublish), "raw PublishAsync, 1,000 in flight", Median(rawPipelined), ">= 1.0x", r => r.Ratio >= 1.0));
        report.Rows.Add(Row("1. Publish, 64 B (vs one-at-a-time)", "msg/s", Median(bridgePublish), "raw PublishAsync, awaited one at a time", Median(rawSequential), "-", null));
        report.Rows.Add(Row("2. End-to-end, publish to receipt", "msg/s", Median(bridgeEndToEnd), "raw publish to a raw subscription", Median(rawEndToEnd), ">= 0.8x", r => r.Ratio >= 0.8));
        report.Rows.Add(Row($"3. Fan-out to {sizes.FanOutSubscribers:N0} actors (NUMSUB {fanOutServerSubscriptions})", "deliveries/s", Median(bridgeFanOut), $"bare Akka loop Telling {sizes.FanOutSubscribers:N0} actors", Median(bareFanOut),
            ">= 5 M/s and >= 0.5x", r => r.Bridge >= 5_000_000 && r.Ratio >= 0.5 && fanOutServerSubscriptions == 1));

        log.WriteLine($"Latency at {sizes.LatencyRate:N0} msg/s for {sizes.LatencyDuration.TotalSeconds:0} s each");
        var bridgeLatency = NewHistogram();
        var rawLatency = NewHistogram();
        long bridgeCollections = 0, rawCollections = 0;
        for (var round = 0; round < Math.Min(sizes.Rounds, 2); round++)
        {
            await Pair(round % 2 == 0,
                async () => bridgeCollections += await CountCollectionsAsync(() => scenarios.BridgeLatencyAsync(bridgeLatency, sizes.LatencyDuration, sizes.LatencyRate)),
                async () => rawCollections += await CountCollectionsAsync(() => scenarios.RawLatencyAsync(rawLatency, sizes.LatencyDuration, sizes.LatencyRate)));
        }

        foreach (var (label, percentile) in new[] { ("p50", 50.0), ("p99", 99.0), ("p99.9", 99.9) })
        {
            var bridge = BenchReport.Percentile(bridgeLatency, percentile);
            var raw = BenchReport.Percentile(rawLatency, percentile);
            bool? met = label == "p99" ? bridge <= raw + 100 : null;
            report.Rows.Add(new BenchRow($"4. Latency at {sizes.LatencyRate / 1000} k msg/s, {label}", "µs", bridge, "raw publish to raw subscription", raw,
                label == "p99" ? "<= raw + 100 µs" : "-", met));
        }

        report.Rows.Add(new BenchRow($"4. Latency at {sizes.LatencyRate / 1000} k msg/s, gen0 GCs during the run", "count", bridgeCollections,
            "raw publish to raw subscription", rawCollections, "-", null));
        report.Latencies.Add(Series("bridge, publish to receipt", bridgeLatency));
        report.Latencies.Add(Series("raw, publish to receipt", rawLatency));

        log.WriteLine($"Idle round trips, {sizes.IdleIterations:N0} each");
        var bridgeAck = NewHistogram();
        var bridgeReceipt = NewHistogram();
        var rawAck = NewHistogram();
        var rawReceipt = NewHistogram();
        await scenarios.BridgeIdleRoundTripAsync(NewHistogram(), NewHistogram(), sizes.IdleIterations / 10);
        await scenarios.RawIdleRoundTripAsync(NewHistogram(), NewHistogram(), sizes.IdleIterations / 10);
        await scenarios.BridgeIdleRoundTripAsync(bridgeAck, bridgeReceipt, sizes.IdleIterations);
        await scenarios.RawIdleRoundTripAsync(rawAck, rawReceipt, sizes.IdleIterations);
        report.Rows.Add(IdleRow("4. Idle Publish -> Published, p50", bridgeAck, rawAck, 50, "raw await PublishAsync"));
        report.Rows.Add(IdleRow("4. Idle Publish -> Published, p99", bridgeAck, rawAck, 99, "raw await PublishAsync"));
        report.Rows.Add(IdleRow("4. Idle publish -> receipt, p50", bridgeReceipt, rawReceipt, 50, "raw publish -> raw subscription"));
        report.Rows.Add(IdleRow("4. Idle publish -> receipt, p99", bridgeReceipt, rawReceipt, 99, "raw publish -> raw subscription"));

        log.WriteLine($"Subscribing {sizes.SubscribeChannels:N0} channels");
        // The baseline first: a terminated ActorSystem releases its memory asynchronously and would skew it.
        var (rawElapsed, rawBytes) = await scenarios.RawSubscribeManyAsync(sizes.SubscribeChannels);
        var (bridgeElapsed, bridgeBytes) = await scenarios.BridgeSubscribeManyAsync(sizes.SubscribeChannels);
        report.Rows.Add(new BenchRow($"5. Subscribe {sizes.SubscribeChannels:N0} channels, until every ack", "ms", bridgeElapsed.TotalMilliseconds,
            "raw SubscribeAsync, all at once", rawElapsed.TotalMilliseconds, "< 1,000 ms", bridgeElapsed < TimeSpan.FromSeconds(1)));
        report.Rows.Add(new BenchRow("5. Managed memory per subscribed channel", "bytes", bridgeBytes,
            "raw ChannelMessageQueue", rawBytes, "<= 2,048 B", bridgeBytes <= 2048));
        return report;
    }

    private static async Task<string> ServerVersionAsync()
    {
        var executable = ActorBridge.TestKit.ValkeyServer.FindExecutable() ?? "valkey-server";
        using var process = Process.Start(new ProcessStartInfo(executable, "--version") { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        // "Valkey server v=8.0.1 sha=..." -> "Valkey 8.0.1"
        var parts = output.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var version = parts.FirstOrDefault(p => p.StartsWith("v=", StringComparison.Ordinal))?[2..];
        return version is null ? output.Trim() : $"{parts[0]} {version}";
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ActorBridge.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? Directory.GetCurrentDirectory();
    }

    private static async Task<long> CountCollectionsAsync(Func<Task> run)
    {
        var before = GC.CollectionCount(0);
        await run();
        return GC.CollectionCount(0) - before;
    }

    private static async Task Pair(bool bridgeFirst, Func<Task> bridge, Func<Task> baseline)
    {
        if (bridgeFirst)
        {
            await bridge();
            await baseline();
        }
        else
        {
            await baseline();
            await bridge();
        }
    }

    private static BenchRow Row(string scenario, string unit, double bridge, string baseline, double baselineValue, string target, Func<BenchRow, bool>? met)
    {
        var row = new BenchRow(scenario, unit, bridge, baseline, baselineValue, target, null);
        return met is null ? row : row with { Met = met(row) };
    }

    private static BenchRow IdleRow(string scenario, LongHistogram bridge, LongHistogram raw, double percentile, string baseline)
    {
        var bridgeMicros = BenchReport.Percentile(bridge, percentile);
        var rawMicros = BenchReport.Percentile(raw, percentile);
        return new BenchRow(scenario, "µs", bridgeMicros, baseline, rawMicros, "<= raw + 100 µs", bridgeMicros <= rawMicros + 100);
    }

    private static LatencySeries Series(string name, LongHistogram histogram) =>
        new(name, LatencyPercentiles, [.. LatencyPercentiles.Select(p => BenchReport.Percentile(histogram, p))]);

    private static LongHistogram NewHistogram() => new(Stopwatch.Frequency * 60, 3);

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }
}
