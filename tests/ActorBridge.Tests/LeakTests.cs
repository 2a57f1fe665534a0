using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace ActorBridge.Tests;

public sealed class LeakTests(ValkeyServerFixture valkey, ITestOutputHelper output) : BridgeTestBase(valkey, output)
{
    [Fact]
    public async Task A_thousand_subscribe_then_stop_cycles_leave_no_router_and_no_server_subscription()
    {
        var prefix = UniqueChannel("leak");
        var patternsBefore = await Valkey.NumPatAsync();

        // Channels are reused across cycles (churn within the grace period) and patterns too, so routers are
        // created, kept, passivated and recreated while subscribers come and die.
        for (var i = 0; i < 1000; i++)
        {
            var subscriber = Sys.ActorOf(Props.Empty, $"subscriber-{i}");
            SubscribeAndAwaitAck($"{prefix}:c{i % 97}", subscriber);
            if (i % 4 == 0)
                PatternSubscribeAndAwaitAck($"{prefix}:p{i % 13}:*", subscriber);
            Sys.Stop(subscriber);
        }

        await AwaitAssertAsync(async () =>
        {
            Assert.Empty(await Valkey.ChannelsAsync($"{prefix}:*"));
            Assert.Equal(patternsBefore, await Valkey.NumPatAsync());
            var local = LocalSubscriptions();
            Assert.Empty(local.Channels);
            Assert.Empty(local.Patterns);
        }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(200));

        // No router child is left either: a wildcard Identify that nothing answers times out.
        ActorIdentity? anyRouter = null;
        try
        {
            anyRouter = await Sys.ActorSelection(Bridge.Connection.Path / "*").Ask<ActorIdentity>(new Identify("router"), TimeSpan.FromSeconds(1));
        }
        catch (AskTimeoutException)
        {
        }

        Assert.Null(anyRouter?.Subject);
    }
}
