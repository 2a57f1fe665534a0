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

    /// <summary>
    /// The last connection failure the client reported, worded without secrets, or null once connected again. Read
    /// by the publisher to say why a publish got no reply.
    /// </summary>
    public string? LastConnectionFailure => Volatile.Read(ref _lastConnectionFailure);

    private string? _lastConnectionFailure;

    /// <summary>
    /// Set while the last failure was the server refusing the credentials or the TLS handshake failing: retrying
    /// cannot help until the configuration changes, so requests are refused at once with this text.
    /// </summary>
    public string? CredentialsFailure => Volatile.Read(ref _credentialsFailure);

    private string? _credentialsFailure;

    private async Task<IConnectionMultiplexer> ConnectAsync()
    {
        var options = CreateOptions(_settings);
        IConnectionMultiplexer connection;
        try
        {
            // A first attempt that reports why it failed: the client's background reconnects only say "not connected".
            options.AbortOnConnectFail = true;
            connection = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        }
        catch (RedisConnectionException e)
        {
            RecordFailure(e.FailureType, e.InnerException ?? e);
            options.AbortOnConnectFail = false;
            connection = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        }

        connection.ConnectionFailed += (_, e) => RecordFailure(e.FailureType, e.Exception);
        connection.ConnectionRestored += (_, _) =>
        {
            Volatile.Write(ref _lastConnectionFailure, null);
            Volatile.Write(ref _credentialsFailure, null);
        };
        return connection;
    }

    private void RecordFailure(ConnectionFailureType type, Exception? exception)
    {
        var description = DescribeFailure(type, exception);
        Volatile.Write(ref _lastConnectionFailure, description);
        if (type == ConnectionFailureType.AuthenticationFailure)
            Volatile.Write(ref _credentialsFailure, $"ActorBridge cannot connect: {description}.");
    }

    /// <summary>Words a connection failure for a person: what went wrong and what to check, never a secret.</summary>
    internal static string DescribeFailure(ConnectionFailureType type, Exception? exception) => type switch
    {
        ConnectionFailureType.AuthenticationFailure when IsTls(exception) =>
            "the TLS handshake with Valkey failed (the server's certificate is not trusted, or does not name the host); " +
            "check akka.valkey-bridge.tls.ca-certificate and the sslHost option of the connection string",
        ConnectionFailureType.AuthenticationFailure =>
            "Valkey refused the credentials (AUTH failed); check the user and password in akka.valkey-bridge.connection-string",
        ConnectionFailureType.UnableToConnect or ConnectionFailureType.UnableToResolvePhysicalConnection =>
            "Valkey is unreachable; check the host and port, and that the server is running",
        _ => $"{type}: {FirstLine(exception?.Message)}",
    };

    private static bool IsTls(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is System.Security.Authentication.AuthenticationException)
                return true;
        }

        return false;
    }

    // The client's messages append pages of diagnostics after the first comma; the part before says what happened.
    private static string FirstLine(string? message) =>
        message is null ? "no detail" : message.Split('\n', 2)[0].Split(", ", 2)[0].Trim();

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
        if (settings.TlsCaCertificate is { } caCertificate)
            options.TrustIssuer(caCertificate);
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
