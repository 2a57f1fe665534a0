using Akka.Actor;
using Akka.Event;

namespace ActorBridge.Internal;

/// <summary>
/// Serves one channel or pattern: holds its local subscribers, watches them, and fans every
/// <see cref="ValkeyMessage"/> out to them. Activated by the connection actor on the first subscriber; after the
/// last one leaves or dies and the grace period passes, it reports <see cref="RouterIdle"/> to its parent.
/// </summary>
internal sealed class SubscriptionRouterActor : UntypedActor, IWithTimers
{
    private const string PassivationTimer = "passivation";

    private readonly SubscriptionKey _key;
    private readonly TimeSpan _grace;
    private readonly BridgeMetrics _metrics;
    private readonly HashSet<IActorRef> _subscribers = [];

    // A copy of _subscribers for the fan-out loop, rebuilt lazily after a change.
    private IActorRef[] _targets = [];
    private bool _targetsStale;

    public SubscriptionRouterActor(SubscriptionKey key, TimeSpan grace, BridgeMetrics metrics)
    {
        _key = key;
        _grace = grace;
        _metrics = metrics;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(SubscriptionKey key, TimeSpan grace, BridgeMetrics metrics) =>
        FactoryProducer<SubscriptionRouterActor>.Props(() => new SubscriptionRouterActor(key, grace, metrics));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ValkeyMessage delivery:
                FanOut(delivery);
                break;
            case AddSubscriber add:
                if (_subscribers.Add(add.Subscriber))
                {
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
                foreach (var subscriber in _subscribers)
                    subscriber.Tell(message, ActorRefs.NoSender);
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
            _targets = [.. _subscribers];
            _targetsStale = false;
        }

        foreach (var target in _targets)
            target.Tell(delivery, ActorRefs.NoSender);
        _metrics.Delivered(_targets.Length);
    }

    private void SubscriberGone()
    {
        _targetsStale = true;
        if (_subscribers.Count > 0)
            return;
        if (_grace <= TimeSpan.Zero)
            Context.Parent.Tell(RouterIdle.Instance);
        else
            Timers.StartSingleTimer(PassivationTimer, RouterIdle.Instance, _grace);
    }
}
