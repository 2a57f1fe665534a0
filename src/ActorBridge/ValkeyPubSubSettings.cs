using Akka.Configuration;
using StackExchange.Redis;

namespace ActorBridge;

/// <summary>The settings of ActorBridge, read from the HOCON section <c>akka.valkey-bridge</c>.</summary>
public sealed record ValkeyPubSubSettings
{
    /// <summary>The StackExchange.Redis configuration string (<c>connection-string</c>).</summary>
    public required string ConnectionString { get; init; }

    /// <summary>The RESP protocol to speak, or <c>null</c> for the client library's default (<c>protocol</c>).</summary>
    public RedisProtocol? Protocol { get; init; }

    /// <summary>The name reported with CLIENT SETNAME, or <c>null</c> for the library default (<c>client-name</c>).</summary>
    public string? ClientName { get; init; }

    /// <summary>
    /// A PEM file with the certificate authority to trust for TLS (<c>tls.ca-certificate</c>), besides the system's own
    /// trust store; <c>null</c> to trust only the system's. TLS itself is switched on with <c>ssl=true</c> in the connection string.
    /// </summary>
    public string? TlsCaCertificate { get; init; }

    /// <summary>The codec for payloads that are not text or bytes (<c>payload-codec</c>).</summary>
    public required IPayloadCodec PayloadCodec { get; init; }

    /// <summary>How long a router with no subscribers waits before it is passivated (<c>router.passivation-grace</c>).</summary>
    public TimeSpan RouterPassivationGrace { get; init; }

    /// <summary>
    /// The most messages a router holds back for one subscriber that has fallen behind (beyond the 1000 its mailbox
    /// may hold) before the overflow policy applies (<c>subscriber.buffer-size</c>).
    /// </summary>
    public int SubscriberBufferSize { get; init; }

    /// <summary>What happens when a subscriber's buffer is full (<c>subscriber.overflow</c>).</summary>
    public SubscriberOverflow SubscriberOverflow { get; init; }

    /// <summary>The most Publish requests in one pipelined batch (<c>publisher.max-batch-size</c>).</summary>
    public int MaxBatchSize { get; init; }

    /// <summary>The most batches awaiting replies at once (<c>publisher.max-batches-in-flight</c>).</summary>
    public int MaxBatchesInFlight { get; init; }

    /// <summary>How long a Publish may wait for the server's reply before it is answered with a failure (<c>publisher.publish-timeout</c>).</summary>
    public TimeSpan PublishTimeout { get; init; }

    /// <summary>The most Publish requests waiting or in flight; past it a Publish fails at once (<c>publisher.max-pending-publishes</c>).</summary>
    public int MaxPendingPublishes { get; init; }

    /// <summary>The largest payload a Publish may carry, in bytes, after encoding (<c>publisher.max-payload-bytes</c>).</summary>
    public int MaxPayloadBytes { get; init; }

    /// <summary>Reads the settings from a config whose root holds <c>akka.valkey-bridge</c>.</summary>
    /// <param name="config">The config, with the reference config as fallback.</param>
    /// <returns>The validated settings.</returns>
    /// <exception cref="ConfigurationException">A key is missing or has a value it cannot take.</exception>
    public static ValkeyPubSubSettings Create(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var section = config.GetConfig("akka.valkey-bridge")
            ?? throw new ConfigurationException("The config has no akka.valkey-bridge section; use ValkeyPubSub.DefaultConfig() as fallback.");

        var settings = new ValkeyPubSubSettings
        {
            ConnectionString = section.GetString("connection-string", "localhost:6379"),
            Protocol = ParseProtocol(section.GetString("protocol", "default")),
            ClientName = NullIfEmpty(section.GetString("client-name", null)),
            TlsCaCertificate = NullIfEmpty(section.GetString("tls.ca-certificate", null)),
            PayloadCodec = CreateCodec(section.GetString("payload-codec", typeof(SystemTextJsonPayloadCodec).AssemblyQualifiedName)),
            RouterPassivationGrace = Read(section, "router.passivation-grace", "a duration such as 3s or 250ms", key => section.GetTimeSpan(key, TimeSpan.FromSeconds(3))),
            SubscriberBufferSize = Read(section, "subscriber.buffer-size", "an integer", key => section.GetInt(key, 10_000)),
            SubscriberOverflow = ParseOverflow(section.GetString("subscriber.overflow", "drop-oldest")),
            MaxBatchSize = Read(section, "publisher.max-batch-size", "an integer", key => section.GetInt(key, 1000)),
            MaxBatchesInFlight = Read(section, "publisher.max-batches-in-flight", "an integer", key => section.GetInt(key, 4)),
            PublishTimeout = Read(section, "publisher.publish-timeout", "a duration such as 5s", key => section.GetTimeSpan(key, TimeSpan.FromSeconds(5))),
            MaxPendingPublishes = Read(section, "publisher.max-pending-publishes", "an integer", key => section.GetInt(key, 100_000)),
            MaxPayloadBytes = Read(section, "publisher.max-payload-bytes", "a size in bytes such as 1048576 or 1MiB", key => checked((int)(section.GetByteSize(key) ?? 1_048_576))),
        };
        settings.Validate();
        return settings;
    }

