using System.Globalization;
using System.Text;
using Akka.Configuration;
using StackExchange.Redis;

namespace ActorBridge.Hosting;

/// <summary>
/// ActorBridge settings for Akka.Hosting. Only the properties that are set are rendered as HOCON (over the embedded
/// reference config), so everything left null keeps its default. Binds from an <c>IConfiguration</c> section, for
/// example <c>{ "ConnectionString": "localhost:6379", "RouterPassivationGrace": "00:00:05" }</c>.
/// </summary>
public sealed class ValkeyPubSubOptions
{
    /// <summary>A StackExchange.Redis configuration string (<c>connection-string</c>), for example <c>localhost:6379,password=secret</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary><c>resp2</c>, <c>resp3</c> or <c>default</c> (<c>protocol</c>).</summary>
    public string? Protocol { get; set; }

    /// <summary>The name reported with CLIENT SETNAME (<c>client-name</c>).</summary>
    public string? ClientName { get; set; }

    /// <summary>How long a router with no subscriber waits before it releases the server subscription (<c>router.passivation-grace</c>).</summary>
    public TimeSpan? RouterPassivationGrace { get; set; }

    /// <summary>Most PUBLISH commands per pipelined batch (<c>publisher.max-batch-size</c>).</summary>
    public int? MaxBatchSize { get; set; }

    /// <summary>Batches awaiting replies at once (<c>publisher.max-batches-in-flight</c>).</summary>
    public int? MaxBatchesInFlight { get; set; }

    /// <summary>How long a Publish waits for its reply before it is answered with a failure (<c>publisher.publish-timeout</c>).</summary>
    public TimeSpan? PublishTimeout { get; set; }

    /// <summary>Most Publish requests waiting or in flight before new ones fail at once (<c>publisher.max-pending-publishes</c>).</summary>
    public int? MaxPendingPublishes { get; set; }

    /// <summary>Largest payload of one Publish, in bytes (<c>publisher.max-payload-bytes</c>).</summary>
    public int? MaxPayloadBytes { get; set; }

    /// <summary>Messages held back for a subscriber that fell behind (<c>subscriber.buffer-size</c>).</summary>
    public int? SubscriberBufferSize { get; set; }

    /// <summary><c>drop-oldest</c>, <c>drop-newest</c> or <c>end-subscription</c> (<c>subscriber.overflow</c>).</summary>
    public string? SubscriberOverflow { get; set; }

    /// <summary>Path of a PEM file with a CA to trust for TLS (<c>tls.ca-certificate</c>).</summary>
    public string? TlsCaCertificate { get; set; }

    /// <summary>Assembly-qualified name of the <see cref="IPayloadCodec"/> for payloads that are not text or bytes (<c>payload-codec</c>).</summary>
    public string? PayloadCodec { get; set; }

    /// <summary>
    /// A connection the host already has. The bridge borrows it (it never disposes it) and
    /// <see cref="ConnectionString"/> is not used. Not bound from configuration.
    /// </summary>
    public IConnectionMultiplexer? Connection { get; set; }

    /// <summary>Whether to register the <see cref="ValkeyPubSubHealthCheck"/> (named <c>valkey-pubsub</c>). Default true.</summary>
    public bool RegisterHealthCheck { get; set; } = true;

    /// <summary>Renders the set properties as HOCON under <c>akka.valkey-bridge</c>; unset ones are left out.</summary>
    /// <returns>The config (empty when nothing is set).</returns>
    public Config ToConfig()
    {
        var hocon = new StringBuilder();
        void Add(string key, string? value)
        {
            if (value is not null)
                hocon.Append(CultureInfo.InvariantCulture, $"akka.valkey-bridge.{key} = {value}\n");
        }

        Add("connection-string", Quote(ConnectionString));
        Add("protocol", Quote(Protocol));
        Add("client-name", Quote(ClientName));
        Add("payload-codec", Quote(PayloadCodec));
        Add("router.passivation-grace", RouterPassivationGrace is { } grace ? $"{(long)grace.TotalMilliseconds}ms" : null);
        Add("publisher.max-batch-size", MaxBatchSize?.ToString(CultureInfo.InvariantCulture));
        Add("publisher.max-batches-in-flight", MaxBatchesInFlight?.ToString(CultureInfo.InvariantCulture));
        Add("publisher.publish-timeout", PublishTimeout is { } timeout ? $"{(long)timeout.TotalMilliseconds}ms" : null);
        Add("publisher.max-pending-publishes", MaxPendingPublishes?.ToString(CultureInfo.InvariantCulture));
        Add("publisher.max-payload-bytes", MaxPayloadBytes?.ToString(CultureInfo.InvariantCulture));
        Add("subscriber.buffer-size", SubscriberBufferSize?.ToString(CultureInfo.InvariantCulture));
        Add("subscriber.overflow", Quote(SubscriberOverflow));
        Add("tls.ca-certificate", Quote(TlsCaCertificate));
        return hocon.Length == 0 ? Config.Empty : ConfigurationFactory.ParseString(hocon.ToString());
    }

    private static string? Quote(string? value) =>
        value is null ? null : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
