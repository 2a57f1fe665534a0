using Akka.Actor;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace ActorBridge.Tests;

/// <summary>Bad input and misbehaving subscribers: each answered or contained, and the bridge keeps working.</summary>
public sealed class RobustnessTests(ValkeyServerFixture valkey, ITestOutputHelper output)
    : BridgeTestBase(valkey, output, "akka.valkey-bridge.publisher.max-payload-bytes = 1KiB")
{
    /// <summary>Throws on every message (its supervisor restarts it each time) and reports what it saw.</summary>
    private sealed class ThrowingSubscriber(IActorRef report) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            report.Tell(message);
            throw new InvalidOperationException("a subscriber bug");
        }
    }

    [Fact]
    public void A_payload_over_max_payload_bytes_is_refused_clearly()
    {
        var channel = UniqueChannel("big");
        Bridge.Publisher.Tell(new Publish(channel, new byte[1025]), TestActor);
        var failure = ExpectMsg<Status.Failure>();
        var error = Assert.IsAssignableFrom<ArgumentException>(failure.Cause);
        Assert.Contains("max-payload-bytes", error.Message);
        Assert.Contains("1,025", error.Message);
        Assert.Equal(0, PublishAndAwait(channel, new byte[1024])); // at the limit is fine
    }

    [Fact]
    public void Control_characters_nul_and_unicode_in_channel_names_round_trip()
    {
        foreach (var name in new[] { $"{UniqueChannel("bin")}\0with\u0001nul", $"{UniqueChannel("bin")}:\u00ff\u00fe", $"{UniqueChannel("uni")}:中文:🚀", $"{UniqueChannel("glob")}:[a-z]?*\\" })
        {
            var probe = CreateTestProbe();
            SubscribeAndAwaitAck(name, probe.Ref);
            Assert.Equal(1, PublishAndAwait(name, "ok"));
            Assert.Equal(name, probe.ExpectMsg<ValkeyMessage>().Channel);
        }
    }

    [Fact]
    public async Task Binary_channel_names_from_another_client_reach_a_pattern_subscriber()
    {
        var prefix = UniqueChannel("raw");
        var probe = CreateTestProbe();
        PatternSubscribeAndAwaitAck($"{prefix}:*", probe.Ref);
        var channelBytes = System.Text.Encoding.UTF8.GetBytes($"{prefix}:").Concat(new byte[] { 0, 1, 2, 0x7f }).ToArray();
        Assert.Equal(1, await Valkey.Client.GetSubscriber().PublishAsync(RedisChannel.Literal(channelBytes), new byte[] { 0, 255 }));
        var message = probe.ExpectMsg<ValkeyMessage>();
        Assert.Equal($"{prefix}:\0\u0001\u0002\u007f", message.Channel);
        Assert.Equal(new byte[] { 0, 255 }, message.Payload.ToArray());
    }

    [Fact]
    public async Task An_unreachable_host_answers_publishes_and_queries_with_a_failure_that_says_so()
    {
        var system = ActorSystem.Create("unreachable", BridgeConfig("127.0.0.1:1,connectTimeout=500", "akka.valkey-bridge.publisher.publish-timeout = 1s"));
        try
        {
            var bridge = ValkeyPubSub.Get(system);
            var publish = await Assert.ThrowsAsync<ValkeyBridgeException>(() => bridge.Publisher.Ask<Published>(new Publish("x", "y"), TimeSpan.FromSeconds(20)));
            Assert.Contains("unreachable", publish.Message);
            var query = await Assert.ThrowsAsync<ValkeyBridgeException>(() => bridge.Connection.Ask<Channels>(new GetChannels(), TimeSpan.FromSeconds(20)));
            Assert.Contains("PUBSUB CHANNELS failed", query.Message);
            var status = await bridge.Connection.Ask<ConnectionStatus>(new GetConnectionStatus(), TimeSpan.FromSeconds(5));
            Assert.False(status.IsConnected);
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public void A_subscriber_that_throws_or_stops_mid_stream_affects_no_one_else()
    {
        var channel = UniqueChannel("faulty");
        var steady = CreateTestProbe();
        var throwingReports = CreateTestProbe();
        var stopping = CreateTestProbe();
        SubscribeAndAwaitAck(channel, steady.Ref);
        SubscribeAndAwaitAck(channel, Sys.ActorOf(Props.Create(() => new ThrowingSubscriber(throwingReports.Ref))));
        SubscribeAndAwaitAck(channel, stopping.Ref);

        for (var i = 0; i < 100; i++)
        {
            Bridge.Publisher.Tell(new Publish(channel, i.ToString()), ActorRefs.NoSender);
            if (i == 50)
                Sys.Stop(stopping.Ref);
        }

        Assert.Equal(Enumerable.Range(0, 100).Select(i => i.ToString()), steady.ReceiveN(100, TimeSpan.FromSeconds(10)).Cast<ValkeyMessage>().Select(m => m.Text));
        // The throwing one is restarted by its supervisor and keeps its subscription: it sees every message too.
        Assert.Equal(100, throwingReports.ReceiveN(100, TimeSpan.FromSeconds(10)).Count);
        Assert.Equal(1, PublishAndAwait(channel, "after")); // one server subscription, still there
    }
}
