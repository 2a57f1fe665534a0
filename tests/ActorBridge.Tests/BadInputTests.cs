using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace ActorBridge.Tests;

public sealed class BadInputTests(ValkeyServerFixture valkey, ITestOutputHelper output) : BridgeTestBase(valkey, output)
{
    public static TheoryData<string?> BadNames => new() { null, "", " ", "\t\n" };

    [Theory]
    [MemberData(nameof(BadNames))]
    public void Bad_channel_and_pattern_names_are_answered_with_a_clear_failure(string? name)
    {
        var probe = CreateTestProbe();
        ExpectFailure<ArgumentException>(Bridge.Connection, new Subscribe(name!, probe.Ref), "Subscribe.Channel");
        ExpectFailure<ArgumentException>(Bridge.Connection, new Unsubscribe(name!, probe.Ref), "Unsubscribe.Channel");
        ExpectFailure<ArgumentException>(Bridge.Connection, new PatternSubscribe(name!, probe.Ref), "PatternSubscribe.Pattern");
        ExpectFailure<ArgumentException>(Bridge.Connection, new PatternUnsubscribe(name!, probe.Ref), "PatternUnsubscribe.Pattern");
        ExpectFailure<ArgumentException>(Bridge.Publisher, new Publish(name!, "x"), "Publish.Channel");
        if (name is not null)
            ExpectFailure<ArgumentException>(Bridge.Connection, new GetChannels(name), "GetChannels.Pattern");
        ExpectFailure<ArgumentException>(Bridge.Connection, new GetSubscriberCounts(["ok", name!]), "GetSubscriberCounts.Channels");

        StillWorks();
    }

    [Fact]
    public void A_null_or_nobody_subscriber_is_answered_with_a_clear_failure()
    {
        var channel = UniqueChannel("bad");
        ExpectFailure<ArgumentException>(Bridge.Connection, new Subscribe(channel, null!), "Subscribe.Subscriber");
        ExpectFailure<ArgumentException>(Bridge.Connection, new PatternSubscribe(channel + ":*", ActorRefs.Nobody), "PatternSubscribe.Subscriber");
        ExpectFailure<ArgumentException>(Bridge.Connection, new Unsubscribe(channel, null!), "Unsubscribe.Subscriber");
        ExpectFailure<ArgumentException>(Bridge.Connection, new GetSubscriberCounts(null!), "GetSubscriberCounts.Channels");
        StillWorks();
    }

    [Fact]
    public void A_payload_the_codec_cannot_serialize_or_a_null_payload_is_answered_with_a_clear_failure()
    {
        var channel = UniqueChannel("bad");
        var failure = ExpectFailure<ArgumentException>(Bridge.Publisher, new Publish(channel, new PublisherTests.SelfReferencing()), "could not be encoded");
        Assert.Contains(nameof(PublisherTests.SelfReferencing), failure.Message);
        ExpectFailure<ArgumentException>(Bridge.Publisher, new Publish(channel, null!), "Publish.Payload is null");
        ExpectFailure<ArgumentException>(Bridge.Publisher, new Publish(channel, (Action)(() => { })), "could not be encoded");
        StillWorks();
    }

    [Fact]
    public async Task A_malformed_connection_string_is_answered_with_a_clear_failure_not_a_crash()
    {
        var config = BridgeConfig("127.0.0.1:notaport,password=hunter2");
        var system = ActorSystem.Create("malformed", config);
        try
        {
            var bridge = ValkeyPubSub.Get(system);
            var probe = CreateTestProbe(system);
            bridge.Connection.Tell(new Subscribe("x", probe.Ref), probe.Ref);
            var subscribeFailure = probe.ExpectMsg<Status.Failure>(TimeSpan.FromSeconds(10));
            bridge.Publisher.Tell(new Publish("x", "y"), probe.Ref);
            var publishFailure = probe.ExpectMsg<Status.Failure>(TimeSpan.FromSeconds(10));
            foreach (var failure in new[] { subscribeFailure, publishFailure })
            {
                Assert.IsType<ValkeyBridgeException>(failure.Cause);
                Assert.Contains("connection-string", failure.Cause.Message);
                Assert.DoesNotContain("hunter2", failure.Cause.ToString());
            }
        }
        finally
        {
            await system.Terminate();
        }
    }

    private TException ExpectFailure<TException>(IActorRef target, object request, string expectedText)
        where TException : Exception
    {
        target.Tell(request, TestActor);
        var failure = ExpectMsg<Status.Failure>(TimeSpan.FromSeconds(5));
        var cause = Assert.IsAssignableFrom<TException>(failure.Cause);
        Assert.Contains(expectedText, cause.Message);
        return cause;
    }

    private void StillWorks()
    {
        var channel = UniqueChannel("after-bad-input");
        var probe = CreateTestProbe();
        SubscribeAndAwaitAck(channel, probe.Ref);
        Assert.Equal(1, PublishAndAwait(channel, "fine"));
        probe.ExpectMsg<ValkeyMessage>(m => Assert.Equal("fine", m.Text));
    }
}
