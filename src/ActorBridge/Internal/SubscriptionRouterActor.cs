using Akka.Actor;
using Akka.Event;

namespace ActorBridge.Internal;

/// <summary>
/// Serves one channel or pattern: holds its local subscribers, watches them, and fans every
/// <see cref="ValkeyMessage"/> out to them. Activated by the connection actor on the first subscriber; after the
/// last one leaves or dies and the grace period passes, it reports <see cref="RouterIdle"/> to its parent.
/// </summary>
/// <remarks>
/// A slow subscriber must neither slow the others nor grow memory without bound. A local subscriber holds at most
/// <see cref="MailboxWindow"/> messages in its mailbox; further ones wait here, up to the configured buffer, and past
/// that the overflow policy drops or ends the subscription, telling the subscriber with
/// <see cref="MessagesDropped"/> / <see cref="SubscriptionEnded"/>.
/// </remarks>
internal sealed class SubscriptionRouterActor : UntypedActor, IWithTimers
{
    /// <summary>The most messages a local subscriber's mailbox holds before the router keeps further ones back.</summary>
    public const int MailboxWindow = 1000;

    private const string PassivationTimer = "passivation";
    private const string DrainTimer = "drain";
    private static readonly TimeSpan DrainInterval = TimeSpan.FromMilliseconds(10);

    private readonly SubscriptionKey _key;
    private readonly RouterSettings _settings;
    private readonly BridgeMetrics _metrics;
    private readonly Dictionary<IActorRef, SubscriberSlot> _subscribers = [];

    // A copy of the slots for the fan-out loop, rebuilt lazily after a change.
    private SubscriberSlot[] _targets = [];
    private bool _targetsStale;
    private bool _draining;

