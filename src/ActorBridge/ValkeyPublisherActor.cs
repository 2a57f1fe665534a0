using System.Diagnostics;
using ActorBridge.Internal;
using Akka.Actor;
using Akka.Event;
using StackExchange.Redis;

namespace ActorBridge;

/// <summary>
/// Sends <see cref="Publish"/> requests to Valkey as pipelined batches of PUBLISH commands and answers each sender
/// with <see cref="Published"/> (the receiver count Valkey returned) or <c>Status.Failure</c>, in the order the
/// requests arrived. When idle, a Publish goes out at once (no timer delay); while batches await their replies, a
/// batch is every Publish that reached the mailbox before the publisher got to send, so under load batches grow by
/// themselves. Obtain it with
/// <c>ValkeyPubSub.Get(system).Publisher</c>.
/// </summary>
public sealed class ValkeyPublisherActor : UntypedActor, IWithUnboundedStash, IWithTimers
{
    private readonly ValkeyPubSubSettings _settings;
    private readonly ConnectionProvider _connectionProvider;
    private readonly BridgeMetrics _metrics;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Queue<PendingPublish> _waiting = new();
    private readonly Queue<PublishBatch> _inFlight = new();
    private readonly IActorRef _deadLetters = Context.System.DeadLetters;
    private IDatabase _database = null!;
    private IConnectionMultiplexer _connection = null!;
    private Exception? _unavailable;
    private bool _flushRequested;
    private int _inFlightItems;
    private bool _expiryTimerRunning;

    internal ValkeyPublisherActor(ValkeyPubSubSettings settings, ConnectionProvider connectionProvider, BridgeMetrics metrics)
    {
        _settings = settings;
        _connectionProvider = connectionProvider;
        _metrics = metrics;
    }

    /// <inheritdoc />
    public IStash Stash { get; set; } = null!;

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    private int Pending => _waiting.Count + _inFlightItems;

    internal static Props Props(ValkeyPubSubSettings settings, ConnectionProvider connectionProvider, BridgeMetrics metrics) =>
        FactoryProducer<ValkeyPublisherActor>.Props(() => new ValkeyPublisherActor(settings, connectionProvider, metrics));

