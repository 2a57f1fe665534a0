using ActorBridge.Internal;
using Akka.Actor;
using Akka.Configuration;

namespace ActorBridge;

/// <summary>
/// The ActorBridge extension: one per ActorSystem, it starts the <see cref="ValkeyConnectionActor"/> and the
/// <see cref="ValkeyPublisherActor"/> on first use. Configure it under <c>akka.valkey-bridge</c>; the embedded
/// <c>reference.conf</c> (see <see cref="DefaultConfig"/>) supplies every default.
/// </summary>
/// <example>
/// <code>
/// var bridge = ValkeyPubSub.Get(system);
/// bridge.Connection.Tell(new Subscribe("ai:events", Self));      // answered with SubscribeAck
/// bridge.Publisher.Tell(new Publish("ai:events", new { model = "m1" })); // answered with Published
/// </code>
/// </example>
public sealed class ValkeyPubSub : IExtension
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> the bridge records on (for OpenTelemetry's <c>AddMeter</c>).</summary>
    public const string MeterName = "ActorBridge";

    private readonly ConnectionProvider _connectionProvider;

    /// <summary>Created by <see cref="ValkeyPubSubExtensionProvider"/>; use <see cref="Get"/>.</summary>
    /// <param name="system">The system the extension belongs to.</param>
    public ValkeyPubSub(ExtendedActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        system.Settings.InjectTopLevelFallback(DefaultConfig());
        Settings = ValkeyPubSubSettings.Create(system.Settings.Config);
        var setup = system.Settings.Setup.Get<ValkeyPubSubSetup>();
        _connectionProvider = new ConnectionProvider(Settings, setup.HasValue ? setup.Value.Connection : null);
        system.RegisterOnTermination(_connectionProvider.Dispose);
        var metrics = new BridgeMetrics(system.Name);

        Connection = system.SystemActorOf(ValkeyConnectionActor.Props(Settings, _connectionProvider, metrics), "valkey-connection");
        Publisher = system.SystemActorOf(ValkeyPublisherActor.Props(Settings, _connectionProvider, metrics), "valkey-publisher");
    }

    /// <summary>The settings in effect.</summary>
    public ValkeyPubSubSettings Settings { get; }

    /// <summary>The <see cref="ValkeyConnectionActor"/>: send it subscription and introspection requests.</summary>
    public IActorRef Connection { get; }

    /// <summary>The <see cref="ValkeyPublisherActor"/>: send it <see cref="Publish"/> requests.</summary>
    public IActorRef Publisher { get; }

    /// <summary>Returns the extension of <paramref name="system"/>, starting it on first use.</summary>
    /// <param name="system">The actor system.</param>
    /// <returns>The extension.</returns>
    public static ValkeyPubSub Get(ActorSystem system) =>
        system.WithExtension<ValkeyPubSub, ValkeyPubSubExtensionProvider>();

    /// <summary>The embedded reference configuration (<c>akka.valkey-bridge</c> with every default).</summary>
    /// <returns>The reference config.</returns>
    public static Config DefaultConfig() =>
        ConfigurationFactory.FromResource<ValkeyPubSub>("ActorBridge.reference.conf");
}

/// <summary>The Akka extension id of <see cref="ValkeyPubSub"/>.</summary>
public sealed class ValkeyPubSubExtensionProvider : ExtensionIdProvider<ValkeyPubSub>
{
    /// <inheritdoc />
    public override ValkeyPubSub CreateExtension(ExtendedActorSystem system) => new(system);
}
