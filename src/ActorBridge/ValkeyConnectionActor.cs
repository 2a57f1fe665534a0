using ActorBridge.Internal;
using Akka.Actor;
using Akka.Event;
using StackExchange.Redis;

namespace ActorBridge;

/// <summary>
/// The one actor per ActorSystem that owns the subscriber side of the Valkey connection and the authoritative
/// subscription state. It alone issues SUBSCRIBE / PSUBSCRIBE / UNSUBSCRIBE / PUNSUBSCRIBE: one server
/// subscription per channel or pattern, however many local actors subscribe. Each channel and pattern has a router
/// child that holds the local subscribers and fans incoming messages out to them.
/// </summary>
/// <remarks>
/// Requests: <see cref="Subscribe"/>, <see cref="Unsubscribe"/>, <see cref="PatternSubscribe"/>,
/// <see cref="PatternUnsubscribe"/>, <see cref="GetChannels"/>, <see cref="GetSubscriberCounts"/>,
/// <see cref="GetPatternCount"/> and <see cref="GetLocalSubscriptions"/>. Obtain it with
/// <c>ValkeyPubSub.Get(system).Connection</c>.
/// </remarks>
public sealed class ValkeyConnectionActor : ReceiveActor, IWithUnboundedStash, IWithTimers
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ReconcileDelay = TimeSpan.FromSeconds(1);
    private static readonly RedisChannel ProbeChannel = RedisChannel.Literal("actorbridge:probe");

    private readonly ValkeyPubSubSettings _settings;
    private readonly ConnectionProvider _connectionProvider;
    private readonly BridgeMetrics _metrics;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<SubscriptionKey, RouterEntry> _entries = [];
    private readonly Dictionary<IActorRef, RouterEntry> _entriesByRouter = [];
    private readonly RouterSettings _routerSettings;
    private long _routerSequence;
    private IConnectionMultiplexer? _connection;
    private ISubscriber _subscriber = null!;
    private IDatabase _database = null!;
    private bool _connected;
    private bool _everConnected;
    private string? _authenticationFailure;
    private EventHandler<ConnectionFailedEventArgs>? _onConnectionFailed;
    private EventHandler<ConnectionFailedEventArgs>? _onConnectionRestored;

    internal ValkeyConnectionActor(ValkeyPubSubSettings settings, ConnectionProvider connectionProvider, BridgeMetrics metrics)
    {
        _settings = settings;
        _connectionProvider = connectionProvider;
        _metrics = metrics;
        _routerSettings = new RouterSettings(settings.RouterPassivationGrace, settings.SubscriberBufferSize, settings.SubscriberOverflow);
        Connecting();
    }

    /// <inheritdoc />
    public IStash Stash { get; set; } = null!;

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    internal static Props Props(ValkeyPubSubSettings settings, ConnectionProvider connectionProvider, BridgeMetrics metrics) =>
        FactoryProducer<ValkeyConnectionActor>.Props(() => new ValkeyConnectionActor(settings, connectionProvider, metrics));

    /// <inheritdoc />
    protected override void PreStart() =>
        _connectionProvider.GetAsync().PipeTo(Self,
            success: connection => new ConnectionReady(connection),
            failure: cause => new ConnectionUnavailable(cause));

    /// <inheritdoc />
    protected override void PostStop()
    {
        if (_connection is not null)
        {
            // A borrowed connection outlives this actor: leave no handler behind on it.
            _connection.ConnectionFailed -= _onConnectionFailed;
            _connection.ConnectionRestored -= _onConnectionRestored;
        }

        if (_connected)
            _metrics.ConnectionDown();
        foreach (var entry in _entries.Values)
            _metrics.RouterStopped(entry.Key.Kind);
    }

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() =>
        // A router holds its subscribers in memory; a restart would lose them silently.
        new OneForOneStrategy(_ => Directive.Resume);

    private void Connecting()
    {
        Receive<ConnectionReady>(ready =>
        {
            _connection = ready.Connection;
            _subscriber = ready.Connection.GetSubscriber();
            _database = ready.Connection.GetDatabase();
            // Client events arrive on the client's threads: hand them to the actor, touch no state there.
            var self = Self;
            _onConnectionFailed = (_, e) => self.Tell(new ConnectionEvent(true, e.ConnectionType, e.FailureType,
                ConnectionProvider.DescribeFailure(e.FailureType, e.Exception)));
            _onConnectionRestored = (_, e) => self.Tell(new ConnectionEvent(false, e.ConnectionType, e.FailureType, "restored"));
            ready.Connection.ConnectionFailed += _onConnectionFailed;
            ready.Connection.ConnectionRestored += _onConnectionRestored;
            // Events can be missed (or come per socket); a cheap periodic look keeps the state right regardless.
            Timers.StartPeriodicTimer(nameof(CheckConnection), CheckConnection.Instance, CheckInterval);
            if (IsUp())
                UpdateConnected(true, "");
            else if (_connectionProvider.CredentialsFailure is { } refused)
                OnAuthenticationFailed(refused);
            else
                _log.Warning("ActorBridge could not connect to Valkey at {0} yet ({1}); the client keeps trying in the background",
                    Endpoints(), _connectionProvider.LastConnectionFailure ?? "no detail");
            Become(Ready);
            Stash.UnstashAll();
        });
        Receive<ConnectionUnavailable>(unavailable =>
        {
            _log.Error("ActorBridge cannot create its Valkey connection: {0}", unavailable.Cause.Message);
            Become(() => Unavailable(unavailable.Cause));
            Stash.UnstashAll();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private void Unavailable(Exception cause)
    {
        ReceiveAny(_ => Sender.Tell(new Status.Failure(new ValkeyBridgeException(
            $"ActorBridge has no Valkey connection: {cause.Message}", cause))));
    }

    private void Ready()
    {
        Receive<Subscribe>(request => OnSubscriptionRequest(nameof(Subscribe), SubscriptionKind.Channel, request.Channel, request.Subscriber,
            replyTo => new AddSubscriber(request.Subscriber, new SubscribeAck(request), replyTo)));
        Receive<Unsubscribe>(request => OnSubscriptionRequest(nameof(Unsubscribe), SubscriptionKind.Channel, request.Channel, request.Subscriber,
            replyTo => new RemoveSubscriber(request.Subscriber, new UnsubscribeAck(request), replyTo)));
        Receive<PatternSubscribe>(request => OnSubscriptionRequest(nameof(PatternSubscribe), SubscriptionKind.Pattern, request.Pattern, request.Subscriber,
            replyTo => new AddSubscriber(request.Subscriber, new PatternSubscribeAck(request), replyTo)));
        Receive<PatternUnsubscribe>(request => OnSubscriptionRequest(nameof(PatternUnsubscribe), SubscriptionKind.Pattern, request.Pattern, request.Subscriber,
            replyTo => new RemoveSubscriber(request.Subscriber, new PatternUnsubscribeAck(request), replyTo)));

        Receive<ServerSubscribed>(OnServerSubscribed);
        Receive<ServerSubscribeFailed>(OnServerSubscribeFailed);
        Receive<RouterIdle>(_ => OnRouterIdle(Sender));
        Receive<RouterBusy>(_ => OnRouterBusy(Sender));
        Receive<IdleConfirmed>(_ => OnIdleConfirmed(Sender));
        Receive<ServerUnsubscribed>(OnServerUnsubscribed);
        Receive<Terminated>(terminated => OnRouterTerminated(terminated.ActorRef));

        Receive<ConnectionEvent>(OnConnectionEvent);
        Receive<CheckConnection>(_ => UpdateConnected(IsUp(), "the client reports the connection down"));
        Receive<ReconcileResult>(OnReconcileResult);
        Receive<ReconcileNow>(_ => Reconcile());
        Receive<GetConnectionStatus>(_ => Sender.Tell(new ConnectionStatus(_connected,
            [.. _connection!.GetEndPoints().Select(endpoint => endpoint.ToString() ?? "")])));
        Receive<GetChannels>(OnGetChannels);
        Receive<GetSubscriberCounts>(OnGetSubscriberCounts);
        Receive<GetPatternCount>(_ => Introspect("PUBSUB NUMPAT", ["NUMPAT"], result => new PatternCount((long)result)));
        Receive<GetLocalSubscriptions>(_ => Sender.Tell(new LocalSubscriptions(
            [.. _entries.Keys.Where(k => k.Kind == SubscriptionKind.Channel).Select(k => k.Name)],
            [.. _entries.Keys.Where(k => k.Kind == SubscriptionKind.Pattern).Select(k => k.Name)])));
    }

    private bool IsUp() => _connection!.IsConnected && _subscriber.IsConnected(ProbeChannel);

    private string Endpoints() => string.Join(", ", _connection!.GetEndPoints().Select(e => e.ToString()));

    private void OnConnectionEvent(ConnectionEvent e)
    {
        var reason = $"{e.Description} ({e.ConnectionType} connection)";
        if (e.Failed)
        {
            if (e.FailureType == ConnectionFailureType.AuthenticationFailure)
                OnAuthenticationFailed($"ActorBridge cannot connect: {e.Description}.");
            // A socket failed, so messages may have been missed even if the client has already reconnected by now:
            // report the gap either way.
            UpdateConnected(false, reason);
        }

        UpdateConnected(IsUp(), reason);
    }

    private void UpdateConnected(bool connected, string reason)
    {
        if (connected == _connected)
        {
            if (connected)
                RetryAwaitingSubscriptions();
            return; // the same state again (RESP2 has two sockets, each reporting): log once per change
        }

        _connected = connected;
        if (connected)
        {
            _authenticationFailure = null;
            _log.Info("ActorBridge connected to Valkey at {0}", Endpoints());
            _metrics.ConnectionUp();
            RetryAwaitingSubscriptions();
            if (_everConnected)
            {
                Notify(new ConnectionRestored());
                Timers.StartSingleTimer(nameof(Reconcile), new ReconcileNow(), ReconcileDelay);
            }

            _everConnected = true;
        }
        else
        {
            _log.Warning("ActorBridge lost its connection to Valkey at {0} ({1}); the client keeps reconnecting in the background", Endpoints(), reason);
            _metrics.ConnectionDown();
            Notify(new ConnectionLost(reason));
        }
    }

    private void Notify(object notice)
    {
        foreach (var entry in _entries.Values)
            entry.Router.Tell(notice);
        Context.System.EventStream.Publish(notice);
    }

    private void OnAuthenticationFailed(string failure)
    {
        if (_authenticationFailure is not null)
            return;
        _authenticationFailure = failure;
        _log.Error("{0} Subscription requests are answered with a failure until a connection succeeds.", _authenticationFailure);
        var error = new ValkeyBridgeException(_authenticationFailure);
        foreach (var entry in _entries.Values.Where(e => e.AwaitingConnection).ToList())
        {
            FailPending(entry, error);
            RemoveEntry(entry);
        }
    }

    private void RetryAwaitingSubscriptions()
    {
        foreach (var entry in _entries.Values.Where(e => e.AwaitingConnection).ToList())
            SubscribeOnServer(entry);
    }

    /// <summary>
    /// After a reconnect the client re-subscribes on its own; the connection actor's state is what counts, so it
    /// checks the server against it and makes again whatever is missing.
    /// </summary>
    private void Reconcile()
    {
        var channels = _entries.Values.Where(e => e is { State: RouterState.Active, Key.Kind: SubscriptionKind.Channel }).Select(e => e.Key.Name).ToList();
        var patterns = _entries.Values.Count(e => e is { State: RouterState.Active, Key.Kind: SubscriptionKind.Pattern });
        if (channels.Count == 0 && patterns == 0)
            return;
        ReconcileAsync(_database, channels, patterns).PipeTo(Self,
            failure: cause => new ReconcileResult([], false, cause.Message));
    }

    private static async Task<ReconcileResult> ReconcileAsync(IDatabase database, List<string> channels, int patterns)
    {
        var missing = new List<string>();
        foreach (var chunk in channels.Chunk(500))
        {
            var reply = (RedisResult[])(await database.ExecuteAsync("PUBSUB", ["NUMSUB", .. chunk]).ConfigureAwait(false))!;
            for (var i = 0; i + 1 < reply.Length; i += 2)
            {
                if ((long)reply[i + 1] == 0)
                    missing.Add((string)reply[i]!);
            }
        }

        var patternsOnServer = patterns == 0 ? 0 : (long)await database.ExecuteAsync("PUBSUB", "NUMPAT").ConfigureAwait(false);
        return new ReconcileResult(missing, patternsOnServer < patterns);
    }

    private void OnReconcileResult(ReconcileResult result)
    {
        if (result.Failure is not null)
            _log.Warning("Checking the subscriptions after a reconnect failed: {0}", result.Failure);

        var repair = result.MissingChannels.Select(name => new SubscriptionKey(SubscriptionKind.Channel, name))
            .Concat(result.PatternsMissing ? _entries.Keys.Where(k => k.Kind == SubscriptionKind.Pattern) : [])
            .Select(key => _entries.GetValueOrDefault(key))
            .OfType<RouterEntry>()
            .Where(entry => entry.State == RouterState.Active)
            .ToList();
        foreach (var entry in repair)
        {
            _log.Warning("The server lost the subscription of {0} in the reconnect; making it again", entry.Key);
            entry.Queue?.UnsubscribeAsync(CommandFlags.FireAndForget);
            entry.Queue = null;
            SubscribeOnServer(entry);
        }
    }

    private void OnSubscriptionRequest(string requestName, SubscriptionKind kind, string? name, IActorRef? subscriber, Func<IActorRef, object> toCommand)
    {
        var nameField = kind == SubscriptionKind.Channel ? "Channel" : "Pattern";
        var error = Validation.CheckName(name, $"{requestName}.{nameField}", nameField.ToLowerInvariant())
            ?? Validation.CheckSubscriber(subscriber, requestName);
        if (error is not null)
            Sender.Tell(new Status.Failure(error));
        else
            Route(new SubscriptionKey(kind, name!), toCommand(Sender));
    }

    private void Route(SubscriptionKey key, object request)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if (entry.State == RouterState.Active)
                entry.Router.Tell(request);
            else
                entry.Pending.Enqueue(request);
            return;
        }

        if (request is RemoveSubscriber remove)
        {
            // Nothing to leave: unsubscribing is idempotent.
            remove.ReplyTo.Tell(remove.Ack);
            return;
        }

        if (!_connected && _authenticationFailure is not null && request is AddSubscriber refused)
        {
            refused.ReplyTo.Tell(new Status.Failure(new ValkeyBridgeException(_authenticationFailure)));
            return;
        }

        var router = Context.ActorOf(
            SubscriptionRouterActor.Props(key, _routerSettings, _metrics),
            // Channel names are arbitrary text; they never become actor names.
            $"{(key.Kind == SubscriptionKind.Channel ? "channel" : "pattern")}-{++_routerSequence}");
        Context.Watch(router);
        _metrics.RouterStarted(key.Kind);
        entry = new RouterEntry(key, router);
        entry.Pending.Enqueue(request);
        _entries.Add(key, entry);
        _entriesByRouter.Add(router, entry);
        SubscribeOnServer(entry);
    }

    private void SubscribeOnServer(RouterEntry entry)
    {
        entry.State = RouterState.Subscribing;
        entry.AwaitingConnection = !_connected;
        if (entry.AwaitingConnection)
            return; // made when the connection is up; the requests wait in the entry meanwhile
        _subscriber.SubscribeAsync(entry.ServerChannel).PipeTo(Self,
            success: queue => new ServerSubscribed(entry, queue),
            failure: cause => new ServerSubscribeFailed(entry, cause));
    }

    private void OnServerSubscribed(ServerSubscribed subscribed)
    {
        var entry = subscribed.Entry;
        if (!IsCurrent(entry) || entry.State != RouterState.Subscribing)
        {
            // The router went away while the server confirmed: release what nobody will read.
            subscribed.Queue.UnsubscribeAsync(CommandFlags.FireAndForget);
            return;
        }

        entry.Queue = subscribed.Queue;
        entry.DeliverTo = entry.Router;
        subscribed.Queue.OnMessage(CreateDeliveryHandler(entry));
        entry.State = RouterState.Active;
        _log.Debug("Subscribed to {0}", entry.Key);
        FlushPending(entry);
    }

    private void OnServerSubscribeFailed(ServerSubscribeFailed failed)
    {
        var entry = failed.Entry;
        if (!IsCurrent(entry))
            return;

        var verb = entry.Key.Kind == SubscriptionKind.Channel ? "SUBSCRIBE" : "PSUBSCRIBE";
        if (failed.Cause is RedisConnectionException or RedisTimeoutException or TimeoutException && _authenticationFailure is null)
        {
            // The connection, not the request, failed: keep the requests and try again once it is up.
            _log.Debug("{0} to {1} did not go through ({2}); trying again when connected", verb, entry.Key, failed.Cause.Message);
            entry.AwaitingConnection = true;
            return;
        }

        _log.Warning("{0} to {1} failed: {2}", verb, entry.Key, failed.Cause.Message);
        var error = new ValkeyBridgeException(
            $"{verb} to {entry.Key} failed: {failed.Cause.Message}. The subscription was not made; check that the " +
            "server is reachable and that the user may read this channel, then send the request again.", failed.Cause);
        FailPending(entry, error);
        RemoveEntry(entry);
    }

    private void OnRouterIdle(IActorRef router)
    {
        if (_entriesByRouter.TryGetValue(router, out var entry) && entry.State == RouterState.Active && entry.Pending.Count == 0)
        {
            entry.State = RouterState.Passivating;
            router.Tell(ConfirmIdle.Instance);
        }
    }

    private void OnRouterBusy(IActorRef router)
    {
        if (_entriesByRouter.TryGetValue(router, out var entry) && entry.State == RouterState.Passivating)
        {
            entry.State = RouterState.Active;
            FlushPending(entry);
        }
    }

    private void OnIdleConfirmed(IActorRef router)
    {
        if (!_entriesByRouter.TryGetValue(router, out var entry) || entry.State != RouterState.Passivating)
            return;

        entry.State = RouterState.Unsubscribing;
        entry.DeliverTo = null;
        var queue = entry.Queue;
        entry.Queue = null;
        if (queue is null)
        {
            Self.Tell(new ServerUnsubscribed(entry, null));
            return;
        }

        // Unsubscribe this queue only: a plain Unsubscribe(channel) would drop every handler on the multiplexer.
        queue.UnsubscribeAsync().PipeTo(Self,
            success: () => new ServerUnsubscribed(entry, null),
            failure: cause => new ServerUnsubscribed(entry, cause));
    }

    private void OnServerUnsubscribed(ServerUnsubscribed unsubscribed)
    {
        var entry = unsubscribed.Entry;
        if (!IsCurrent(entry) || entry.State != RouterState.Unsubscribing)
            return;

        if (unsubscribed.Cause is { } cause)
            _log.Warning("Releasing the server subscription of {0} failed: {1}", entry.Key, cause.Message);

        if (entry.Pending.Count > 0)
        {
            // Someone subscribed while the subscription was being released: make it again, same router.
            SubscribeOnServer(entry);
            return;
        }

        _log.Debug("Released {0}", entry.Key);
        RemoveEntry(entry);
    }

    private void OnRouterTerminated(IActorRef router)
    {
        if (!_entriesByRouter.TryGetValue(router, out var entry))
            return;

        // Routers are only stopped by RemoveEntry, which forgets them first; this one was stopped by someone else.
        _log.Warning("Router of {0} stopped unexpectedly; releasing its server subscription", entry.Key);
        entry.DeliverTo = null;
        entry.Queue?.UnsubscribeAsync(CommandFlags.FireAndForget);
        FailPending(entry, new ValkeyBridgeException($"The router of {entry.Key} stopped unexpectedly; send the request again."));
        _metrics.RouterStopped(entry.Key.Kind);
        _entries.Remove(entry.Key);
        _entriesByRouter.Remove(router);
    }

    private void FlushPending(RouterEntry entry)
    {
        while (entry.State == RouterState.Active && entry.Pending.TryDequeue(out var request))
            entry.Router.Tell(request);
    }

    private static void FailPending(RouterEntry entry, Exception error)
    {
        while (entry.Pending.TryDequeue(out var request))
        {
            switch (request)
            {
                case AddSubscriber add:
                    add.ReplyTo.Tell(new Status.Failure(error));
                    break;
                case RemoveSubscriber remove:
                    // The subscriber is not subscribed, so the unsubscribe holds.
                    remove.ReplyTo.Tell(remove.Ack);
                    break;
            }
        }
    }

    private void RemoveEntry(RouterEntry entry)
    {
        _metrics.RouterStopped(entry.Key.Kind);
        _entries.Remove(entry.Key);
        _entriesByRouter.Remove(entry.Router);
        Context.Unwatch(entry.Router);
        Context.Stop(entry.Router);
    }

    private bool IsCurrent(RouterEntry entry) =>
        _entries.TryGetValue(entry.Key, out var current) && ReferenceEquals(current, entry);

    private Action<ChannelMessage> CreateDeliveryHandler(RouterEntry entry)
    {
        // Runs on the client library's delivery loop, one message at a time and in order: no actor state here.
        var metrics = _metrics;
        var name = entry.Key.Name;
        var exact = entry.Key.Kind == SubscriptionKind.Channel;
        return message =>
        {
            metrics.Received();
            var router = entry.DeliverTo;
            if (router is null)
            {
                metrics.Dropped();
                return;
            }

            var delivery = exact
                ? new ValkeyMessage(name, null, (byte[]?)message.Message ?? [])
                : new ValkeyMessage(message.Channel.ToString(), name, (byte[]?)message.Message ?? []);
            router.Tell(delivery, ActorRefs.NoSender);
        };
    }

    private void OnGetChannels(GetChannels request)
    {
        if (request.Pattern is { } pattern && Validation.CheckName(pattern, "GetChannels.Pattern", "pattern") is { } error)
        {
            Sender.Tell(new Status.Failure(error));
            return;
        }

        object[] arguments = request.Pattern is null ? ["CHANNELS"] : ["CHANNELS", request.Pattern];
        Introspect("PUBSUB CHANNELS", arguments, result =>
            new Channels([.. ((RedisResult[])result!).Select(name => (string)name!)]));
    }

    private void OnGetSubscriberCounts(GetSubscriberCounts request)
    {
        if (request.Channels is null)
        {
            Sender.Tell(new Status.Failure(new ArgumentException(
                "GetSubscriberCounts.Channels is null; pass the list of channel names to count.")));
            return;
        }

        foreach (var channel in request.Channels)
        {
            if (Validation.CheckName(channel, "GetSubscriberCounts.Channels", "channel") is { } error)
            {
                Sender.Tell(new Status.Failure(error));
                return;
            }
        }

        if (request.Channels.Count == 0)
        {
            Sender.Tell(new SubscriberCounts(new Dictionary<string, long>()));
            return;
        }

        object[] arguments = ["NUMSUB", .. request.Channels];
        Introspect("PUBSUB NUMSUB", arguments, result =>
        {
            // The reply alternates channel name and count.
            var items = (RedisResult[])result!;
            var counts = new Dictionary<string, long>(items.Length / 2);
            for (var i = 0; i + 1 < items.Length; i += 2)
                counts[(string)items[i]!] = (long)items[i + 1];
            return new SubscriberCounts(counts);
        });
    }

    private void Introspect(string command, object[] arguments, Func<RedisResult, object> toAnswer)
    {
        _database.ExecuteAsync("PUBSUB", arguments).PipeTo(Sender,
            success: result =>
            {
                try
                {
                    return toAnswer(result);
                }
                catch (Exception e) when (e is InvalidCastException or InvalidOperationException or IndexOutOfRangeException)
                {
                    // Every request gets an answer, even a reply of an unexpected shape.
                    return new Status.Failure(new ValkeyBridgeException($"{command} returned a reply ActorBridge could not read: {e.Message}", e));
                }
            },
            failure: cause => new Status.Failure(new ValkeyBridgeException(
                $"{command} failed: {cause.Message}. Check that the server is reachable, then ask again.", cause)));
    }
}
