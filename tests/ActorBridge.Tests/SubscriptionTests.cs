using Akka.Actor;
using Akka.TestKit;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace ActorBridge.Tests;

public sealed class SubscriptionTests(ValkeyServerFixture valkey, ITestOutputHelper output) : BridgeTestBase(valkey, output)
{
    [Fact]
    public async Task Many_local_subscribers_share_one_server_subscription_which_goes_away_with_the_last()
    {
        var channel = UniqueChannel("ai:events");
        var probes = Enumerable.Range(0, 5).Select(_ => CreateTestProbe()).ToList();
        foreach (var probe in probes)
            SubscribeAndAwaitAck(channel, probe.Ref);

        Assert.Equal(1, await Valkey.NumSubAsync(channel));
        Assert.Equal(1, PublishAndAwait(channel, "hello"));
        foreach (var probe in probes)
            Assert.Equal("hello", probe.ExpectMsg<ValkeyMessage>().Text);

        // Two leave, three die: the server subscription lasts until the last is gone.
        foreach (var probe in probes.Take(2))
        {
            Bridge.Connection.Tell(new Unsubscribe(channel, probe.Ref), TestActor);
            ExpectMsg<UnsubscribeAck>();
        }

        Sys.Stop(probes[2].Ref);
        Sys.Stop(probes[3].Ref);
        Assert.Equal(1, PublishAndAwait(channel, "still here"));
        probes[4].ExpectMsg<ValkeyMessage>(m => Assert.Equal("still here", m.Text));
        probes[0].ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        Sys.Stop(probes[4].Ref);
        await AwaitAssertAsync(async () => Assert.Equal(0, await Valkey.NumSubAsync(channel)), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(channel, LocalSubscriptions().Channels);
    }

    [Fact]
    public async Task Ack_means_the_server_confirmed_so_a_publish_right_after_it_is_delivered()
    {
        var probe = CreateTestProbe();
        var publisher = Valkey.Client.GetSubscriber();
        for (var i = 0; i < 50; i++)
        {
            var channel = UniqueChannel("ack");
            SubscribeAndAwaitAck(channel, probe.Ref);
            Assert.Equal(1, await publisher.PublishAsync(RedisChannel.Literal(channel), $"m{i}"));
            probe.ExpectMsg<ValkeyMessage>(m => Assert.Equal(channel, m.Channel));
        }
    }

    [Fact]
    public void Every_subscriber_gets_ten_thousand_messages_in_publish_order()
    {
        const int count = 10_000;
        var channel = UniqueChannel("order");
        var probes = Enumerable.Range(0, 3).Select(_ => CreateTestProbe()).ToList();
        foreach (var probe in probes)
            SubscribeAndAwaitAck(channel, probe.Ref);

        for (var i = 0; i < count; i++)
            Bridge.Publisher.Tell(new Publish(channel, i.ToString()), ActorRefs.NoSender);

        foreach (var probe in probes)
        {
            var received = probe.ReceiveN(count, TimeSpan.FromSeconds(60)).Cast<ValkeyMessage>().Select(m => int.Parse(m.Text)).ToList();
            Assert.Equal(Enumerable.Range(0, count), received);
        }
    }

    [Fact]
    public async Task An_exact_subscription_with_glob_characters_stays_exact()
    {
        var channel = $"{UniqueChannel("glob")}:a*b?[xy]";
        var probe = CreateTestProbe();
        var patternsBefore = await Valkey.NumPatAsync();
        SubscribeAndAwaitAck(channel, probe.Ref);

        Assert.Equal(1, await Valkey.NumSubAsync(channel));
        Assert.Equal(patternsBefore, await Valkey.NumPatAsync());

        var lookalike = channel.Replace("a*b?[xy]", "aXXbZx");
        Assert.Equal(0, PublishAndAwait(lookalike, "must not arrive"));
        Assert.Equal(1, PublishAndAwait(channel, "exact"));
        var message = probe.ExpectMsg<ValkeyMessage>();
        Assert.Equal("exact", message.Text);
        Assert.Null(message.Pattern);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Pattern_deliveries_carry_their_pattern_and_exact_plus_pattern_delivers_twice()
    {
        var prefix = UniqueChannel("ai");
        var events = $"{prefix}:events";
        var pattern = $"{prefix}:*";
        var probe = CreateTestProbe();
        SubscribeAndAwaitAck(events, probe.Ref);
        PatternSubscribeAndAwaitAck(pattern, probe.Ref);

        // One exact and one pattern subscription on the server: PUBLISH counts two receivers.
        Assert.Equal(2, PublishAndAwait(events, "{\"model\":\"m1\"}"));
        var deliveries = probe.ReceiveN(2).Cast<ValkeyMessage>().ToList();
        Assert.All(deliveries, m => Assert.Equal(events, m.Channel));
        Assert.Contains(deliveries, m => m.Pattern is null);
        Assert.Contains(deliveries, m => m.Pattern == pattern);

        var predictions = $"{prefix}:predictions";
        Assert.Equal(1, PublishAndAwait(predictions, "p"));
        probe.ExpectMsg<ValkeyMessage>(m =>
        {
            Assert.Equal(predictions, m.Channel);
            Assert.Equal(pattern, m.Pattern);
        });
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Glob_classes_and_question_marks_match_as_valkey_defines_them()
    {
        var prefix = UniqueChannel("glob");
        var probe = CreateTestProbe();
        PatternSubscribeAndAwaitAck($"{prefix}:h[ae]llo?", probe.Ref);
        var publisher = Valkey.Client.GetSubscriber();

        Assert.Equal(1, await publisher.PublishAsync(RedisChannel.Literal($"{prefix}:hallo1"), "a"));
        Assert.Equal(1, await publisher.PublishAsync(RedisChannel.Literal($"{prefix}:hello2"), "b"));
        Assert.Equal(0, await publisher.PublishAsync(RedisChannel.Literal($"{prefix}:hillo3"), "c"));
        Assert.Equal(["a", "b"], probe.ReceiveN(2).Cast<ValkeyMessage>().Select(m => m.Text));
    }

    [Fact]
    public async Task Pattern_subscription_is_released_when_its_last_subscriber_unsubscribes()
    {
        var pattern = $"{UniqueChannel("release")}:*";
        var probe = CreateTestProbe();
        var before = await Valkey.NumPatAsync();
        PatternSubscribeAndAwaitAck(pattern, probe.Ref);
        Assert.Equal(before + 1, await Valkey.NumPatAsync());

        Bridge.Connection.Tell(new PatternUnsubscribe(pattern, probe.Ref), TestActor);
        ExpectMsg<PatternUnsubscribeAck>(ack => Assert.Equal(pattern, ack.PatternUnsubscribe.Pattern));
        await AwaitAssertAsync(async () => Assert.Equal(before, await Valkey.NumPatAsync()), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(pattern, LocalSubscriptions().Patterns);
    }

    [Fact]
    public void Unsubscribe_stops_deliveries_and_is_acked_even_when_not_subscribed()
    {
        var channel = UniqueChannel("unsub");
        var probe = CreateTestProbe();

        var never = new Unsubscribe(channel, probe.Ref);
        Bridge.Connection.Tell(never, TestActor);
        ExpectMsg<UnsubscribeAck>(ack => Assert.Equal(never, ack.Unsubscribe));

        SubscribeAndAwaitAck(channel, probe.Ref);
        SubscribeAndAwaitAck(channel, probe.Ref); // subscribing twice is one subscription
        Assert.Equal(1, PublishAndAwait(channel, "one"));
        probe.ExpectMsg<ValkeyMessage>(m => Assert.Equal("one", m.Text));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        Bridge.Connection.Tell(new Unsubscribe(channel, probe.Ref), TestActor);
        ExpectMsg<UnsubscribeAck>();
        PublishAndAwait(channel, "two");
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void Unicode_spaces_and_slashes_in_channel_names_work()
    {
        var channel = $"{UniqueChannel("näme")}/with spaces/😀:ü";
        var probe = CreateTestProbe();
        SubscribeAndAwaitAck(channel, probe.Ref);
        Assert.Equal(1, PublishAndAwait(channel, "grüße"));
        probe.ExpectMsg<ValkeyMessage>(m =>
        {
            Assert.Equal(channel, m.Channel);
            Assert.Equal("grüße", m.Text);
        });
    }

    [Fact]
    public async Task A_subscriber_arriving_within_the_grace_period_keeps_the_server_subscription()
    {
        var config = BridgeConfig(Valkey.Server.ConnectionString, "akka.valkey-bridge.router.passivation-grace = 30s");
        var system = ActorSystem.Create("grace", config);
        try
        {
            var bridge = ValkeyPubSub.Get(system);
            var channel = UniqueChannel("churn");
            var first = CreateTestProbe(system);
            var second = CreateTestProbe(system);

            await bridge.Connection.Ask<SubscribeAck>(new Subscribe(channel, first.Ref), TimeSpan.FromSeconds(10));
            await bridge.Connection.Ask<UnsubscribeAck>(new Unsubscribe(channel, first.Ref), TimeSpan.FromSeconds(10));
            Assert.Equal(1, await Valkey.NumSubAsync(channel)); // held through the grace period
            await bridge.Connection.Ask<SubscribeAck>(new Subscribe(channel, second.Ref), TimeSpan.FromSeconds(10));

            var published = await bridge.Publisher.Ask<Published>(new Publish(channel, "after churn"), TimeSpan.FromSeconds(10));
            Assert.Equal(1, published.Receivers);
            second.ExpectMsg<ValkeyMessage>(m => Assert.Equal("after churn", m.Text));
            first.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public async Task Subscribes_racing_the_passivation_are_never_lost()
    {
        // A zero grace period makes every leave start a passivation; joins race it.
        var config = BridgeConfig(Valkey.Server.ConnectionString, "akka.valkey-bridge.router.passivation-grace = 0s");
        var system = ActorSystem.Create("race", config);
        try
        {
            var bridge = ValkeyPubSub.Get(system);
            var channel = UniqueChannel("race");
            for (var i = 0; i < 200; i++)
            {
                var probe = CreateTestProbe(system);
                await bridge.Connection.Ask<SubscribeAck>(new Subscribe(channel, probe.Ref), TimeSpan.FromSeconds(10));
                var published = await bridge.Publisher.Ask<Published>(new Publish(channel, $"m{i}"), TimeSpan.FromSeconds(10));
                Assert.Equal(1, published.Receivers);
                probe.ExpectMsg<ValkeyMessage>(m => Assert.Equal($"m{i}", m.Text));
                bridge.Connection.Tell(new Unsubscribe(channel, probe.Ref)); // no wait: the next subscribe races it
            }

            await AwaitAssertAsync(async () => Assert.Equal(0, await Valkey.NumSubAsync(channel)), TimeSpan.FromSeconds(10));
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public async Task Works_over_resp2_as_over_the_default_protocol()
    {
        var config = BridgeConfig(Valkey.Server.ConnectionString, "akka.valkey-bridge.protocol = resp2");
        var system = ActorSystem.Create("resp2", config);
        try
        {
            var bridge = ValkeyPubSub.Get(system);
            var prefix = UniqueChannel("resp2");
            var probe = CreateTestProbe(system);
            await bridge.Connection.Ask<SubscribeAck>(new Subscribe($"{prefix}:x", probe.Ref), TimeSpan.FromSeconds(10));
            await bridge.Connection.Ask<PatternSubscribeAck>(new PatternSubscribe($"{prefix}:*", probe.Ref), TimeSpan.FromSeconds(10));
            var published = await bridge.Publisher.Ask<Published>(new Publish($"{prefix}:x", "both"), TimeSpan.FromSeconds(10));
            Assert.Equal(2, published.Receivers);
            var deliveries = probe.ReceiveN(2).Cast<ValkeyMessage>().ToList();
            Assert.Contains(deliveries, m => m.Pattern is null);
            Assert.Contains(deliveries, m => m.Pattern == $"{prefix}:*");
        }
        finally
        {
            await system.Terminate();
        }
    }
}
