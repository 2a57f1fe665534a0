using System.Diagnostics;
using ActorBridge.TestKit;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace ActorBridge.Tests;

/// <summary>Messages flow both ways between the bridge and other clients: plain StackExchange.Redis and valkey-cli.</summary>
public sealed class InteropTests(ValkeyServerFixture valkey, ITestOutputHelper output) : BridgeTestBase(valkey, output)
{
    [Fact]
    public async Task A_message_published_by_a_plain_client_reaches_subscriber_actors()
    {
        var channel = UniqueChannel("from-plain");
        var exact = CreateTestProbe();
        var byPattern = CreateTestProbe();
        SubscribeAndAwaitAck(channel, exact.Ref);
        PatternSubscribeAndAwaitAck(channel[..^4] + "*", byPattern.Ref);

        var receivers = await Valkey.Client.GetSubscriber().PublishAsync(RedisChannel.Literal(channel), "{\"source\":\"plain\"}");
        Assert.Equal(2, receivers);
        exact.ExpectMsg<ValkeyMessage>(m => Assert.Equal("{\"source\":\"plain\"}", m.Text));
        byPattern.ExpectMsg<ValkeyMessage>(m =>
        {
            Assert.Equal(channel, m.Channel);
            Assert.Equal(channel[..^4] + "*", m.Pattern);
        });
    }

    [Fact]
    public async Task A_message_published_with_valkey_cli_reaches_subscriber_actors()
    {
        var channel = UniqueChannel("from-cli");
        var probe = CreateTestProbe();
        SubscribeAndAwaitAck(channel, probe.Ref);

        var (exitCode, stdout) = await RunCliAsync(TimeSpan.FromSeconds(10), "PUBLISH", channel, "hello from valkey-cli");
        Assert.Equal(0, exitCode);
        Assert.Equal("1", stdout.Trim());
        probe.ExpectMsg<ValkeyMessage>(m => Assert.Equal("hello from valkey-cli", m.Text));
    }

    [Fact]
    public async Task A_bridge_publish_reaches_a_valkey_cli_subscriber()
    {
        var channel = UniqueChannel("to-cli");
        using var cli = StartCli("SUBSCRIBE", channel);
        try
        {
            // Wait until the server counts the cli's subscription, then publish through the bridge.
            await AwaitAssertAsync(async () => Assert.Equal(1, await Valkey.NumSubAsync(channel)), TimeSpan.FromSeconds(10));
            Assert.Equal(1, PublishAndAwait(channel, "hello from the bridge"));

            // valkey-cli prints each message as three lines: "message", the channel, the payload.
            var lines = new List<string>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (!lines.Contains("hello from the bridge"))
            {
                var line = await cli.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new Xunit.Sdk.XunitException("valkey-cli exited early");
                lines.Add(line);
            }

            Assert.Equal(["message", channel, "hello from the bridge"], lines.TakeLast(3));
        }
        finally
        {
            cli.Kill();
            await cli.WaitForExitAsync();
        }
    }

    private Process StartCli(params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(CliExecutable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Raw output prints one item a line, with no type decoration.
        foreach (var argument in new[] { "-h", Valkey.Server.Host, "-p", Valkey.Server.Port.ToString(), "--raw" }.Concat(arguments))
            startInfo.ArgumentList.Add(argument);

        return Process.Start(startInfo)!;
    }

    private async Task<(int ExitCode, string Stdout)> RunCliAsync(TimeSpan timeout, params string[] arguments)
    {
        using var process = StartCli(arguments);
        using var cancel = new CancellationTokenSource(timeout);
        var stdout = await process.StandardOutput.ReadToEndAsync(cancel.Token);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, stdout);
    }

    private static string CliExecutable() =>
        ValkeyServer.FindCliExecutable()
        ?? throw new InvalidOperationException("valkey-cli was not found on the PATH; install valkey-tools (Debian) alongside valkey-server.");
}
