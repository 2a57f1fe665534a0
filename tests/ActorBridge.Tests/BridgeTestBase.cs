using Akka.Actor;
using Akka.Configuration;
using Xunit;
using Xunit.Abstractions;

namespace ActorBridge.Tests;

/// <summary>A TestKit whose ActorSystem talks to the fixture's throwaway valkey-server.</summary>
public abstract class BridgeTestBase : Akka.TestKit.Xunit2.TestKit, IClassFixture<ValkeyServerFixture>
{
    protected BridgeTestBase(ValkeyServerFixture valkey, ITestOutputHelper output, string extraConfig = "")
        : base(BridgeConfig(valkey.Server.ConnectionString, extraConfig), UniqueSystemName(), output)
    {
        Valkey = valkey;
    }

    protected ValkeyServerFixture Valkey { get; }

    protected ValkeyPubSub Bridge => ValkeyPubSub.Get(Sys);

    protected static Config BridgeConfig(string connectionString, string extraConfig = "") =>
        ConfigurationFactory.ParseString($$"""
            akka.valkey-bridge {
              connection-string = "{{connectionString}}"
              router.passivation-grace = 200ms
            }
            {{extraConfig}}
            """);

    private static int _systems;

    /// <summary>Systems get distinct names, so metrics tagged with the system name stay apart across parallel tests.</summary>
    private static string UniqueSystemName() => $"test-{Interlocked.Increment(ref _systems)}";

    /// <summary>A channel name no other test uses.</summary>
    protected static string UniqueChannel(string prefix = "test") => $"{prefix}:{Guid.NewGuid():N}";

    protected void SubscribeAndAwaitAck(string channel, IActorRef subscriber)
    {
        var request = new Subscribe(channel, subscriber);
        Bridge.Connection.Tell(request, TestActor);
        ExpectMsg<SubscribeAck>(ack => Assert.Equal(request, ack.Subscribe), TimeSpan.FromSeconds(10));
    }

    protected void PatternSubscribeAndAwaitAck(string pattern, IActorRef subscriber)
    {
        var request = new PatternSubscribe(pattern, subscriber);
        Bridge.Connection.Tell(request, TestActor);
        ExpectMsg<PatternSubscribeAck>(ack => Assert.Equal(request, ack.PatternSubscribe), TimeSpan.FromSeconds(10));
    }

    protected long PublishAndAwait(string channel, object payload)
    {
        Bridge.Publisher.Tell(new Publish(channel, payload), TestActor);
        var published = ExpectMsg<Published>(TimeSpan.FromSeconds(10));
        Assert.Equal(channel, published.Channel);
        return published.Receivers;
    }

    protected LocalSubscriptions LocalSubscriptions()
    {
        Bridge.Connection.Tell(new GetLocalSubscriptions(), TestActor);
        return ExpectMsg<LocalSubscriptions>();
    }
}
