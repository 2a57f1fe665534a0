using ActorBridge.Streams;
using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorBridge.Tests;

public sealed class StreamsTests(ValkeyServerFixture valkey, ITestOutputHelper output) : BridgeTestBase(valkey, output)
{
    [Fact]
    public async Task A_source_delivers_a_channel_in_order_once_its_task_says_subscribed()
    {
        var channel = UniqueChannel("stream");
        var probe = await this.RunSubscribedAsync(ValkeyStreams.Source(Sys, channel));

        await Source.From(Enumerable.Range(0, 1000)).Select(i => new Publish(channel, i.ToString())).RunWith(ValkeyStreams.Sink(Sys), Sys);
        probe.Request(1000);
        var received = probe.ExpectNextN(1000, TimeSpan.FromSeconds(20));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => i.ToString()), received.Select(m => m.Text));
        probe.Cancel();
    }

    [Fact]
    public async Task A_pattern_source_carries_the_pattern()
    {
        var prefix = UniqueChannel("ai:llm:tokens");
        var probe = await this.RunSubscribedAsync(ValkeyStreams.PatternSource(Sys, $"{prefix}:*"));
        Assert.Equal(1, PublishAndAwait($"{prefix}:r1", "Hello"));
        var message = probe.RequestNext(TimeSpan.FromSeconds(10));
        Assert.Equal($"{prefix}:r1", message.Channel);
        Assert.Equal($"{prefix}:*", message.Pattern);
        probe.Cancel();
    }

    [Theory]
    [InlineData(OverflowStrategy.DropHead, new[] { 40, 41, 42, 43, 44, 45, 46, 47, 48, 49 })]
    [InlineData(OverflowStrategy.DropTail, new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 49 })]
    [InlineData(OverflowStrategy.DropNew, new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 })]
    [InlineData(OverflowStrategy.DropBuffer, new[] { 40, 41, 42, 43, 44, 45, 46, 47, 48, 49 })]
    public async Task A_full_buffer_applies_the_overflow_strategy(OverflowStrategy overflow, int[] expected)
    {
        var channel = UniqueChannel("overflow");
        var probe = await this.RunSubscribedAsync(ValkeyStreams.Source(Sys, channel, bufferSize: 10, overflow));
        await PublishAllWithoutDemandAsync(channel, 50);

        probe.Request(50);
        Assert.Equal(expected.Select(i => i.ToString()), probe.ExpectNextN(expected.Length).Select(m => m.Text));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        probe.Cancel();
    }

    [Fact]
    public async Task A_full_buffer_with_the_fail_strategy_fails_the_stream_clearly()
    {
        var channel = UniqueChannel("overflow");
        var probe = await this.RunSubscribedAsync(ValkeyStreams.Source(Sys, channel, bufferSize: 10));
        var witness = await PublishAllWithoutDemandAsync(channel, 11);

        probe.EnsureSubscription();
        var error = Assert.IsType<BufferOverflowException>(probe.ExpectError());
        Assert.Contains("buffer of 10 messages", error.Message);
        // Once the witness leaves too, nothing holds the channel: the failed stream released its subscription.
        Bridge.Connection.Tell(new Unsubscribe(channel, witness), TestActor);
        ExpectMsg<UnsubscribeAck>();
        await AwaitAssertAsync(async () => Assert.Equal(0, await Valkey.NumSubAsync(channel)), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Cancelling_the_stream_releases_the_server_subscription()
    {
        var channel = UniqueChannel("cancel");
        var probe = await this.RunSubscribedAsync(ValkeyStreams.Source(Sys, channel));
        Assert.Equal(1, await Valkey.NumSubAsync(channel));

        probe.Cancel();
        await AwaitAssertAsync(async () => Assert.Equal(0, await Valkey.NumSubAsync(channel)), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(channel, LocalSubscriptions().Channels);
    }

    [Fact]
    public async Task A_source_with_a_bad_name_or_settings_is_refused_clearly()
    {
        Assert.Throws<ArgumentException>(() => ValkeyStreams.Source(Sys, " "));
        Assert.Throws<ArgumentOutOfRangeException>(() => ValkeyStreams.Source(Sys, "x", bufferSize: 0));
        var backpressure = Assert.Throws<ArgumentException>(() => ValkeyStreams.Source(Sys, "x", overflow: OverflowStrategy.Backpressure));
        Assert.Contains("cannot be back-pressured", backpressure.Message);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task The_publish_flow_keeps_order_and_the_sink_completes_when_all_were_answered()
    {
        var prefix = UniqueChannel("flow");
        var listener = CreateTestProbe();
        SubscribeAndAwaitAck($"{prefix}:0", listener.Ref);

        var replies = await Source.From(Enumerable.Range(0, 500))
            .Select(i => new Publish($"{prefix}:{i % 5}", $"m{i}"))
            .Via(ValkeyStreams.PublishFlow(Sys, parallelism: 64))
            .RunWith(Sink.Seq<Published>(), Sys);
        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"{prefix}:{i % 5}"), replies.Select(r => r.Channel));
        Assert.Equal(100, replies.Count(r => r.Receivers == 1));

        var done = await Source.From(Enumerable.Range(0, 100)).Select(i => new Publish($"{prefix}:0", $"n{i}")).RunWith(ValkeyStreams.Sink(Sys), Sys);
        Assert.Equal(Done.Instance, done);
        listener.ReceiveN(200, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_sink_fails_when_a_publish_fails()
    {
        var channel = UniqueChannel("sink");
        var publishes = new[] { new Publish(channel, "ok"), new Publish(channel, null!), new Publish(channel, "never") };
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => Source.From(publishes).RunWith(ValkeyStreams.Sink(Sys), Sys));
        Assert.Contains("Publish.Payload is null", error.Message);
    }

    /// <summary>Publishes while the stream has no demand, and waits until a plain subscriber saw every message.</summary>
    private async Task<IActorRef> PublishAllWithoutDemandAsync(string channel, int count)
    {
        var witness = CreateTestProbe();
        SubscribeAndAwaitAck(channel, witness.Ref);
        for (var i = 0; i < count; i++)
            PublishAndAwait(channel, i.ToString());
        witness.ReceiveN(count, TimeSpan.FromSeconds(10));
        // The router told the stream's stage actor in the same loop; give the stage a moment to take them in.
        await Task.Delay(300);
        return witness.Ref;
    }
}

/// <summary>The stream across a server crash: it has its own server, which it kills and restarts.</summary>
public sealed class StreamsServerFailureTests(ValkeyServerFixture valkey, ITestOutputHelper output) : BridgeTestBase(valkey, output)
{
    [Fact]
    public async Task A_source_stays_up_across_a_server_restart_and_delivers_again_afterwards()
    {
        var channel = UniqueChannel("crash");
        var probe = await this.RunSubscribedAsync(ValkeyStreams.Source(Sys, channel));
        Assert.Equal(1, PublishAndAwait(channel, "before"));
        Assert.Equal("before", probe.RequestNext(TimeSpan.FromSeconds(10)).Text);

        await Valkey.Server.KillAsync();
        await Valkey.Server.RestartAsync();

        // Messages published during the outage are lost (Pub/Sub is at-most-once); once the client has re-subscribed,
        // the same stream delivers again without being re-materialized.
        await AwaitAssertAsync(async () => Assert.Equal(1, await Valkey.NumSubAsync(channel)), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
        Assert.Equal(1, PublishAndAwait(channel, "after"));
        Assert.Equal("after", probe.RequestNext(TimeSpan.FromSeconds(10)).Text);
        probe.Cancel();
    }
}

internal static class SubscriptionStreamProbes
{
    /// <summary>Runs a subscription source into a probe and waits until the server confirmed the subscription.</summary>
    public static async Task<TestSubscriber.Probe<ValkeyMessage>> RunSubscribedAsync(this Akka.TestKit.TestKitBase kit, Source<ValkeyMessage, Task> source)
    {
        var (subscribed, probe) = source.ToMaterialized(kit.SinkProbe<ValkeyMessage>(), Keep.Both).Run(kit.Sys);
        await subscribed.WaitAsync(TimeSpan.FromSeconds(10));
        return probe;
    }
}
