using StackExchange.Redis;

namespace ActorBridge.Internal;

// Completions of asynchronous client calls, piped back to the actor that made them.

/// <summary>The shared connection is ready (it may still be reconnecting in the background).</summary>
internal sealed record ConnectionReady(IConnectionMultiplexer Connection);

/// <summary>The shared connection could not be created at all (for example a malformed connection string).</summary>
internal sealed record ConnectionUnavailable(Exception Cause);

/// <summary>The server confirmed the subscription of <see cref="Entry"/>.</summary>
internal sealed record ServerSubscribed(RouterEntry Entry, ChannelMessageQueue Queue);

/// <summary>The server subscription of <see cref="Entry"/> failed.</summary>
internal sealed record ServerSubscribeFailed(RouterEntry Entry, Exception Cause);

/// <summary>The server subscription of <see cref="Entry"/> was released (<see cref="Cause"/> is set if that failed).</summary>
internal sealed record ServerUnsubscribed(RouterEntry Entry, Exception? Cause);

/// <summary>The client reported a connection failing (<see cref="Failed"/>) or being restored (sent from the client's event threads).</summary>
internal sealed record ConnectionEvent(bool Failed, ConnectionType ConnectionType, ConnectionFailureType FailureType, string Description);

/// <summary>Connection actor to itself, periodically: compare the client's connection state with the last one seen.</summary>
internal sealed record CheckConnection
{
    public static readonly CheckConnection Instance = new();
}

/// <summary>The result of checking the server's subscriptions against the connection actor's own state after a reconnect.</summary>
internal sealed record ReconcileResult(IReadOnlyList<string> MissingChannels, bool PatternsMissing, string? Failure = null);

/// <summary>Connection actor to itself, a moment after a reconnect: check the server's subscriptions.</summary>
internal sealed record ReconcileNow;
