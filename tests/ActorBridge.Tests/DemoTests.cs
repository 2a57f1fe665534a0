using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using ActorBridge.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorBridge.Tests;

/// <summary>The Demo program, run as a user runs it, beside valkey-cli.</summary>
public sealed partial class DemoTests(ValkeyServerFixture valkey, ITestOutputHelper output) : IClassFixture<ValkeyServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_tour_runs_end_to_end_on_its_own_throwaway_server()
    {
        var (exitCode, stdout, stderr) = await RunDemoAsync(withUrl: false);
        Assert.True(exitCode == 0, stderr);
        Assert.Contains("Published to ai:events → 0 subscriber(s)", stdout);
        Assert.Contains("Received: {\"model\":\"sentiment-v2\"", stdout);
        Assert.Contains("[ai:predictions] {", stdout);
        Assert.Contains("[ai:agent:tool_calls] {", stdout);
        Assert.Contains("[ai:llm:tokens] {", stdout);
        Assert.Contains("Published to ai:events → 2 subscriber(s)", stdout);
        Assert.Contains("[callback] ai:alerts:", stdout);
        Assert.Contains("PUBSUB NUMSUB ai:events → 1", stdout);
    }

    [Fact]
    public async Task The_llm_stream_example_renders_the_whole_text_in_three_consumers_and_reports_latency()
    {
        var (exitCode, stdout, stderr) = await RunDemoAsync(withUrl: true, "llm-stream", "--rate", "200");
        Assert.True(exitCode == 0, stderr);
        Assert.Contains("Valkey Pub/Sub pushes each token to every subscriber", stdout);
        var rows = stdout.Split('\n').Where(line => line.EndsWith("complete", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Contains(rows, r => r.StartsWith("actor (Subscribe)", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.StartsWith("stream (ValkeyStreams.Source)", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.StartsWith("pattern (ai:llm:tokens:*)", StringComparison.Ordinal));
        Assert.DoesNotContain("INCOMPLETE", stdout);
    }

    [Fact]
    public async Task Publish_reaches_a_valkey_cli_subscriber_and_prints_the_count()
    {
        var channel = $"demo:{Guid.NewGuid():N}";
        using var cli = StartProcess(CliPath(), ["-h", valkey.Server.Host, "-p", valkey.Server.Port.ToString(), "--raw", "SUBSCRIBE", channel]);
        try
        {
            await WaitForNumSubAsync(channel, 1);
            var (exitCode, stdout, stderr) = await RunDemoAsync(withUrl: true, "publish", channel, "hello from the demo");
            Assert.True(exitCode == 0, stderr);
            Assert.Equal($"Published to {channel} → 1 subscriber(s)", stdout.Trim());
            Assert.Equal("hello from the demo", await ReadUntilAsync(cli.StandardOutput, line => line == "hello from the demo"));
        }
        finally
        {
            cli.Kill();
        }
    }

    [Theory]
    [InlineData("subscribe")]
    [InlineData("psubscribe")]
    public async Task Subscribe_prints_what_valkey_cli_publishes_and_exits_cleanly_on_ctrl_c(string command)
    {
        var channel = $"demo:{Guid.NewGuid():N}";
        var name = command == "subscribe" ? channel : channel[..^3] + "*";
        using var demo = StartProcess("dotnet", [DemoPath(), command, name, "--url", valkey.Server.ConnectionString]);
        try
        {
            await ReadUntilAsync(demo.StandardError, line => line.StartsWith("Subscribed to", StringComparison.Ordinal));
            var (exitCode, published) = await RunCliAsync("PUBLISH", channel, "hello from valkey-cli");
            Assert.Equal(0, exitCode);
            Assert.Equal("1", published.Trim());
            Assert.Equal($"[{channel}] hello from valkey-cli", await ReadUntilAsync(demo.StandardOutput, line => line.StartsWith('[')));

            Assert.Equal(0, Interrupt(demo.Id));
            using var cancel = new CancellationTokenSource(Timeout);
            await demo.WaitForExitAsync(cancel.Token);
            Assert.Equal(0, demo.ExitCode);
        }
        finally
        {
            if (!demo.HasExited)
                demo.Kill();
        }
    }

    [Fact]
    public async Task Channels_and_numsub_show_what_the_server_sees()
    {
        var channel = $"demo:{Guid.NewGuid():N}";
        await using var queue = new SubscriptionHandle(valkey, channel);
        await queue.SubscribeAsync();

        var (exitCode, stdout, _) = await RunDemoAsync(withUrl: true, "channels", "demo:*");
        Assert.Equal(0, exitCode);
        Assert.Contains(channel, stdout.Split('\n', StringSplitOptions.TrimEntries));

        (exitCode, stdout, _) = await RunDemoAsync(withUrl: true, "numsub", channel, "demo:nobody");
        Assert.Equal(0, exitCode);
        Assert.Equal([$"{channel}: 1", "demo:nobody: 0"], stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("publish only-a-channel")]
    [InlineData("frobnicate")]
    [InlineData("numsub")]
    [InlineData("--url")]
    [InlineData("llm-stream --rate fast")]
    public async Task Bad_arguments_print_one_line_and_exit_non_zero(string arguments)
    {
        var (exitCode, stdout, stderr) = await RunDemoAsync(withUrl: false, arguments.Split(' '));
        Assert.NotEqual(0, exitCode);
        AssertOneErrorLine(stdout, stderr, "error: ");
    }

    [Fact]
    public async Task An_unreachable_server_prints_one_line_and_exits_non_zero()
    {
        var (exitCode, stdout, stderr) = await RunDemoAsync(withUrl: false, "publish", "x", "y", "--url", "redis://127.0.0.1:1");
        Assert.Equal(1, exitCode);
        AssertOneErrorLine(stdout, stderr, "error: cannot connect to Valkey at 127.0.0.1:1");
    }

    [Fact]
    public async Task Help_describes_every_command()
    {
        var (exitCode, stdout, _) = await RunDemoAsync(withUrl: false, "--help");
        Assert.Equal(0, exitCode);
        foreach (var command in new[] { "publish CHANNEL MESSAGE", "subscribe CHANNEL", "psubscribe PATTERN", "channels [PATTERN]", "numsub CHANNEL", "--url URL" })
            Assert.Contains(command, stdout);
    }

    /// <summary>Nothing on stdout, and exactly one line on stderr, starting as expected.</summary>
    private static void AssertOneErrorLine(string stdout, string stderr, string expectedStart)
    {
        Assert.Empty(stdout.Trim());
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(expectedStart, line);
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunDemoAsync(bool withUrl, params string[] arguments)
    {
        var all = new List<string> { DemoPath() };
        all.AddRange(arguments);
        if (withUrl)
            all.AddRange(["--url", valkey.Server.ConnectionString]);
        using var process = StartProcess("dotnet", all);
        using var cancel = new CancellationTokenSource(Timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(cancel.Token);
        var stderr = process.StandardError.ReadToEndAsync(cancel.Token);
        await process.WaitForExitAsync(cancel.Token);
        output.WriteLine($"$ Demo {string.Join(' ', arguments)}\n{await stdout}{await stderr}");
        return (process.ExitCode, await stdout, await stderr);
    }

    private async Task<(int ExitCode, string Stdout)> RunCliAsync(params string[] arguments)
    {
        using var process = StartProcess(CliPath(), ["-h", valkey.Server.Host, "-p", valkey.Server.Port.ToString(), "--raw", .. arguments]);
        using var cancel = new CancellationTokenSource(Timeout);
        var stdout = await process.StandardOutput.ReadToEndAsync(cancel.Token);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, stdout);
    }

    private async Task WaitForNumSubAsync(string channel, long expected)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (await valkey.NumSubAsync(channel) != expected)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"NUMSUB {channel} never reached {expected}.");
            await Task.Delay(20);
        }
    }

    private static async Task<string> ReadUntilAsync(StreamReader reader, Func<string, bool> wanted)
    {
        using var cancel = new CancellationTokenSource(Timeout);
        while (true)
        {
            var line = await reader.ReadLineAsync(cancel.Token) ?? throw new Xunit.Sdk.XunitException("The process ended before printing the expected line.");
            if (wanted(line))
                return line;
        }
    }

    private static Process StartProcess(string fileName, IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
            startInfo.ArgumentList.Add(argument);
        startInfo.Environment.Remove("VALKEY_URL");
        return Process.Start(startInfo)!;
    }

    private static string DemoPath() => Path.Combine(AppContext.BaseDirectory, "Demo.dll");

    private static string CliPath() => ValkeyServer.FindCliExecutable() ?? throw new InvalidOperationException("valkey-cli is not installed.");

    private static int Interrupt(int pid) => Kill(pid, 2 /* SIGINT */);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>A plain client subscription, so the server has an active channel to report.</summary>
    private sealed class SubscriptionHandle(ValkeyServerFixture valkey, string channel) : IAsyncDisposable
    {
        private StackExchange.Redis.ChannelMessageQueue? _queue;

        public async Task SubscribeAsync() =>
            _queue = await valkey.Client.GetSubscriber().SubscribeAsync(StackExchange.Redis.RedisChannel.Literal(channel));

        public async ValueTask DisposeAsync()
        {
            if (_queue is not null)
                await _queue.UnsubscribeAsync();
        }
    }
}
