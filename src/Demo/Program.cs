using ActorBridge;
using ActorBridge.TestKit;
using Akka.Actor;
using Akka.Configuration;
using Demo;

// The Valkey "Getting Started with Pub/Sub" cookbook, as actors, plus small commands to use beside other clients.
DemoArguments arguments;
try
{
    arguments = DemoArguments.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

if (arguments.Help)
{
    Console.WriteLine(DemoArguments.Usage);
    return 0;
}

ValkeyServer? ownServer = null;
ActorSystem? system = null;
try
{
    var url = arguments.Url ?? Environment.GetEnvironmentVariable("VALKEY_URL");
    string connectionString;
    if (!string.IsNullOrWhiteSpace(url))
    {
        connectionString = ValkeyUrl.ToConfigurationString(url);
    }
    else if (arguments.Command is "tour" or "llm-stream")
    {
        ownServer = await ValkeyServer.StartAsync();
        connectionString = ownServer.ConnectionString;
        Console.WriteLine($"(started a throwaway valkey-server on {connectionString}; set VALKEY_URL to use your own)");
    }
    else
    {
        connectionString = "127.0.0.1:6379";
    }

    system = ActorSystem.Create("demo", DemoConfig(connectionString));
    await EnsureConnectedAsync(system, connectionString);
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true; // end the command cleanly instead of killing the process
        stop.Cancel();
    };

    await (arguments.Command switch
    {
        "tour" => Tour.RunAsync(system),
        "publish" => Commands.PublishAsync(system, arguments.Arguments[0], arguments.Arguments[1]),
        "subscribe" => Commands.SubscribeAsync(system, arguments.Arguments, patterns: false, stop.Token),
        "psubscribe" => Commands.SubscribeAsync(system, arguments.Arguments, patterns: true, stop.Token),
        "channels" => Commands.ChannelsAsync(system, arguments.Arguments.FirstOrDefault()),
        "numsub" => Commands.NumSubAsync(system, arguments.Arguments),
        "llm-stream" => LlmStream.RunAsync(system, arguments.Rate),
        _ => throw new ArgumentException($"unknown command '{arguments.Command}'"),
    });
    return 0;
}
catch (Exception e) when (e is InvalidOperationException or ArgumentException or ValkeyBridgeException or TimeoutException or AskTimeoutException)
{
    Console.Error.WriteLine($"error: {FirstSentence(e.Message)}");
    return 1;
}
finally
{
    if (system is not null)
        await system.Terminate();
    if (ownServer is not null)
        await ownServer.DisposeAsync();
}

static Config DemoConfig(string connectionString)
{
    var file = Path.Combine(AppContext.BaseDirectory, "demo.conf");
    var demo = File.Exists(file) ? ConfigurationFactory.ParseString(File.ReadAllText(file)) : Config.Empty;
    var escaped = connectionString.Replace("\\", "\\\\").Replace("\"", "\\\"");
    return ConfigurationFactory.ParseString($"akka.valkey-bridge.connection-string = \"{escaped}\"").WithFallback(demo);
}

static async Task EnsureConnectedAsync(ActorSystem system, string connectionString)
{
    // The bridge keeps retrying in the background; a command-line tool should rather say so and stop.
    var status = await ValkeyPubSub.Get(system).Connection.Ask<ConnectionStatus>(new GetConnectionStatus(), TimeSpan.FromSeconds(30));
    if (!status.IsConnected)
        throw new InvalidOperationException($"cannot connect to Valkey at {string.Join(", ", status.Endpoints)}; is the server running, and are the address and password right?");
}

// Client errors can run to several sentences of diagnostics; the first says what went wrong.
static string FirstSentence(string message)
{
    var end = message.IndexOf(". ", StringComparison.Ordinal);
    return (end > 0 ? message[..(end + 1)] : message).ReplaceLineEndings(" ");
}
