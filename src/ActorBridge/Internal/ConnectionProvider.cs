using StackExchange.Redis;

namespace ActorBridge.Internal;

/// <summary>
/// Supplies the one <see cref="IConnectionMultiplexer"/> that the connection actor and the publisher actor of an
/// ActorSystem share: either one the host lends (never disposed here) or one created on first use from the
/// settings and disposed when the system terminates. Actors get it through <see cref="GetAsync"/> with PipeTo,
/// so none of them blocks while it connects.
/// </summary>
internal sealed class ConnectionProvider : IDisposable
{
    private readonly ValkeyPubSubSettings _settings;
    private readonly Lazy<Task<IConnectionMultiplexer>> _connection;
    private readonly bool _owned;

    public ConnectionProvider(ValkeyPubSubSettings settings, IConnectionMultiplexer? borrowed = null)
    {
        _settings = settings;
        _owned = borrowed is null;
        _connection = borrowed is null
            ? new Lazy<Task<IConnectionMultiplexer>>(ConnectAsync, LazyThreadSafetyMode.ExecutionAndPublication)
            : new Lazy<Task<IConnectionMultiplexer>>(Task.FromResult(borrowed));
    }

    /// <summary>Whether the bridge created the connection (and so disposes it) rather than borrowing the host's.</summary>
    public bool Owned => _owned;

    public Task<IConnectionMultiplexer> GetAsync() => _connection.Value;

    private async Task<IConnectionMultiplexer> ConnectAsync()
    {
        var options = CreateOptions(_settings);
        return await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
    }

    internal static ConfigurationOptions CreateOptions(ValkeyPubSubSettings settings)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(settings.ConnectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            // The parser's message may quote the string, and with it a password: keep only the safe part.
            throw new ValkeyBridgeException(
                "akka.valkey-bridge.connection-string is not a valid StackExchange.Redis configuration string; " +
                "use \"host:port[,option=value...]\", for example \"localhost:6379,password=secret\".");
        }

        if (options.EndPoints.Count == 0)
            throw new ValkeyBridgeException(
                "akka.valkey-bridge.connection-string names no endpoint; use \"host:port\", for example \"localhost:6379\".");

        // Keep retrying in the background instead of failing the whole system when the server is not up yet.
        options.AbortOnConnectFail = false;
        if (settings.Protocol is { } protocol)
            options.Protocol = protocol;
        if (settings.ClientName is { } name)
            options.ClientName = name;
        return options;
    }

    public void Dispose()
    {
        if (_owned && _connection.IsValueCreated)
            _ = DisposeWhenConnectedAsync(_connection.Value);
    }

    private static async Task DisposeWhenConnectedAsync(Task<IConnectionMultiplexer> connecting)
    {
        IConnectionMultiplexer connection;
        try
        {
            connection = await connecting.ConfigureAwait(false);
        }
        catch
        {
            return; // never connected: nothing to release
        }
        await connection.DisposeAsync().ConfigureAwait(false);
    }
}
