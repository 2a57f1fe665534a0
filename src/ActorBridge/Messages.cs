using System.Text;
using System.Text.Json;
using Akka.Actor;

namespace ActorBridge;

// The public message protocol of ActorBridge, in one place. Every message is an immutable sealed record.
// Requests go to ValkeyPubSub.Get(system).Connection (subscriptions, introspection) or
// ValkeyPubSub.Get(system).Publisher (Publish). A request that fails is answered with Status.Failure.

/// <summary>
/// Asks the connection actor to deliver every message published on the exact channel <paramref name="Channel"/>
/// to <paramref name="Subscriber"/>. Answered with <see cref="SubscribeAck"/> once the server has confirmed the
/// subscription, so a message published after the ack arrived is delivered.
/// </summary>
/// <param name="Channel">The exact channel name. Glob characters (<c>*</c>, <c>?</c>, <c>[</c>) are literal here.</param>
/// <param name="Subscriber">The actor that receives <see cref="ValkeyMessage"/>s.</param>
public sealed record Subscribe(string Channel, IActorRef Subscriber);

/// <summary>Confirms a <see cref="Subscribe"/>: the server subscription is live and the subscriber is registered.</summary>
/// <param name="Subscribe">The request this acknowledges.</param>
public sealed record SubscribeAck(Subscribe Subscribe);

/// <summary>
/// Asks the connection actor to stop delivering messages of <paramref name="Channel"/> to
/// <paramref name="Subscriber"/>. Answered with <see cref="UnsubscribeAck"/>, also when the actor was not subscribed.
/// </summary>
/// <param name="Channel">The exact channel name.</param>
/// <param name="Subscriber">The actor to remove.</param>
public sealed record Unsubscribe(string Channel, IActorRef Subscriber);

/// <summary>Confirms an <see cref="Unsubscribe"/>: no further message of the channel is sent to the subscriber.</summary>
/// <param name="Unsubscribe">The request this acknowledges.</param>
public sealed record UnsubscribeAck(Unsubscribe Unsubscribe);

/// <summary>
/// Asks the connection actor to deliver every message whose channel matches the Valkey glob pattern
/// <paramref name="Pattern"/> (<c>*</c>, <c>?</c>, <c>[ae]</c>, <c>\</c> escapes) to <paramref name="Subscriber"/>.
/// Answered with <see cref="PatternSubscribeAck"/> once the server has confirmed the PSUBSCRIBE.
/// </summary>
/// <param name="Pattern">The glob pattern, for example <c>ai:*</c>.</param>
/// <param name="Subscriber">The actor that receives <see cref="ValkeyMessage"/>s, with <see cref="ValkeyMessage.Pattern"/> set.</param>
public sealed record PatternSubscribe(string Pattern, IActorRef Subscriber);

/// <summary>Confirms a <see cref="PatternSubscribe"/>.</summary>
/// <param name="PatternSubscribe">The request this acknowledges.</param>
public sealed record PatternSubscribeAck(PatternSubscribe PatternSubscribe);

/// <summary>
/// Asks the connection actor to stop delivering messages matched by <paramref name="Pattern"/> to
/// <paramref name="Subscriber"/>. Answered with <see cref="PatternUnsubscribeAck"/>, also when it was not subscribed.
/// </summary>
/// <param name="Pattern">The glob pattern exactly as it was subscribed.</param>
/// <param name="Subscriber">The actor to remove.</param>
public sealed record PatternUnsubscribe(string Pattern, IActorRef Subscriber);

/// <summary>Confirms a <see cref="PatternUnsubscribe"/>.</summary>
/// <param name="PatternUnsubscribe">The request this acknowledges.</param>
public sealed record PatternUnsubscribeAck(PatternUnsubscribe PatternUnsubscribe);

/// <summary>
/// A message received from Valkey, as delivered to a subscriber. An actor subscribed both to a channel and to a
/// pattern matching it receives the message once per subscription, as Valkey delivers it.
/// </summary>
/// <param name="Channel">The channel the message was published on.</param>
/// <param name="Pattern">The pattern that matched, or <c>null</c> for a delivery through an exact subscription.</param>
/// <param name="Payload">The raw bytes that were published.</param>
public sealed record ValkeyMessage(string Channel, string? Pattern, ReadOnlyMemory<byte> Payload)
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    /// <summary>The payload decoded as UTF-8 text.</summary>
    public string Text => Encoding.UTF8.GetString(Payload.Span);

    /// <summary>
    /// Deserializes the payload as JSON with System.Text.Json. With no <paramref name="options"/>, the web defaults
    /// are used (camelCase, case-insensitive property names), matching what the default payload codec writes.
    /// </summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <param name="options">Serializer options; the web defaults when <c>null</c>.</param>
    /// <returns>The deserialized value, or <c>null</c> for a JSON <c>null</c>.</returns>
    /// <exception cref="JsonException">The payload is not valid JSON for <typeparamref name="T"/>.</exception>
    public T? FromJson<T>(JsonSerializerOptions? options = null) =>
        JsonSerializer.Deserialize<T>(Payload.Span, options ?? WebJson);
}

