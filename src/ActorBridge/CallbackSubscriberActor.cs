using Akka.Actor;

namespace ActorBridge;

/// <summary>
/// A subscriber that runs a delegate for every <see cref="ValkeyMessage"/>, one at a time on the actor's own
/// thread, while the code that created it carries on: the actor counterpart of redis-py's <c>run_in_thread</c>.
/// Other messages (acks, notices) are ignored.
/// </summary>
/// <example>
/// <code>
/// var subscriber = system.ActorOf(CallbackSubscriberActor.Props(m => Console.WriteLine(m.Text)));
/// await bridge.Connection.Ask&lt;SubscribeAck&gt;(new Subscribe("ai:events", subscriber));
/// </code>
/// </example>
public sealed class CallbackSubscriberActor : UntypedActor
{
    private readonly Action<ValkeyMessage> _handler;

    /// <summary>Creates the actor; use <see cref="Props(Action{ValkeyMessage})"/>.</summary>
    /// <param name="handler">Runs for each message. An exception it throws is logged and the actor is restarted by its
    /// supervisor (keeping its ref, so its subscriptions hold), then carries on with the next message.</param>
    public CallbackSubscriberActor(Action<ValkeyMessage> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handler = handler;
    }

    /// <summary>Props for a subscriber that runs <paramref name="handler"/> for each message.</summary>
    /// <param name="handler">Runs for each message, one at a time.</param>
    /// <returns>The props.</returns>
    public static Props Props(Action<ValkeyMessage> handler) =>
        Akka.Actor.Props.Create(() => new CallbackSubscriberActor(handler));

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        if (message is ValkeyMessage delivery)
            _handler(delivery);
    }
}
