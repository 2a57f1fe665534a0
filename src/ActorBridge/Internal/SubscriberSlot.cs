using Akka.Actor;

namespace ActorBridge.Internal;

/// <summary>
/// A router's view of one subscriber: its ref, its mailbox (for a local actor, so the router can see it falling
/// behind), and the messages held back for it while it is behind. Mutated only by its router.
/// </summary>
internal sealed class SubscriberSlot(IActorRef subscriber)
{
    public IActorRef Ref { get; } = subscriber;

    /// <summary>The subscriber's cell when it is a local actor; remote ones are not flow-controlled.</summary>
    public ICell? Cell { get; } = (subscriber as ActorRefWithCell)?.Underlying;

    /// <summary>Messages held back while the subscriber's mailbox is full; null until first needed.</summary>
    public Queue<ValkeyMessage>? Backlog { get; set; }

    /// <summary>Messages dropped since the subscriber was last told so.</summary>
    public long Dropped { get; set; }

    /// <summary>Whether this episode of falling behind has been logged (reset once the subscriber has caught up).</summary>
    public bool Warned { get; set; }

    public bool IsBehind(int mailboxWindow) => Backlog is { Count: > 0 } || Cell?.NumberOfMessages >= mailboxWindow;
}
