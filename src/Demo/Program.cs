using ActorBridge;
using ActorBridge.TestKit;
using Akka.Actor;
using Akka.Configuration;
using Demo;

// The Valkey "Getting Started with Pub/Sub" cookbook, as actors.
// Connects to VALKEY_URL when set, else starts a throwaway local valkey-server and stops it at the end.
ValkeyServer? ownServer = null;
try
{
    string connectionString;
    var url = Environment.GetEnvironmentVariable("VALKEY_URL");
    if (!string.IsNullOrWhiteSpace(url))
    {
        connectionString = ValkeyUrl.ToConfigurationString(url);
    }
    else
    {
        ownServer = await ValkeyServer.StartAsync();
        connectionString = ownServer.ConnectionString;
        Console.WriteLine($"(started a throwaway valkey-server on {connectionString}; set VALKEY_URL to use your own)");
    }

    var config = ConfigurationFactory.ParseString($$"""
        akka.loglevel = WARNING
        akka.valkey-bridge.connection-string = "{{connectionString.Replace("\"", "\\\"")}}"
        """);
    using var system = ActorSystem.Create("demo", config);
    await Tour.RunAsync(system);
    await system.Terminate();
    return 0;
}
catch (Exception e) when (e is InvalidOperationException or ArgumentException or ValkeyBridgeException or TimeoutException or AskTimeoutException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
finally
{
    if (ownServer is not null)
        await ownServer.DisposeAsync();
}
