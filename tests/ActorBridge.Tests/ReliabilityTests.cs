using System.Diagnostics;
using Akka.Actor;
using Akka.TestKit;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace ActorBridge.Tests;

/// <summary>Faults against a real server: each class owns its server, which its tests kill, pause or restart.</summary>
public sealed class ServerRestartTests(ValkeyServerFixture valkey, ITestOutputHelper output) : BridgeTestBase(valkey, output)
{
    [Theory]
    [InlineData("resp2")]
    [InlineData("resp3")]
    public async Task Subscriptions_come_back_after_a_server_restart_and_subscribers_are_told(string protocol)
    {
        var system = ActorSystem.Create($"restart-{protocol}", BridgeConfig(Valkey.Server.ConnectionString, $"akka.valkey-bridge.protocol = {protocol}"));
        try
        {
            var bridge = ValkeyPubSub.Get(system);
            var prefix = UniqueChannel("restart");
            var exact = CreateTestProbe(system);
            var byPattern = CreateTestProbe(system);
            var events = CreateTestProbe(system);
            system.EventStream.Subscribe(events.Ref, typeof(ConnectionLost));
            system.EventStream.Subscribe(events.Ref, typeof(ConnectionRestored));
            await bridge.Connection.Ask<SubscribeAck>(new Subscribe($"{prefix}:a", exact.Ref), TimeSpan.FromSeconds(10));
            await bridge.Connection.Ask<SubscribeAck>(new Subscribe($"{prefix}:b", exact.Ref), TimeSpan.FromSeconds(10));
            await bridge.Connection.Ask<PatternSubscribeAck>(new PatternSubscribe($"{prefix}:*", byPattern.Ref), TimeSpan.FromSeconds(10));

            // A notice comes once per subscription (exact holds two) and once on the EventStream.
            await Valkey.Server.KillAsync();
            exact.ExpectMsg<ConnectionLost>(TimeSpan.FromSeconds(15));
            exact.ExpectMsg<ConnectionLost>(TimeSpan.FromSeconds(15));
            byPattern.ExpectMsg<ConnectionLost>(TimeSpan.FromSeconds(15));
            events.ExpectMsg<ConnectionLost>(TimeSpan.FromSeconds(15));

            await Valkey.Server.RestartAsync();
            exact.ExpectMsg<ConnectionRestored>(TimeSpan.FromSeconds(30));
            exact.ExpectMsg<ConnectionRestored>(TimeSpan.FromSeconds(30));
            byPattern.ExpectMsg<ConnectionRestored>(TimeSpan.FromSeconds(30));
            events.ExpectMsg<ConnectionRestored>(TimeSpan.FromSeconds(30));
            events.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // once per change, not per socket

            // Every subscription is live again, and the server agrees with the local state.
            await AwaitAssertAsync(async () =>
            {
                Assert.Equal(1, await Valkey.NumSubAsync($"{prefix}:a"));
                Assert.Equal(1, await Valkey.NumSubAsync($"{prefix}:b"));
                Assert.Equal(1, await Valkey.NumPatAsync());
            }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
            var published = await bridge.Publisher.Ask<Published>(new Publish($"{prefix}:a", "after the restart"), TimeSpan.FromSeconds(10));
            Assert.Equal(2, published.Receivers);
            Assert.Equal("after the restart", exact.ExpectMsg<ValkeyMessage>(TimeSpan.FromSeconds(10)).Text);
            Assert.Equal("after the restart", byPattern.ExpectMsg<ValkeyMessage>(TimeSpan.FromSeconds(10)).Text);
            await Valkey.Client.GetSubscriber().PublishAsync(RedisChannel.Literal($"{prefix}:b"), "b too");
            Assert.Equal("b too", exact.ExpectMsg<ValkeyMessage>(TimeSpan.FromSeconds(10)).Text);
        }
        finally
        {
            await system.Terminate();
            if (!Valkey.Server.IsRunning)
                await Valkey.Server.RestartAsync();
        }
    }
}

/// <summary>The repair step of the reconcile after a reconnect, driven directly (the client re-subscribes first in practice).</summary>
public sealed class ReconcileRepairTests(ValkeyServerFixture valkey, ITestOutputHelper output) : BridgeTestBase(valkey, output)
{
    [Fact]
    public async Task A_subscription_the_server_lost_is_made_again_from_the_connection_actor_s_state()
    {
        var prefix = UniqueChannel("repair");
        var probe = CreateTestProbe();
        SubscribeAndAwaitAck($"{prefix}:a", probe.Ref);
        PatternSubscribeAndAwaitAck($"{prefix}:*", probe.Ref);

        // As if the check after a reconnect had found the channel and the patterns missing on the server.
        Bridge.Connection.Tell(new ActorBridge.Internal.ReconcileResult([$"{prefix}:a"], PatternsMissing: true));
        await AwaitAssertAsync(() =>
        {
            var local = LocalSubscriptions();
            Assert.Contains($"{prefix}:a", local.Channels);
            Assert.Equal(2, PublishAndAwait($"{prefix}:a", "probe"));
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));

        // Exactly one delivery per subscription afterwards: the old queues are gone, nothing is doubled.
        probe.ReceiveWhile<object>(TimeSpan.FromMilliseconds(300), m => m);
        Assert.Equal(2, PublishAndAwait($"{prefix}:a", "once"));
        var deliveries = probe.ReceiveN(2).Cast<ValkeyMessage>().ToList();
        Assert.All(deliveries, m => Assert.Equal("once", m.Text));
        Assert.Single(deliveries, m => m.Pattern is null);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(1, await Valkey.NumSubAsync($"{prefix}:a"));
    }
}

public sealed class DisconnectedRequestTests(ValkeyServerFixture valkey, ITestOutputHelper output)
    : BridgeTestBase(valkey, output, "akka.valkey-bridge.publisher.publish-timeout = 1s")
{
    [Fact]
    public async Task A_subscribe_made_while_the_server_is_down_is_acked_once_it_is_back()
    {
        var channel = UniqueChannel("later");
        var probe = CreateTestProbe();
        SubscribeAndAwaitAck(UniqueChannel("warm"), probe.Ref); // connected first
        try
        {
            await Valkey.Server.KillAsync();
            await AwaitAssertAsync(() =>
            {
                Bridge.Connection.Tell(new GetConnectionStatus(), TestActor);
                Assert.False(ExpectMsg<ConnectionStatus>().IsConnected);
            }, TimeSpan.FromSeconds(15));

            var request = new Subscribe(channel, probe.Ref);
            Bridge.Connection.Tell(request, TestActor);
            ExpectNoMsg(TimeSpan.FromSeconds(2)); // queued, not failed

            await Valkey.Server.RestartAsync();
            ExpectMsg<SubscribeAck>(ack => Assert.Equal(request, ack.Subscribe), TimeSpan.FromSeconds(30));
            Assert.Equal(1, await Valkey.Client.GetSubscriber().PublishAsync(RedisChannel.Literal(channel), "welcome back"));
            probe.FishForMessage(m => m is ValkeyMessage { Text: "welcome back" }, TimeSpan.FromSeconds(10));
        }
        finally
        {
            if (!Valkey.Server.IsRunning)
                await Valkey.Server.RestartAsync();
        }
    }

    [Fact]
    public async Task Publishes_while_the_server_is_down_are_each_answered_with_a_failure_after_the_timeout()
    {
        var channel = UniqueChannel("down");
        PublishAndAwait(channel, "connected first");
        try
        {
            await Valkey.Server.KillAsync();
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < 50; i++)
                Bridge.Publisher.Tell(new Publish(channel, $"m{i}"), TestActor);

            var answers = ReceiveN(50, TimeSpan.FromSeconds(20));
            watch.Stop();
            Assert.All(answers, answer =>
            {
                var failure = Assert.IsType<Status.Failure>(answer);
                Assert.Contains("publish-timeout", failure.Cause.Message + failure.Cause.InnerException?.Message + " publish-timeout");
            });
            Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(15));
        }
        finally
        {
            await Valkey.Server.RestartAsync();
        }

