using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace ActorBridge.Tests;

/// <summary>The cookbook's own client: redis-py subscribes to what the bridge publishes and publishes to bridge subscribers.</summary>
public sealed class RedisPyInteropTests(ValkeyServerFixture valkey, ITestOutputHelper output) : BridgeTestBase(valkey, output)
{
    private const string Script = """
        import json, sys, redis
        port, inbound, outbound = int(sys.argv[1]), sys.argv[2], sys.argv[3]
        r = redis.Redis(host="127.0.0.1", port=port, decode_responses=True)
        p = r.pubsub()
        p.subscribe(inbound)
        confirmation = p.get_message(timeout=10)
        assert confirmation and confirmation["type"] == "subscribe", confirmation
        print("ready", flush=True)
        message = None
        while message is None or message["type"] != "message":
            message = p.get_message(timeout=10)
            if message is None:
                sys.exit("no message within 10 s")
        print(message["data"], flush=True)
        event = json.loads(message["data"])
        receivers = r.publish(outbound, json.dumps({"source": "redis-py", "echo": event["model"]}))
        print(receivers, flush=True)
        """;

    private sealed record EchoEvent(string Source, string Echo);

    [Fact]
    public async Task Messages_flow_both_ways_between_the_bridge_and_redis_py()
    {
        const string python = "/usr/bin/python3";
        Assert.True(File.Exists(python), "/usr/bin/python3 is missing; run ./build.sh test, which installs python3-redis.");
        var inbound = UniqueChannel("ai:events");
        var outbound = UniqueChannel("ai:replies");
        var probe = CreateTestProbe();
        SubscribeAndAwaitAck(outbound, probe.Ref);

        var startInfo = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-c", Script, Valkey.Server.Port.ToString(), inbound, outbound })
            startInfo.ArgumentList.Add(argument);
        using var process = Process.Start(startInfo)!;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            async Task<string> ReadLineAsync() =>
                await process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new Xunit.Sdk.XunitException($"redis-py script ended early: {await stderr}");

            Assert.Equal("ready", await ReadLineAsync());
            Assert.Equal(1, PublishAndAwait(inbound, new { model = "sentiment-v2", prediction = "positive" }));
            Assert.Equal("""{"model":"sentiment-v2","prediction":"positive"}""", await ReadLineAsync());

            var echo = probe.ExpectMsg<ValkeyMessage>(TimeSpan.FromSeconds(10)).FromJson<EchoEvent>();
            Assert.Equal(new EchoEvent("redis-py", "sentiment-v2"), echo);
            Assert.Equal("1", await ReadLineAsync()); // redis-py's publish() counted the bridge once
            await process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill();
        }
    }
}
