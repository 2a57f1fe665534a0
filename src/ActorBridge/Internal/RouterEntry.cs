using Akka.Actor;
using StackExchange.Redis;

namespace ActorBridge.Internal;

/// <summary>Where one channel or pattern stands between the connection actor, its router and the server.</summary>
internal enum RouterState
{
    /// <summary>SUBSCRIBE / PSUBSCRIBE sent, waiting for the server; requests queue.</summary>
    Subscribing,

    /// <summary>Confirmed by the server; requests go straight to the router.</summary>
    Active,

    /// <summary>The router reported idle and was asked to confirm; requests queue.</summary>
    Passivating,

    /// <summary>UNSUBSCRIBE / PUNSUBSCRIBE sent; requests queue and, if any came, the server subscription is made again.</summary>
    Unsubscribing,
}

/// <summary>The connection actor's bookkeeping for one channel or pattern. Mutated only by the connection actor.</summary>
internal sealed class RouterEntry(SubscriptionKey key, IActorRef router)
{
    private volatile IActorRef? _deliverTo;

    public SubscriptionKey Key { get; } = key;

    public IActorRef Router { get; } = router;

    public RouterState State { get; set; } = RouterState.Subscribing;

    /// <summary>True while the subscription waits for the connection (it is made when the connection is up).</summary>
    public bool AwaitingConnection { get; set; }

    /// <summary>The client library's queue of this server subscription, while there is one.</summary>
    public ChannelMessageQueue? Queue { get; set; }

    /// <summary>Requests that arrived while the entry was not <see cref="RouterState.Active"/>, in arrival order.</summary>
    public Queue<object> Pending { get; } = new();

    /// <summary>
    /// Where incoming frames go. Read by the client library's delivery loop, outside the actor, so it is the one
    /// volatile field here; null while the subscription is being released, so frames in flight are dropped
    /// instead of landing in dead letters.
    /// </summary>
    public IActorRef? DeliverTo
    {
        get => _deliverTo;
        set => _deliverTo = value;
    }

    public RedisChannel ServerChannel => Key.Kind == SubscriptionKind.Channel
        ? RedisChannel.Literal(Key.Name)
        : RedisChannel.Pattern(Key.Name);
}