    public SubscriptionRouterActor(SubscriptionKey key, RouterSettings settings, BridgeMetrics metrics)
    {
        _key = key;
        _settings = settings;
        _metrics = metrics;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(SubscriptionKey key, RouterSettings settings, BridgeMetrics metrics) =>
        FactoryProducer<SubscriptionRouterActor>.Props(() => new SubscriptionRouterActor(key, settings, metrics));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ValkeyMessage delivery:
                FanOut(delivery);
                break;
            case DrainBacklogs:
                Drain();
                break;
            case AddSubscriber add:
                if (!_subscribers.ContainsKey(add.Subscriber))
                {
                    _subscribers.Add(add.Subscriber, new SubscriberSlot(add.Subscriber));
                    Context.Watch(add.Subscriber);
                    _targetsStale = true;
                    Timers.Cancel(PassivationTimer);
                }
                add.ReplyTo.Tell(add.Ack);
                break;
            case RemoveSubscriber remove:
                if (_subscribers.Remove(remove.Subscriber))
                {
                    Context.Unwatch(remove.Subscriber);
                    SubscriberGone();
                }
                remove.ReplyTo.Tell(remove.Ack);
                break;
            case Terminated terminated:
                if (_subscribers.Remove(terminated.ActorRef))
                {
                    Context.GetLogger().Debug("Subscriber {0} of {1} terminated", terminated.ActorRef, _key);
                    SubscriberGone();
                }
                break;
            case ConnectionLost or ConnectionRestored:
                foreach (var slot in _subscribers.Values)
                    slot.Ref.Tell(message, ActorRefs.NoSender);
                break;
            case RouterIdle:
                // The grace timer fired; a subscriber may have joined since it was started.
                if (_subscribers.Count == 0)
                    Context.Parent.Tell(RouterIdle.Instance);
                break;
            case ConfirmIdle:
                if (_subscribers.Count == 0)
                {
                    Timers.Cancel(PassivationTimer);
                    Sender.Tell(IdleConfirmed.Instance);
                }
                else
                {
                    Sender.Tell(RouterBusy.Instance);
                }
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void FanOut(ValkeyMessage delivery)
    {
        if (_targetsStale)
        {
            _targets = [.. _subscribers.Values];
            _targetsStale = false;
        }

        var delivered = 0;
        foreach (var slot in _targets)
        {
            // A subscriber that was behind may have caught up: hand it what waits first, keeping the order.
            if (slot.Backlog is { Count: > 0 })
                delivered += DrainSlot(slot);
            if (!slot.IsBehind(MailboxWindow))
            {
                TellDropNotice(slot);
                slot.Ref.Tell(delivery, ActorRefs.NoSender);
                delivered++;
            }
            else
            {
                HoldBack(slot, delivery);
            }
        }

        _metrics.Delivered(delivered);
    }

    private void HoldBack(SubscriberSlot slot, ValkeyMessage delivery)
    {
        var backlog = slot.Backlog ??= new Queue<ValkeyMessage>();
        if (backlog.Count >= _settings.SubscriberBufferSize)
        {
            switch (_settings.SubscriberOverflow)
            {
                case SubscriberOverflow.DropNewest:
                    Dropped(slot);
                    return;
                case SubscriberOverflow.DropOldest:
                    backlog.Dequeue();
                    Dropped(slot);
                    break;
                default:
                    EndSubscription(slot);
                    return;
            }
        }

        backlog.Enqueue(delivery);
        if (!_draining)
        {
            _draining = true;
            Timers.StartPeriodicTimer(DrainTimer, DrainBacklogs.Instance, DrainInterval);
        }
    }

    private void Drain()
    {
        var delivered = 0;
        var behind = false;
        foreach (var slot in _subscribers.Values)
        {
            if (slot.Backlog is not { Count: > 0 } backlog)
                continue;
            delivered += DrainSlot(slot);
            if (backlog.Count == 0)
                TellDropNotice(slot); // caught up: say what was missed now rather than with some later message
            behind |= backlog.Count > 0;
        }

        _metrics.Delivered(delivered);
        if (!behind)
        {
            Timers.Cancel(DrainTimer);
            _draining = false;
        }
    }

    /// <summary>Hands a subscriber held-back messages while its mailbox has room; returns how many.</summary>
    private int DrainSlot(SubscriberSlot slot)
    {
        var backlog = slot.Backlog!;
        var delivered = 0;
        var room = MailboxWindow - (slot.Cell?.NumberOfMessages ?? 0);
        while (backlog.Count > 0 && room-- > 0)
        {
            TellDropNotice(slot);
            slot.Ref.Tell(backlog.Dequeue(), ActorRefs.NoSender);
            delivered++;
        }

        if (backlog.Count == 0)
            slot.Warned = false;
        return delivered;
    }

    private void Dropped(SubscriberSlot slot)
    {
        slot.Dropped++;
        if (!slot.Warned)
        {
            slot.Warned = true; // once per episode: until the subscriber has caught up again
            Context.GetLogger().Warning("Subscriber {0} of {1} is too slow: its buffer of {2} messages is full; dropping ({3})",
                slot.Ref, _key, _settings.SubscriberBufferSize, _settings.SubscriberOverflow);
        }

        _metrics.Dropped();
    }

    /// <summary>Tells a subscriber how many messages it missed, in order, just before the next one it gets.</summary>
    private void TellDropNotice(SubscriberSlot slot)
    {
        if (slot.Dropped == 0)
            return;
        slot.Ref.Tell(new MessagesDropped(_key.Name, slot.Dropped), ActorRefs.NoSender);
        slot.Dropped = 0;
    }

    private void EndSubscription(SubscriberSlot slot)
    {
        var missed = slot.Backlog?.Count ?? 0;
        Context.GetLogger().Warning("Subscriber {0} of {1} is too slow: its buffer of {2} messages is full; ending its subscription",
            slot.Ref, _key, _settings.SubscriberBufferSize);
        _metrics.Dropped();
        _subscribers.Remove(slot.Ref);
        Context.Unwatch(slot.Ref);
        slot.Ref.Tell(new SubscriptionEnded(_key.Name,
            $"The subscriber fell {missed + 1} messages behind (akka.valkey-bridge.subscriber.buffer-size = {_settings.SubscriberBufferSize}, " +
            "overflow = end-subscription); subscribe again when ready."), ActorRefs.NoSender);
        SubscriberGone();
    }

    private void SubscriberGone()
    {
        _targetsStale = true;
        if (_subscribers.Count > 0)
            return;
        if (_settings.PassivationGrace <= TimeSpan.Zero)
            Context.Parent.Tell(RouterIdle.Instance);
        else
            Timers.StartSingleTimer(PassivationTimer, RouterIdle.Instance, _settings.PassivationGrace);
    }
}
