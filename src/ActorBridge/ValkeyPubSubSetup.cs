using Akka.Actor.Setup;
using StackExchange.Redis;

namespace ActorBridge;

/// <summary>
/// Programmatic set-up of ActorBridge, passed to <c>ActorSystem.Create</c> through an <c>ActorSystemSetup</c> (or
/// to Akka.Hosting with <c>AddSetup</c>; <c>WithValkeyPubSub</c> does this for you).
/// </summary>
/// <example>
/// <code>
/// var setup = BootstrapSetup.Create().WithConfig(config).And(new ValkeyPubSubSetup(hostMultiplexer));
/// var system = ActorSystem.Create("app", setup);
/// </code>
/// </example>
public sealed class ValkeyPubSubSetup : Setup
{
    /// <summary>Creates the set-up.</summary>
    /// <param name="connection">
    /// A connection the host already has. The bridge borrows it: it subscribes and publishes through it but never
    /// disposes it, and its <c>connection-string</c> setting is then not used. <c>null</c>: the bridge creates its
    /// own connection from <c>connection-string</c> and disposes it when the ActorSystem terminates.
    /// </param>
    public ValkeyPubSubSetup(IConnectionMultiplexer? connection)
    {
        Connection = connection;
    }

    /// <summary>The borrowed connection, or <c>null</c> when the bridge owns its own.</summary>
    public IConnectionMultiplexer? Connection { get; }
}
