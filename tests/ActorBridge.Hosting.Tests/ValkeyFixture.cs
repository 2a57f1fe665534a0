using ActorBridge.TestKit;
using StackExchange.Redis;
using Xunit;

namespace ActorBridge.Hosting.Tests;

/// <summary>One throwaway valkey-server per test class, plus a plain client to ask it what it sees.</summary>
public sealed class ValkeyFixture : IAsyncLifetime
{
    private ValkeyServer? _server;
    private ConnectionMultiplexer? _client;

    public ValkeyServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public ConnectionMultiplexer Client => _client ?? throw new InvalidOperationException("The server has not started.");

    public async ValueTask InitializeAsync()
    {
        _server = await ValkeyServer.StartAsync();
        _client = await ConnectionMultiplexer.ConnectAsync($"{_server.ConnectionString},allowAdmin=true");
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
            await _client.DisposeAsync();
        if (_server is not null)
            await _server.DisposeAsync();
    }

    /// <summary>The names of the clients connected to the server (CLIENT LIST).</summary>
    public async Task<string[]> ClientNamesAsync()
    {
        var list = (string)(await Client.GetDatabase().ExecuteAsync("CLIENT", "LIST"))!;
        return [.. list.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ').FirstOrDefault(f => f.StartsWith("name=", StringComparison.Ordinal))?[5..] ?? "")];
    }
}
