using System.Diagnostics.Metrics;

namespace ActorBridge.Internal;

/// <summary>
/// The bridge's instruments on the <c>ActorBridge</c> meter. Every measurement carries the tag <c>akka.system</c>
/// (the ActorSystem name), so several systems in one process stay apart. With no listener attached, recording
/// costs a flag check.
/// </summary>
internal sealed class BridgeMetrics(string systemName)
{
    private static readonly Meter Meter = new(ValkeyPubSub.MeterName, typeof(BridgeMetrics).Assembly.GetName().Version?.ToString());

    private static readonly Counter<long> PublishedCounter = Meter.CreateCounter<long>(
        "actorbridge.messages.published", "{message}", "Publish requests the server acknowledged.");

    private static readonly Counter<long> PublishFailedCounter = Meter.CreateCounter<long>(
        "actorbridge.messages.publish_failed", "{message}", "Publish requests answered with a failure (invalid, or the server did not acknowledge).");

    private static readonly Counter<long> ReceivedCounter = Meter.CreateCounter<long>(
        "actorbridge.messages.received", "{message}", "Messages received from the server, one per matching subscription.");

    private static readonly Counter<long> DeliveredCounter = Meter.CreateCounter<long>(
        "actorbridge.messages.delivered", "{message}", "Messages handed to local subscriber actors.");

    private static readonly Counter<long> DroppedCounter = Meter.CreateCounter<long>(
        "actorbridge.messages.dropped", "{message}", "Messages received but not delivered: to a subscriber that fell too far behind, or while a subscription was being released.");

    private static readonly Histogram<int> BatchSizeHistogram = Meter.CreateHistogram<int>(
        "actorbridge.publish.batch_size", "{message}", "PUBLISH commands written per pipelined batch.");

    private static readonly UpDownCounter<long> ActiveRoutersCounter = Meter.CreateUpDownCounter<long>(
        "actorbridge.routers.active", "{router}", "Channel and pattern routers alive (tag kind: channel or pattern).");

    private static readonly UpDownCounter<long> ConnectedCounter = Meter.CreateUpDownCounter<long>(
        "actorbridge.connection.connected", "{connection}", "1 while the bridge's connection to the server is up, 0 while it is down.");

    private readonly KeyValuePair<string, object?> _system = new("akka.system", systemName);
    private readonly KeyValuePair<string, object?> _channelKind = new("kind", "channel");
    private readonly KeyValuePair<string, object?> _patternKind = new("kind", "pattern");

    public void Published(long count) => PublishedCounter.Add(count, _system);

    public void PublishFailed(long count) => PublishFailedCounter.Add(count, _system);

    public void Received() => ReceivedCounter.Add(1, _system);

    public void Delivered(long count) => DeliveredCounter.Add(count, _system);

    public void Dropped() => DroppedCounter.Add(1, _system);

    public void BatchSent(int size) => BatchSizeHistogram.Record(size, _system);

    public void RouterStarted(SubscriptionKind kind) => ActiveRoutersCounter.Add(1, _system, Kind(kind));

    public void RouterStopped(SubscriptionKind kind) => ActiveRoutersCounter.Add(-1, _system, Kind(kind));

    public void ConnectionUp() => ConnectedCounter.Add(1, _system);

    public void ConnectionDown() => ConnectedCounter.Add(-1, _system);

    private KeyValuePair<string, object?> Kind(SubscriptionKind kind) => kind == SubscriptionKind.Channel ? _channelKind : _patternKind;
}
