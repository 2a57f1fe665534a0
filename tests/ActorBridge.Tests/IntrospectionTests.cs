using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace ActorBridge.Tests;

/// <summary>PUBSUB CHANNELS, NUMSUB and NUMPAT, asked through the connection actor.</summary>
public sealed class IntrospectionTests(ValkeyServerFixture valkey, ITestOutputHelper output) : BridgeTestBase(valkey, output)
{
    [Fact]
    public async Task Channels_subscriber_counts_and_pattern_count_match_the_server()
    {
        var prefix = UniqueChannel("intro");
        var events = $"{prefix}:events";
        var predictions = $"{prefix}:predictions";
        var silent = $"{prefix}:silent";
        var probe = CreateTestProbe();
        SubscribeAndAwaitAck(events, probe.Ref);
        SubscribeAndAwaitAck(events, CreateTestProbe().Ref); // a second local subscriber: still one on the server
        SubscribeAndAwaitAck(predictions, probe.Ref);
        var plain = await Valkey.Client.GetSubscriber().SubscribeAsync(RedisChannel.Literal(predictions));
        try
        {
            Bridge.Connection.Tell(new GetChannels($"{prefix}:*"), TestActor);
            Assert.Equal(new[] { events, predictions }.Order(), ExpectMsg<Channels>().Names.Order());

            Bridge.Connection.Tell(new GetChannels(), TestActor);
            Assert.Contains(events, ExpectMsg<Channels>().Names);

            Bridge.Connection.Tell(new GetSubscriberCounts([events, predictions, silent]), TestActor);
            var counts = ExpectMsg<SubscriberCounts>().Counts;
            Assert.Equal(1, counts[events]);
            Assert.Equal(2, counts[predictions]);
            Assert.Equal(0, counts[silent]);

            Bridge.Connection.Tell(new GetSubscriberCounts([]), TestActor);
            Assert.Empty(ExpectMsg<SubscriberCounts>().Counts);

            Bridge.Connection.Tell(new GetPatternCount(), TestActor);
            var patternsBefore = ExpectMsg<PatternCount>().Count;
            PatternSubscribeAndAwaitAck($"{prefix}:*", probe.Ref);
            PatternSubscribeAndAwaitAck($"{prefix}:*", CreateTestProbe().Ref);
            Bridge.Connection.Tell(new GetPatternCount(), TestActor);
            Assert.Equal(patternsBefore + 1, ExpectMsg<PatternCount>().Count);
            Assert.Equal(patternsBefore + 1, await Valkey.NumPatAsync());
        }
        finally
        {
            await plain.UnsubscribeAsync();
        }
    }
}