    /// <inheritdoc />
    protected override void PreStart() =>
        _connectionProvider.GetAsync().PipeTo(Self,
            success: connection => new ConnectionReady(connection),
            failure: cause => new ConnectionUnavailable(cause));

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ConnectionReady ready:
                _connection = ready.Connection;
                _database = ready.Connection.GetDatabase();
                Become(Ready);
                Stash.UnstashAll();
                break;
            case ConnectionUnavailable unavailable:
                _unavailable = unavailable.Cause;
                Become(Unavailable);
                Stash.UnstashAll();
                break;
            default:
                Stash.Stash();
                break;
        }
    }

    private void Unavailable(object message)
    {
        if (message is Publish)
        {
            _metrics.PublishFailed(1);
            Reply(Sender, new Status.Failure(new ValkeyBridgeException(
                $"ActorBridge has no Valkey connection: {_unavailable!.Message}", _unavailable)));
        }
        else
        {
            Unhandled(message);
        }
    }

    private void Ready(object message)
    {
        switch (message)
        {
            case Publish publish:
                OnPublish(publish);
                break;
            case FlushPublishes:
                _flushRequested = false;
                SendWaiting();
                break;
            case PublishBatchCompleted completed:
                OnBatchCompleted(completed.Batch);
                break;
            case ExpirePublishes:
                ExpireOverdue();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnPublish(Publish publish)
    {
        RedisValue payload = default;
        Exception? error = Validation.CheckName(publish.Channel, "Publish.Channel", "channel") ?? Encode(publish.Payload, out payload);
        if (error is null && payload.Length() > _settings.MaxPayloadBytes)
        {
            error = new ArgumentException(
                $"Publish.Payload is {payload.Length():N0} bytes, over akka.valkey-bridge.publisher.max-payload-bytes ({_settings.MaxPayloadBytes:N0}); " +
                "send less, or raise the setting.", "Publish.Payload");
        }
        else if (error is null && _connectionProvider.CredentialsFailure is { } refused && !_connection.IsConnected)
        {
            // Retrying cannot help until the configuration changes: say so now rather than after the timeout.
            error = new ValkeyBridgeException(refused);
        }
        else if (error is null && Pending >= _settings.MaxPendingPublishes)
        {
            error = new ValkeyBridgeException(
                $"The publisher is overloaded: {Pending:N0} Publish requests are waiting for the server " +
                "(akka.valkey-bridge.publisher.max-pending-publishes), which is slow or unreachable. The message was not sent; " +
                "publish again later, or slow down.");
        }

        if (error is not null)
        {
            _metrics.PublishFailed(1);
            Reply(Sender, new Status.Failure(error));
            return;
        }

        _waiting.Enqueue(new PendingPublish(publish.Channel, payload, Sender, Stopwatch.GetTimestamp()));
        if (!_expiryTimerRunning)
        {
            _expiryTimerRunning = true;
            Timers.StartPeriodicTimer(nameof(ExpirePublishes), ExpirePublishes.Instance, ExpiryCheckInterval);
        }

        if (_inFlight.Count == 0)
        {
            // Idle: out at once, no batching delay at all.
            SendWaiting();
        }
        else if (!_flushRequested)
        {
            // Busy: the marker queues behind every Publish already in the mailbox, so they all join one batch.
            _flushRequested = true;
            Self.Tell(FlushPublishes.Instance);
        }
    }

    private ArgumentException? Encode(object? payload, out RedisValue encoded)
    {
        encoded = RedisValue.Null;
        switch (payload)
        {
            case null:
                return new ArgumentNullException("Publish.Payload",
                    "Publish.Payload is null; publish a string, a byte[], or an object the payload codec can encode.");
            case string text:
                encoded = text;
                return null;
            case byte[] bytes:
                encoded = bytes;
                return null;
            case ReadOnlyMemory<byte> memory:
                encoded = memory;
                return null;
            case Memory<byte> memory:
                encoded = (ReadOnlyMemory<byte>)memory;
                return null;
            default:
                try
                {
                    encoded = _settings.PayloadCodec.Encode(payload);
                    return null;
                }
                catch (Exception e)
                {
                    return new ArgumentException(
                        $"Publish.Payload of type {payload.GetType().FullName} could not be encoded by " +
                        $"{_settings.PayloadCodec.GetType().Name}: {e.Message} Publish a string, a byte[], or a type the codec can serialize.",
                        "Publish.Payload", e);
                }
        }
    }

    private void SendWaiting()
    {
        while (_waiting.Count > 0 && _inFlight.Count < _settings.MaxBatchesInFlight)
        {
            var items = new PendingPublish[Math.Min(_waiting.Count, _settings.MaxBatchSize)];
            for (var i = 0; i < items.Length; i++)
                items[i] = _waiting.Dequeue();

            var replies = new Task<long>[items.Length];
            if (items.Length == 1)
            {
                replies[0] = _database.PublishAsync(RedisChannel.Literal(items[0].Channel), items[0].Payload);
            }
            else
            {
                // One batch is written to the socket in one go, in order.
                var batch = _database.CreateBatch();
                for (var i = 0; i < items.Length; i++)
                    replies[i] = batch.PublishAsync(RedisChannel.Literal(items[i].Channel), items[i].Payload);
                batch.Execute();
            }

            _metrics.BatchSent(items.Length);
            var inFlight = new PublishBatch(items);
            _inFlight.Enqueue(inFlight);
            _inFlightItems += items.Length;
            inFlight.AwaitRepliesAsync(replies).PipeTo(Self);
        }
    }

    private void OnBatchCompleted(PublishBatch batch)
    {
        batch.Completed = true;
        // Batches may complete out of order; answer strictly in the order the requests arrived.
        while (_inFlight.TryPeek(out var head) && head.Completed)
        {
            _inFlight.Dequeue();
            _inFlightItems -= head.Items.Length;
            AnswerAll(head);
        }

        SendWaiting();
    }

    private TimeSpan ExpiryCheckInterval =>
        TimeSpan.FromTicks(Math.Clamp(_settings.PublishTimeout.Ticks / 5, TimeSpan.FromMilliseconds(10).Ticks, TimeSpan.FromSeconds(1).Ticks));

    /// <summary>Answers every request older than the publish timeout, oldest first, so no sender waits forever.</summary>
    private void ExpireOverdue()
    {
        var deadline = Stopwatch.GetTimestamp() - (long)(_settings.PublishTimeout.TotalSeconds * Stopwatch.Frequency);
        var expired = 0;
        // Batches are answered in order: a head batch whose oldest request is overdue is failed as a whole.
        while (_inFlight.TryPeek(out var head) && (head.Completed || head.Items[0].ReceivedAt < deadline))
        {
            _inFlight.Dequeue();
            _inFlightItems -= head.Items.Length;
            if (head.Completed)
            {
                AnswerAll(head);
                continue;
            }

            foreach (var item in head.Items)
                FailTimedOut(item);
            expired += head.Items.Length;
        }

        // Waiting requests are answered after every in-flight one, so their order holds too.
        while (_inFlight.Count == 0 && _waiting.TryPeek(out var oldest) && oldest.ReceivedAt < deadline)
        {
            FailTimedOut(_waiting.Dequeue());
            expired++;
        }

        if (expired > 0)
        {
            _metrics.PublishFailed(expired);
            _log.Warning("{0} Publish request(s) got no reply within {1} (publish-timeout); the server is slow or unreachable", expired, _settings.PublishTimeout);
        }

        if (Pending == 0)
        {
            Timers.Cancel(nameof(ExpirePublishes));
            _expiryTimerRunning = false;
        }
        else
        {
            SendWaiting();
        }
    }

    private void FailTimedOut(PendingPublish item)
    {
        if (!IsNoSender(item.ReplyTo))
        {
            item.ReplyTo.Tell(new Status.Failure(new ValkeyBridgeException(
                $"PUBLISH to channel '{item.Channel}' got no reply within {_settings.PublishTimeout.TotalSeconds:0.###} s " +
                "(akka.valkey-bridge.publisher.publish-timeout): the server is slow or unreachable" +
                (_connectionProvider.LastConnectionFailure is { } why ? $" ({why})" : "") +
                ". The message may or may not have been delivered.")));
        }
    }

    private void AnswerAll(PublishBatch batch)
    {
        var unanswerableFailures = 0;
        Exception? firstFailure = null;
        for (var i = 0; i < batch.Items.Length; i++)
        {
            var item = batch.Items[i];
            if (batch.Errors?[i] is { } cause)
            {
                firstFailure ??= cause;
                if (IsNoSender(item.ReplyTo))
                    unanswerableFailures++;
                else
                    item.ReplyTo.Tell(new Status.Failure(new ValkeyBridgeException(
                        $"PUBLISH to channel '{item.Channel}' failed: {cause.Message}. The message was not sent; " +
                        "check that the server is reachable and publish again.", cause)));
            }
            else if (!IsNoSender(item.ReplyTo))
            {
                item.ReplyTo.Tell(new Published(item.Channel, batch.Receivers[i]));
            }
        }

        var failures = batch.Errors?.Count(e => e is not null) ?? 0;
        _metrics.Published(batch.Items.Length - failures);
        if (failures > 0)
            _metrics.PublishFailed(failures);
        if (unanswerableFailures > 0)
            _log.Warning("{0} Publish request(s) sent without a sender failed and were not sent: {1}",
                unanswerableFailures, firstFailure!.Message);
    }

    private void Reply(IActorRef replyTo, object answer)
    {
        if (!IsNoSender(replyTo))
            replyTo.Tell(answer);
        else if (answer is Status.Failure failure)
            _log.Warning("A Publish request sent without a sender failed: {0}", failure.Cause.Message);
    }

    private bool IsNoSender(IActorRef replyTo) => ReferenceEquals(replyTo, _deadLetters) || replyTo.IsNobody();
}
