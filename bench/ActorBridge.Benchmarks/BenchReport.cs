using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using HdrHistogram;

namespace ActorBridge.Benchmarks;

/// <summary>One row of the table: a figure for the bridge, the same figure for its baseline, and the target.</summary>
internal sealed record BenchRow(string Scenario, string Unit, double Bridge, string Baseline, double BaselineValue, string Target, bool? Met)
{
    public double Ratio => BaselineValue == 0 ? double.NaN : Bridge / BaselineValue;
}

/// <summary>A latency distribution, in microseconds at chosen percentiles.</summary>
internal sealed record LatencySeries(string Name, double[] Percentiles, double[] Microseconds);

internal sealed class BenchReport
{
    public required string Machine { get; init; }

    public required bool Quick { get; init; }

    public List<BenchRow> Rows { get; } = [];

    public List<LatencySeries> Latencies { get; } = [];

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"ActorBridge vs raw StackExchange.Redis ({(Quick ? "quick smoke run" : "full run")}), {Machine}");
        text.AppendLine();
        text.AppendLine("| Scenario | Unit | Bridge | Baseline | Baseline value | Bridge/baseline | Target | Met |");
        text.AppendLine("|---|---|---:|---|---:|---:|---|---|");
        foreach (var row in Rows)
        {
            var met = row.Met switch { true => "yes", false => "**no**", null => "-" };
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Scenario} | {row.Unit} | {Format(row.Bridge)} | {row.Baseline} | {Format(row.BaselineValue)} | {row.Ratio:0.00}x | {row.Target} | {met} |");
        }

        return text.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(new
    {
        machine = Machine,
        quick = Quick,
        rows = Rows.Select(r => new { r.Scenario, r.Unit, r.Bridge, r.Baseline, r.BaselineValue, r.Ratio, r.Target, r.Met }),
        latencies = Latencies,
    }, new JsonSerializerOptions { WriteIndented = true });

    private static string Format(double value) => value switch
    {
        >= 1_000_000 => (value / 1_000_000).ToString("0.00", CultureInfo.InvariantCulture) + " M",
        >= 10_000 => (value / 1_000).ToString("0.0", CultureInfo.InvariantCulture) + " k",
        >= 100 => value.ToString("0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.0", CultureInfo.InvariantCulture),
    };

    public static string DescribeMachine(string serverVersion)
    {
        var cpu = "unknown CPU";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
        }

        return $"{Environment.ProcessorCount} cores ({cpu}), {RuntimeInformation.OSDescription.Trim()}, .NET {Environment.Version}, {serverVersion}";
    }

    public static double ToMicroseconds(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;

    public static double Percentile(LongHistogram histogram, double percentile) =>
        ToMicroseconds(histogram.GetValueAtPercentile(percentile));
}
