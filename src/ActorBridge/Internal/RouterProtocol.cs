using Akka.Actor;

namespace ActorBridge.Internal;

// Messages between the connection actor and its routers. The passivation handshake follows Akka's
// DistributedPubSub Topic actors: the router reports that it is idle, the parent stops forwarding and asks it
// to confirm, and because parent-to-child messages arrive in order, a subscriber forwarded before that
// question is seen by the router before it answers.

/// <summary>Adds <see cref="Subscriber"/> to a router, which then sends <see cref="Ack"/> to <see cref="ReplyTo"/>.</summary>
internal sealed record AddSubscriber(IActorRef Subscriber, object Ack, IActorRef ReplyTo);

/// <summary>Removes <see cref="Subscriber"/> from a router, which then sends <see cref="Ack"/> to <see cref="ReplyTo"/>.</summary>
internal sealed record RemoveSubscriber(IActorRef Subscriber, object Ack, IActorRef ReplyTo);

/// <summary>Router to parent: I have had no subscriber for the whole grace period.</summary>
internal sealed record RouterIdle
{
    public static readonly RouterIdle Instance = new();
}

/// <summary>Parent to router: confirm that you still have no subscriber; the parent forwards nothing until you answer.</summary>
internal sealed record ConfirmIdle
{
    public static readonly ConfirmIdle Instance = new();
}

/// <summary>Router to parent, answering <see cref="ConfirmIdle"/>: still no subscriber, release the server subscription.</summary>
internal sealed record IdleConfirmed
{
    public static readonly IdleConfirmed Instance = new();
}

/// <summary>Router to parent, answering <see cref="ConfirmIdle"/>: a subscriber arrived meanwhile, keep me.</summary>
internal sealed record RouterBusy
{
    public static readonly RouterBusy Instance = new();
}

/// <summary>Router to itself, periodically while a subscriber is behind: hand it held-back messages as it catches up.</summary>
internal sealed record DrainBacklogs
{
    public static readonly DrainBacklogs Instance = new();
}

/// <summary>What a router needs to know from the settings.</summary>
internal sealed record RouterSettings(TimeSpan PassivationGrace, int SubscriberBufferSize, SubscriberOverflow SubscriberOverflow);