    /// <summary>Describes the settings without the connection string's secrets (password, user).</summary>
    /// <returns>A description safe to log.</returns>
    public override string ToString() =>
        $"ValkeyPubSubSettings {{ ConnectionString = {RedactedConnectionString()}, Protocol = {Protocol?.ToString() ?? "default"}, " +
        $"RouterPassivationGrace = {RouterPassivationGrace}, MaxBatchSize = {MaxBatchSize}, MaxBatchesInFlight = {MaxBatchesInFlight}, " +
        $"PublishTimeout = {PublishTimeout}, MaxPendingPublishes = {MaxPendingPublishes}, MaxPayloadBytes = {MaxPayloadBytes}, " +
        $"PayloadCodec = {PayloadCodec.GetType().Name} }}";

    private string RedactedConnectionString() =>
        string.Join(",", ConnectionString.Split(',').Select(part =>
        {
            var equals = part.IndexOf('=');
            if (equals < 0)
                return part;
            var key = part[..equals].Trim();
            return key.Equals("password", StringComparison.OrdinalIgnoreCase) || key.Equals("user", StringComparison.OrdinalIgnoreCase)
                ? $"{key}=***"
                : part;
        }));

    private void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
            throw new ConfigurationException("akka.valkey-bridge.connection-string is empty; set it to \"host:port\", for example \"localhost:6379\".");
        if (TlsCaCertificate is not null && !File.Exists(TlsCaCertificate))
            throw new ConfigurationException($"akka.valkey-bridge.tls.ca-certificate names \"{TlsCaCertificate}\", which does not exist; give the path of a PEM certificate file.");
        if (RouterPassivationGrace < TimeSpan.Zero)
            throw new ConfigurationException($"akka.valkey-bridge.router.passivation-grace must not be negative (it is {RouterPassivationGrace}).");
        if (SubscriberBufferSize < 1)
            throw new ConfigurationException($"akka.valkey-bridge.subscriber.buffer-size must be at least 1 (it is {SubscriberBufferSize}).");
        if (MaxBatchSize < 1)
            throw new ConfigurationException($"akka.valkey-bridge.publisher.max-batch-size must be at least 1 (it is {MaxBatchSize}).");
        if (PublishTimeout <= TimeSpan.Zero)
            throw new ConfigurationException($"akka.valkey-bridge.publisher.publish-timeout must be positive (it is {PublishTimeout}).");
        if (MaxPendingPublishes < 1)
            throw new ConfigurationException($"akka.valkey-bridge.publisher.max-pending-publishes must be at least 1 (it is {MaxPendingPublishes}).");
        if (MaxPayloadBytes < 1)
            throw new ConfigurationException($"akka.valkey-bridge.publisher.max-payload-bytes must be at least 1 (it is {MaxPayloadBytes}).");
        if (MaxBatchesInFlight < 1)
            throw new ConfigurationException($"akka.valkey-bridge.publisher.max-batches-in-flight must be at least 1 (it is {MaxBatchesInFlight}).");
    }

    private static T Read<T>(Config section, string key, string expected, Func<string, T> read)
    {
        try
        {
            return read(key);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ConfigurationException or InvalidCastException)
        {
            throw new ConfigurationException($"akka.valkey-bridge.{key} must be {expected}: {e.Message}", e);
        }
    }

    private static SubscriberOverflow ParseOverflow(string value) => value.Trim().ToLowerInvariant() switch
    {
        "drop-oldest" => SubscriberOverflow.DropOldest,
        "drop-newest" => SubscriberOverflow.DropNewest,
        "end-subscription" => SubscriberOverflow.EndSubscription,
        _ => throw new ConfigurationException($"akka.valkey-bridge.subscriber.overflow is \"{value}\"; use drop-oldest, drop-newest or end-subscription."),
    };

    private static RedisProtocol? ParseProtocol(string value) => value.Trim().ToLowerInvariant() switch
    {
        "" or "default" => null,
        "resp2" => RedisProtocol.Resp2,
        "resp3" => RedisProtocol.Resp3,
        _ => throw new ConfigurationException($"akka.valkey-bridge.protocol is \"{value}\"; use resp2, resp3 or default."),
    };

    private static IPayloadCodec CreateCodec(string? typeName)
    {
        if (string.IsNullOrWhiteSpace(typeName))
            return new SystemTextJsonPayloadCodec();
        var type = Type.GetType(typeName, throwOnError: false)
            ?? throw new ConfigurationException($"akka.valkey-bridge.payload-codec names the type \"{typeName}\", which cannot be loaded; give an assembly-qualified name such as \"MyApp.MyCodec, MyApp\".");
        if (!typeof(IPayloadCodec).IsAssignableFrom(type))
            throw new ConfigurationException($"akka.valkey-bridge.payload-codec type \"{typeName}\" does not implement ActorBridge.IPayloadCodec.");
        try
        {
            return (IPayloadCodec)Activator.CreateInstance(type)!;
        }
        catch (Exception e) when (e is MissingMethodException or MemberAccessException or System.Reflection.TargetInvocationException)
        {
            throw new ConfigurationException($"akka.valkey-bridge.payload-codec type \"{typeName}\" could not be created; it needs a public parameterless constructor. {e.Message}", e);
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
