using System.Text;
using Akka.Actor;
using Akka.Event;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace ActorBridge.Tests;

public sealed class PublisherTests(ValkeyServerFixture valkey, ITestOutputHelper output) : BridgeTestBase(valkey, output)
{
    private sealed record Prediction(string Model, double Score, string[] Labels);

    [Fact]
    public void Publish_with_nobody_listening_reports_zero_receivers()
    {
        Assert.Equal(0, PublishAndAwait(UniqueChannel("nobody"), "lost"));
    }

    [Fact]
    public void Strings_bytes_memory_and_objects_are_encoded_as_documented()
    {
        var channel = UniqueChannel("codec");
        var probe = CreateTestProbe();
        SubscribeAndAwaitAck(channel, probe.Ref);

        PublishAndAwait(channel, "héllo");
        Assert.Equal("héllo"u8.ToArray(), probe.ExpectMsg<ValkeyMessage>().Payload.ToArray());

        byte[] binary = [0, 1, 2, 255, 254, 0];
        PublishAndAwait(channel, binary);
        Assert.Equal(binary, probe.ExpectMsg<ValkeyMessage>().Payload.ToArray());

        PublishAndAwait(channel, new ReadOnlyMemory<byte>(binary, 1, 3));
        Assert.Equal(binary[1..4], probe.ExpectMsg<ValkeyMessage>().Payload.ToArray());

        var prediction = new Prediction("m1", 0.93, ["cat", "dog"]);
        PublishAndAwait(channel, prediction);
        var json = probe.ExpectMsg<ValkeyMessage>();
        Assert.Equal("""{"model":"m1","score":0.93,"labels":["cat","dog"]}""", json.Text);
        var decoded = json.FromJson<Prediction>();
        Assert.NotNull(decoded);
        Assert.Equal(prediction.Model, decoded.Model);
        Assert.Equal(prediction.Score, decoded.Score);
        Assert.Equal(prediction.Labels, decoded.Labels);

        PublishAndAwait(channel, "");
        Assert.Equal(0, probe.ExpectMsg<ValkeyMessage>().Payload.Length);
    }

    [Fact]
    public void Each_sender_gets_its_own_replies_in_order()
    {
        // Every Publish goes to its own channel, so the reply's channel tells which request it answers.
        var prefix = UniqueChannel("replies");
        var listener = CreateTestProbe();
        PatternSubscribeAndAwaitAck($"{prefix}:*", listener.Ref);
        var senders = Enumerable.Range(0, 4).Select(_ => CreateTestProbe()).ToList();

        const int perSender = 500;
        for (var i = 0; i < perSender; i++)
        {
            for (var s = 0; s < senders.Count; s++)
                Bridge.Publisher.Tell(new Publish($"{prefix}:{s}:{i}", "x"), senders[s].Ref);
        }

        for (var s = 0; s < senders.Count; s++)
        {
            var replies = senders[s].ReceiveN(perSender, TimeSpan.FromSeconds(30)).Cast<Published>().ToList();
            Assert.Equal(Enumerable.Range(0, perSender).Select(i => $"{prefix}:{s}:{i}"), replies.Select(r => r.Channel));
            Assert.All(replies, r => Assert.Equal(1, r.Receivers));
            senders[s].ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        }

        listener.ReceiveN(perSender * senders.Count, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Valid_and_invalid_publishes_interleaved_are_each_answered_once()
    {
        var prefix = UniqueChannel("mixed");
        for (var i = 0; i < 20; i++)
        {
            Bridge.Publisher.Tell(new Publish($"{prefix}:{i}", $"ok{i}"), TestActor);
            Bridge.Publisher.Tell(new Publish($"{prefix}:{i}", null!), TestActor);
        }

        // An invalid request is answered at once, a valid one when its batch's replies are in.
        var answers = ReceiveN(40, TimeSpan.FromSeconds(10));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"{prefix}:{i}"), answers.OfType<Published>().Select(p => p.Channel));
        Assert.Equal(20, answers.OfType<Status.Failure>().Count());
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Publish_without_a_sender_sends_no_reply_and_leaves_no_dead_letters()
    {
        var channel = UniqueChannel("nosender");
        var listener = CreateTestProbe();
        SubscribeAndAwaitAck(channel, listener.Ref);
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));

        for (var i = 0; i < 100; i++)
            Bridge.Publisher.Tell(new Publish(channel, $"fire-and-forget {i}"), ActorRefs.NoSender);
        Bridge.Publisher.Tell(new Publish(channel, new SelfReferencing()), ActorRefs.NoSender); // fails: logged, not replied

        listener.ReceiveN(100, TimeSpan.FromSeconds(10));
        deadLetters.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task A_bridge_publish_reaches_a_plain_client_and_is_counted()
    {
        var channel = UniqueChannel("to-plain");
        var queue = await Valkey.Client.GetSubscriber().SubscribeAsync(RedisChannel.Literal(channel));
        try
        {
            Assert.Equal(1, PublishAndAwait(channel, "from the bridge"));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var received = await queue.ReadAsync(timeout.Token);
            Assert.Equal("from the bridge", (string?)received.Message);

            var bytes = Encoding.UTF8.GetBytes("bytes too");
            Assert.Equal(1, PublishAndAwait(channel, bytes));
            Assert.Equal(bytes, (byte[]?)(await queue.ReadAsync(timeout.Token)).Message);
        }
        finally
        {
            await queue.UnsubscribeAsync();
        }
    }

    /// <summary>System.Text.Json refuses cycles.</summary>
    internal sealed class SelfReferencing
    {
        public SelfReferencing Self => this;
    }
}
