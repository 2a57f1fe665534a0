using ScottPlot;

namespace ActorBridge.Benchmarks;

/// <summary>Draws the latency distributions, bridge against raw, as percentile curves.</summary>
internal static class LatencyChart
{
    public static void Save(BenchReport report, string path)
    {
        var plot = new Plot();
        foreach (var series in report.Latencies)
        {
            // x = -log10(1 - p): 50% -> 0.3, 99% -> 2, 99.9% -> 3, so the tail gets room.
            var xs = series.Percentiles.Select(p => -Math.Log10(1 - p / 100)).ToArray();
            var scatter = plot.Add.Scatter(xs, series.Microseconds);
            scatter.LegendText = series.Name;
            scatter.MarkerSize = 7;
        }

        var ticks = report.Latencies.FirstOrDefault()?.Percentiles ?? [];
        plot.Axes.Bottom.SetTicks([.. ticks.Select(p => -Math.Log10(1 - p / 100))], [.. ticks.Select(p => $"p{p}")]);
        plot.Axes.Bottom.Label.Text = "percentile";
        plot.Axes.Left.Label.Text = "publish to receipt (µs)";
        plot.Title($"Latency at a fixed rate: ActorBridge vs raw StackExchange.Redis\n{report.Machine}");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 1000, 600);
    }
}
