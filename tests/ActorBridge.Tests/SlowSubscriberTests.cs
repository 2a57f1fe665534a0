using System.Diagnostics;
using Akka.Actor;
using Akka.TestKit;
using StackExchange.Redis;
using Xunit;
using ActorBridge.Internal;
using Xunit.Abstractions;

namespace ActorBridge.Tests;

/// <summary>A subscriber that cannot keep up: bounded buffers, overflow policies, and no harm to anyone else.</summary>
public sealed class SlowSubscriberTests(ValkeyServerFixture valkey, ITestOutputHelper output)
    : BridgeTestBase(valkey, output, "akka.valkey-bridge.subscriber.buffer-size = 100")
{
    /// <summary>Lets the test end the slowness once the burst is measured, so the accounting finishes quickly.</summary>
    private sealed class SlowSwitch
    {
        public volatile bool Slow = true;
    }

    /// <summary>Takes 10 ms per message (awaiting, as slow I/O would) while the switch is on, then reports it.</summary>
    private sealed class SlowSubscriber : ReceiveActor
    {
        public SlowSubscriber(IActorRef report, SlowSwitch slowSwitch)
        {
            ReceiveAsync<object>(async message =>
            {
                if (message is ValkeyMessage && slowSwitch.Slow)
                    await Task.Delay(10);
                report.Tell(message);
            });
        }
    }

    /// <summary>Holds its first message until the gate opens (its mailbox fills meanwhile), then reports everything.</summary>
    private sealed class GatedSubscriber : ReceiveActor
    {
        public GatedSubscriber(Task gate, IActorRef report)
        {
            var first = true;
            ReceiveAsync<object>(async message =>
            {
                if (first)
                {
                    first = false;
                    await gate;
                }

                report.Tell(message);
            });
        }
    }

    [Fact]
    public async Task A_slow_subscriber_slows_neither_the_others_nor_the_connection_actor_and_misses_are_counted()
    {
        const int burst = 100_000;
        // The default buffer (10,000) in a system of its own.
        var system = ActorSystem.Create("burst", BridgeConfig(Valkey.Server.ConnectionString));
        try
        {
            var bridge = ValkeyPubSub.Get(system);
            var channel = UniqueChannel("burst");
            // Valkey's default limit for subscribers (client-output-buffer-limit pubsub 32mb 8mb 60) applies: a bridge
            // whose read path waited for its slow subscriber would pass it in this burst and be disconnected.
            await using (var admin = await ConnectionMultiplexer.ConnectAsync($"{Valkey.Server.ConnectionString},allowAdmin=true"))
            {
                var limit = (RedisResult[])(await admin.GetDatabase().ExecuteAsync("CONFIG", "GET", "client-output-buffer-limit"))!;
                Assert.Contains("pubsub 33554432 8388608 60", (string?)limit[1]);
            }
            var fast = CreateTestProbe(system);
            var slowReports = CreateTestProbe(system);
            var events = CreateTestProbe(system);
            var slowSwitch = new SlowSwitch();
            system.EventStream.Subscribe(events.Ref, typeof(ConnectionLost));
            await bridge.Connection.Ask<SubscribeAck>(new Subscribe(channel, fast.Ref), TimeSpan.FromSeconds(10));
            var slow = system.ActorOf(Props.Create(() => new SlowSubscriber(slowReports.Ref, slowSwitch)));
            await bridge.Connection.Ask<SubscribeAck>(new Subscribe(channel, slow), TimeSpan.FromSeconds(10));

            // A burst from valkey-benchmark, pipelined 16 deep: over 100,000 messages a second on loopback, far faster
            // than the slow subscriber's 100 a second.
            var benchmark = Path.Combine(Path.GetDirectoryName(ActorBridge.TestKit.ValkeyServer.FindCliExecutable())!, "valkey-benchmark");
            var start = new ProcessStartInfo(File.Exists(benchmark) ? benchmark : "redis-benchmark")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in new[] { "-h", Valkey.Server.Host, "-p", Valkey.Server.Port.ToString(), "-n", burst.ToString(), "-c", "1", "-P", "16", "-q", "PUBLISH", channel, new string('x', 64) })
                start.ArgumentList.Add(argument);
            var watch = Stopwatch.StartNew();
            using var load = Process.Start(start)!;
            // The connection actor answers at once during the burst.
            var status = await bridge.Connection.Ask<ConnectionStatus>(new GetConnectionStatus(), TimeSpan.FromSeconds(1));
            Assert.True(status.IsConnected);
            var benchmarkOutput = await load.StandardOutput.ReadToEndAsync();
            await load.WaitForExitAsync();
            Assert.Equal(0, load.ExitCode);
            Output?.WriteLine($"valkey-benchmark: {benchmarkOutput.Trim().Split('\r').Last()} (burst of {burst} in {watch.ElapsedMilliseconds} ms)");

            // The fast subscriber gets every message, and nothing else, without waiting for the slow one.
            for (var i = 0; i < burst; i++)
                fast.ExpectMsg<ValkeyMessage>(TimeSpan.FromSeconds(10));
            var burstTime = watch.ElapsedMilliseconds;

            // The slow one got what fitted in its mailbox and buffer and is told how many it missed.
            slowSwitch.Slow = false;
            long delivered = 0, dropped = 0;
            await AwaitAssertAsync(() =>
            {
                while (slowReports.HasMessages)
                {
                    switch (slowReports.ReceiveOne(TimeSpan.Zero))
                    {
                        case ValkeyMessage:
                            delivered++;
                            break;
                        case MessagesDropped notice:
                            Assert.Equal(channel, notice.Channel);
                            dropped += notice.Count;
                            break;
                    }
                }

                Assert.Equal(burst, delivered + dropped);
            }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100));
            Output?.WriteLine($"slow subscriber: {delivered} delivered, {dropped} dropped");
            Assert.True(dropped > 0);
            // Bounded: its mailbox window and buffer, plus what it processed (100 a second) while the burst lasted.
            Assert.InRange(delivered, 1000, 10_000 + SubscriptionRouterActor.MailboxWindow + (burstTime / 10) + 50);
            events.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // the server never dropped the bridge
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Theory]
    [InlineData("drop-newest")]
    [InlineData("drop-oldest")]
    public async Task A_stuck_subscriber_s_buffer_is_bounded_and_the_overflow_policy_decides_what_it_misses(string overflow)
    {
        await WithGatedSubscriberAsync(overflow, async (bridge, channel, gate, reports) =>
        {
            // More than the mailbox window (1000) and the buffer (100) together hold.
            await PublishSequenceAsync(channel, Published);
            await Task.Delay(300);
            gate.SetResult();

            var messages = new List<int>();
            long dropped = 0;
            await AwaitAssertAsync(() =>
            {
                while (reports.HasMessages)
                {
                    switch (reports.ReceiveOne(TimeSpan.Zero))
                    {
                        case ValkeyMessage m:
                            messages.Add(int.Parse(m.Text));
                            break;
                        case MessagesDropped notice:
                            dropped += notice.Count;
                            break;
                    }
                }

                Assert.Equal(Published, messages.Count + dropped);
            }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50));

            Assert.True(dropped > 0);
            Assert.Equal(messages.Order(), messages);
            Assert.InRange(messages.Count, 100, 100 + SubscriptionRouterActor.MailboxWindow + 2);
            if (overflow == "drop-newest")
                Assert.Equal(Enumerable.Range(0, messages.Count), messages); // the oldest kept
            else
                Assert.Equal(Published - 1, messages[^1]); // the newest kept
        });
    }

    [Fact]
    public async Task End_subscription_unsubscribes_a_stuck_subscriber_and_tells_it_why()
    {
        await WithGatedSubscriberAsync("end-subscription", async (bridge, channel, gate, reports) =>
        {
            await PublishSequenceAsync(channel, Published);
            gate.SetResult();

            var ended = reports.FishForMessage<SubscriptionEnded>(_ => true, TimeSpan.FromSeconds(20));
            Assert.Equal(channel, ended.Channel);
            Assert.Contains("end-subscription", ended.Reason);
            await AwaitAssertAsync(async () => Assert.Equal(0, await Valkey.NumSubAsync(channel)), TimeSpan.FromSeconds(10));
        });
    }

    private const int Published = 3000;

    private async Task PublishSequenceAsync(string channel, int count)
    {
        var database = Valkey.Client.GetDatabase();
        await Task.WhenAll(Enumerable.Range(0, count).Select(i => database.PublishAsync(RedisChannel.Literal(channel), i.ToString())));
    }

    private async Task WithGatedSubscriberAsync(string overflow, Func<ValkeyPubSub, string, TaskCompletionSource, TestProbe, Task> test)
    {
        var system = ActorSystem.Create($"gated-{overflow}", BridgeConfig(Valkey.Server.ConnectionString, $"""
            akka.valkey-bridge.subscriber.buffer-size = 100
            akka.valkey-bridge.subscriber.overflow = {overflow}
            """));
        try
        {
            var bridge = ValkeyPubSub.Get(system);
            var channel = UniqueChannel("stuck");
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var reports = CreateTestProbe(system);
            var subscriber = system.ActorOf(Props.Create(() => new GatedSubscriber(gate.Task, reports.Ref)));
            await bridge.Connection.Ask<SubscribeAck>(new Subscribe(channel, subscriber), TimeSpan.FromSeconds(10));
            await test(bridge, channel, gate, reports);
        }
        finally
        {
            await system.Terminate();
        }
    }
}