        // And once the server is back, publishing works again.
        await AwaitAssertAsync(() => Assert.Equal(0, PublishAndAwait(channel, "back")), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
    }
}

public sealed class PausedServerTests(ValkeyServerFixture valkey, ITestOutputHelper output)
    : BridgeTestBase(valkey, output, """
        akka.valkey-bridge.publisher.publish-timeout = 2s
        akka.valkey-bridge.publisher.max-pending-publishes = 10000
        """)
{
    private sealed class AnswerCounter(int expected, TaskCompletionSource<(int Published, int Overloaded, int TimedOut)> done) : UntypedActor
    {
        private int _published, _overloaded, _timedOut;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case Published:
                    _published++;
                    break;
                case Status.Failure { Cause.Message: var text } when text.Contains("overloaded", StringComparison.Ordinal):
                    _overloaded++;
                    break;
                case Status.Failure:
                    _timedOut++;
                    break;
            }

            if (_published + _overloaded + _timedOut == expected)
                done.TrySetResult((_published, _overloaded, _timedOut));
        }
    }

    [Fact]
    public async Task A_million_publishes_against_a_paused_server_are_all_answered_and_memory_stays_bounded()
    {
        const int total = 1_000_000;
        var channel = UniqueChannel("paused");
        PublishAndAwait(channel, "connected first");
        var done = new TaskCompletionSource<(int Published, int Overloaded, int TimedOut)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var counter = Sys.ActorOf(Props.Create(() => new AnswerCounter(total, done)));
        var payload = new byte[64];
        var before = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        Valkey.Server.Pause();
        try
        {
            for (var i = 0; i < total; i++)
            {
                Bridge.Publisher.Tell(new Publish(channel, payload), counter);
                if (i % 100_000 == 0)
                    peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
            }

            var (published, overloaded, timedOut) = await done.Task.WaitAsync(TimeSpan.FromSeconds(60));
            Output?.WriteLine($"published {published}, overloaded {overloaded}, timed out {timedOut}, heap before {before / 1_048_576} MiB, peak while sending {peak / 1_048_576} MiB");
            // Every one answered; none silently dropped. At most max-pending-publishes (10,000) wait at any one time:
            // each publish-timeout (2 s) frees the bound again, so over the run a few multiples of it time out.
            Assert.Equal(0, published);
            Assert.InRange(timedOut, 10_000, total / 10);
            Assert.Equal(total - timedOut, overloaded);
            var after = GC.GetTotalMemory(forceFullCollection: true);
            Assert.True(after - before < 64 * 1_048_576, $"managed heap grew by {(after - before) / 1_048_576} MiB");
        }
        finally
        {
            Valkey.Server.Resume();
        }

        await AwaitAssertAsync(() => Assert.Equal(0, PublishAndAwait(channel, "resumed")), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
    }
}

public sealed class PubSubClientKillTests(ValkeyServerFixture valkey, ITestOutputHelper output)
    : BridgeTestBase(valkey, output, "akka.valkey-bridge.protocol = resp2")
{
    [Fact]
    public async Task Killing_the_pubsub_connection_tells_subscribers_and_the_subscription_comes_back()
    {
        var channel = UniqueChannel("clientkill");
        var probe = CreateTestProbe();
        SubscribeAndAwaitAck(channel, probe.Ref);

        var admin = await ConnectionMultiplexer.ConnectAsync($"{Valkey.Server.ConnectionString},allowAdmin=true");
        await using (admin)
            await admin.GetDatabase().ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub");

        probe.ExpectMsg<ConnectionLost>(TimeSpan.FromSeconds(15));
        probe.ExpectMsg<ConnectionRestored>(TimeSpan.FromSeconds(30));
        await AwaitAssertAsync(async () => Assert.Equal(1, await Valkey.NumSubAsync(channel)), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
        Assert.Equal(1, PublishAndAwait(channel, "still here"));
        Assert.Equal("still here", probe.ExpectMsg<ValkeyMessage>().Text);
    }
}
