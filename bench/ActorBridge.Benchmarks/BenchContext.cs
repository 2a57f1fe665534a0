using ActorBridge.TestKit;
using Akka.Actor;
using Akka.Configuration;
using StackExchange.Redis;

namespace ActorBridge.Benchmarks;

/// <summary>One throwaway valkey-server, one ActorSystem with the bridge, and one plain client for the baseline.</summary>
internal sealed class BenchContext : IAsyncDisposable
{
    private BenchContext(ValkeyServer server, ActorSystem system, ConnectionMultiplexer raw)
    {
        Server = server;
        System = system;
        Raw = raw;
    }

    public ValkeyServer Server { get; }

    public ActorSystem System { get; }

    public ValkeyPubSub Bridge => ValkeyPubSub.Get(System);

    /// <summary>The plain StackExchange.Redis client the bridge is compared with (same defaults, its own connection).</summary>
    public ConnectionMultiplexer Raw { get; }

    public static async Task<BenchContext> StartAsync()
    {
        var server = await ValkeyServer.StartAsync();
        var system = CreateSystem(server.ConnectionString, "bench");
        var raw = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var context = new BenchContext(server, system, raw);
        // Connect the bridge before anything is timed.
        await context.Bridge.Publisher.Ask<Published>(new Publish("bench:warmup", "x"), TimeSpan.FromSeconds(10));
        await context.Bridge.Connection.Ask<PatternCount>(new GetPatternCount(), TimeSpan.FromSeconds(10));
        return context;
    }

    public static ActorSystem CreateSystem(string connectionString, string name) =>
        ActorSystem.Create(name, ConfigurationFactory.ParseString($$"""
            akka.loglevel = WARNING
            akka.valkey-bridge.connection-string = "{{connectionString}}"
            akka.valkey-bridge.router.passivation-grace = 500ms
            """));

    public async Task<long> NumSubAsync(string channel)
    {
        var reply = (RedisResult[])(await Raw.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", channel))!;
        return (long)reply[1];
    }

    public async ValueTask DisposeAsync()
    {
        await System.Terminate();
        await Raw.DisposeAsync();
        await Server.DisposeAsync();
    }
}