/// <summary>
/// Asks the publisher actor to PUBLISH <paramref name="Payload"/> on <paramref name="Channel"/>. Answered with
/// <see cref="Published"/> carrying the receiver count Valkey returned, or with <c>Status.Failure</c>. Sent without
/// a sender (<c>ActorRefs.NoSender</c>), no reply goes out.
/// </summary>
/// <param name="Channel">The exact channel name.</param>
/// <param name="Payload">A <see cref="string"/> (sent as UTF-8), a <c>byte[]</c> or <see cref="ReadOnlyMemory{T}"/> of
/// bytes (sent as is), or any other object, encoded by the configured <see cref="IPayloadCodec"/> (JSON by default).</param>
public sealed record Publish(string Channel, object Payload);

/// <summary>The answer to a <see cref="Publish"/>: what PUBLISH returned.</summary>
/// <param name="Channel">The channel published on.</param>
/// <param name="Receivers">The number of subscriptions on that server that received the message (a client subscribed
/// both exactly and by pattern counts twice; an ActorBridge system counts once per channel or pattern, however many
/// local actors subscribe).</param>
public sealed record Published(string Channel, long Receivers);

/// <summary>Asks for the active channels on the server (PUBSUB CHANNELS). Answered with <see cref="Channels"/>.</summary>
/// <param name="Pattern">An optional glob pattern that the channel names must match; all channels when <c>null</c>.</param>
public sealed record GetChannels(string? Pattern = null);

/// <summary>The active channels on the server: channels with at least one exact subscriber (pattern subscriptions are not counted).</summary>
/// <param name="Names">The channel names.</param>
public sealed record Channels(IReadOnlyList<string> Names);

/// <summary>Asks for the number of exact subscribers of each channel (PUBSUB NUMSUB). Answered with <see cref="SubscriberCounts"/>.</summary>
/// <param name="Channels">The channels to count.</param>
public sealed record GetSubscriberCounts(IReadOnlyList<string> Channels);

/// <summary>The number of exact subscribers of each requested channel, as the server counts them (pattern subscribers are not counted).</summary>
/// <param name="Counts">Channel name to subscriber count.</param>
public sealed record SubscriberCounts(IReadOnlyDictionary<string, long> Counts);

/// <summary>Asks for the number of unique patterns subscribed on the server (PUBSUB NUMPAT). Answered with <see cref="PatternCount"/>.</summary>
public sealed record GetPatternCount;

/// <summary>The number of unique patterns subscribed on the server, by all clients.</summary>
/// <param name="Count">The number of unique patterns.</param>
public sealed record PatternCount(long Count);

/// <summary>
/// Asks the connection actor which channels and patterns this ActorSystem has routers for (local state, not a
/// server query). Answered with <see cref="LocalSubscriptions"/>.
/// </summary>
public sealed record GetLocalSubscriptions;

/// <summary>The channels and patterns that have a router in this ActorSystem, whether subscribed or passivating.</summary>
/// <param name="Channels">Exact channel names.</param>
/// <param name="Patterns">Glob patterns.</param>
public sealed record LocalSubscriptions(IReadOnlyList<string> Channels, IReadOnlyList<string> Patterns);

/// <summary>Asks the connection actor whether the bridge is connected to the server. Answered with <see cref="ConnectionStatus"/>.</summary>
public sealed record GetConnectionStatus;

/// <summary>Whether the bridge's connection to the server is up, and to which endpoints it connects.</summary>
/// <param name="IsConnected">True while the client library reports the connection up.</param>
/// <param name="Endpoints">The configured endpoints, as <c>host:port</c>.</param>
public sealed record ConnectionStatus(bool IsConnected, IReadOnlyList<string> Endpoints);

/// <summary>
/// Sent to every subscriber (and published on the ActorSystem's EventStream) when the bridge loses its connection to
/// the server. Messages published until <see cref="ConnectionRestored"/> arrives are not delivered: Pub/Sub keeps
/// nothing for absent subscribers. Subscribers may ignore it; their subscriptions are restored on their own.
/// </summary>
/// <param name="Reason">What the client reported, without secrets.</param>
public sealed record ConnectionLost(string Reason);

/// <summary>
/// Sent to every subscriber (and published on the EventStream) when the connection is back. The client library has
/// re-subscribed; a moment later the bridge checks the server against its own subscription state and makes again
/// anything missing. Messages published during the gap were missed.
/// </summary>
public sealed record ConnectionRestored;

/// <summary>
/// Sent to a subscriber that fell behind: <paramref name="Count"/> messages of <paramref name="Channel"/> were dropped
/// for it (see <c>akka.valkey-bridge.subscriber</c>). It arrives just before the next message the subscriber gets.
/// </summary>
/// <param name="Channel">The channel or pattern of the subscription.</param>
/// <param name="Count">How many messages were dropped since the last notice.</param>
public sealed record MessagesDropped(string Channel, long Count);

/// <summary>
/// Sent to a subscriber whose subscription the bridge ended because it fell too far behind (overflow policy
/// <c>end-subscription</c>). It gets no further messages of <paramref name="Channel"/> until it subscribes again.
/// </summary>
/// <param name="Channel">The channel or pattern of the subscription.</param>
/// <param name="Reason">Why, and what to do.</param>
public sealed record SubscriptionEnded(string Channel, string Reason);

/// <summary>What a router does when a subscriber has fallen <c>subscriber.buffer-size</c> messages behind.</summary>
public enum SubscriberOverflow
{
    /// <summary>Drop the oldest held-back message to make room (the subscriber sees the newest).</summary>
    DropOldest,

    /// <summary>Drop the arriving message (the subscriber sees the oldest).</summary>
    DropNewest,

    /// <summary>End the subscription and tell the subscriber with <see cref="SubscriptionEnded"/>.</summary>
    EndSubscription,
}
