using ActorBridge.Streams.Internal;
using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorBridge.Streams;

/// <summary>
/// Akka.Streams stages for Valkey Pub/Sub through ActorBridge: sources that subscribe to a channel or a pattern, and
/// a flow and a sink that publish.
/// </summary>
public static class ValkeyStreams
{
    /// <summary>The default buffer of a subscription source, in messages.</summary>
    public const int DefaultBufferSize = 1024;

    /// <summary>The default number of publishes a <see cref="PublishFlow"/> keeps in flight.</summary>
    public const int DefaultParallelism = 256;

    private static readonly TimeSpan DefaultPublishTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A source of the messages published on <paramref name="channel"/>. The subscription is made when the stream is
    /// materialized (the materialized task completes once the server confirmed it, so messages published after that
    /// arrive) and released when the stream completes, fails or is cancelled.
    /// </summary>
    /// <param name="system">The ActorSystem whose bridge subscribes.</param>
    /// <param name="channel">The exact channel.</param>
    /// <param name="bufferSize">Messages kept while downstream back-pressures. Pub/Sub cannot slow the publishers down, so
    /// when the buffer is full <paramref name="overflow"/> decides.</param>
    /// <param name="overflow">What to do with a full buffer: <see cref="OverflowStrategy.Fail"/> (the default) fails the stream
    /// with a <see cref="BufferOverflowException"/>; <c>DropHead</c> drops the oldest, <c>DropTail</c> the youngest buffered,
    /// <c>DropNew</c> the arriving message, <c>DropBuffer</c> the whole buffer. <c>Backpressure</c> is refused: the server
    /// cannot be back-pressured.</param>
    /// <returns>The source; its materialized task completes when the subscription is confirmed, or fails with the reason.</returns>
    /// <exception cref="ArgumentException">An empty channel, a buffer below 1, or <see cref="OverflowStrategy.Backpressure"/>.</exception>
    public static Source<ValkeyMessage, Task> Source(ActorSystem system, string channel, int bufferSize = DefaultBufferSize, OverflowStrategy overflow = OverflowStrategy.Fail) =>
        CreateSource(system, channel, pattern: false, bufferSize, overflow);

    /// <summary>
    /// A source of the messages whose channel matches the glob <paramref name="pattern"/> (each carries the pattern in
    /// <see cref="ValkeyMessage.Pattern"/>). Otherwise as <see cref="Source"/>.
    /// </summary>
    /// <param name="system">The ActorSystem whose bridge subscribes.</param>
    /// <param name="pattern">The glob pattern, for example <c>ai:llm:tokens:*</c>.</param>
    /// <param name="bufferSize">Messages kept while downstream back-pressures.</param>
    /// <param name="overflow">What to do with a full buffer; see <see cref="Source"/>.</param>
    /// <returns>The source; its materialized task completes when the subscription is confirmed.</returns>
    public static Source<ValkeyMessage, Task> PatternSource(ActorSystem system, string pattern, int bufferSize = DefaultBufferSize, OverflowStrategy overflow = OverflowStrategy.Fail) =>
        CreateSource(system, pattern, pattern: true, bufferSize, overflow);

    /// <summary>
    /// A flow that publishes each <see cref="Publish"/> and emits its <see cref="Published"/> (the receiver count), in
    /// the order of the input, with up to <paramref name="parallelism"/> publishes in flight. A publish that fails
    /// fails the stream with the reason.
    /// </summary>
    /// <param name="system">The ActorSystem whose bridge publishes.</param>
    /// <param name="parallelism">Publishes awaiting their reply at once.</param>
    /// <param name="timeout">How long to wait for one reply; 30 s by default.</param>
    /// <returns>The flow.</returns>
    public static Flow<Publish, Published, NotUsed> PublishFlow(ActorSystem system, int parallelism = DefaultParallelism, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        var publisher = ValkeyPubSub.Get(system).Publisher;
        var wait = timeout ?? DefaultPublishTimeout;
        return Flow.Create<Publish>()
            .SelectAsync(parallelism, publish => publisher.Ask<Published>(publish, wait))
            .Named("valkeyPublish");
    }

    /// <summary>
    /// A sink that publishes each <see cref="Publish"/>; its task completes once every element was answered, and fails
    /// with the reason if one publish failed.
    /// </summary>
    /// <param name="system">The ActorSystem whose bridge publishes.</param>
    /// <param name="parallelism">Publishes awaiting their reply at once.</param>
    /// <returns>The sink.</returns>
    public static Sink<Publish, Task<Done>> Sink(ActorSystem system, int parallelism = DefaultParallelism) =>
        PublishFlow(system, parallelism).ToMaterialized(Akka.Streams.Dsl.Sink.Ignore<Published>(), Keep.Right);

    private static Source<ValkeyMessage, Task> CreateSource(ActorSystem system, string name, bool pattern, int bufferSize, OverflowStrategy overflow)
    {
        ArgumentNullException.ThrowIfNull(system);
        var what = pattern ? "pattern" : "channel";
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException($"The {what} is empty or whitespace; give a {what} name.", pattern ? nameof(pattern) : "channel");
        if (bufferSize < 1)
            throw new ArgumentOutOfRangeException(nameof(bufferSize), bufferSize, "The buffer must hold at least one message.");
        if (overflow == OverflowStrategy.Backpressure)
            throw new ArgumentException(
                "Valkey Pub/Sub cannot be back-pressured: the server pushes messages whether or not anyone keeps up. " +
                "Choose Fail, DropHead, DropTail, DropNew or DropBuffer for when the buffer is full.", nameof(overflow));
        return Akka.Streams.Dsl.Source.FromGraph(new SubscriptionSourceStage(ValkeyPubSub.Get(system).Connection, name, pattern, bufferSize, overflow));
    }
}
