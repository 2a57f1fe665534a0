using ActorBridge.TestKit;
using StackExchange.Redis;
using Xunit;

namespace ActorBridge.Tests;

/// <summary>One throwaway valkey-server per test class, plus a plain StackExchange.Redis client to it.</summary>
public sealed class ValkeyServerFixture : IAsyncLifetime
{
    private ValkeyServer? _server;
    private ConnectionMultiplexer? _client;

    public ValkeyServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>A plain client, for interop and for asking the server what it sees.</summary>
    public ConnectionMultiplexer Client => _client ?? throw new InvalidOperationException("The server has not started.");

    public async Task InitializeAsync()
    {
        _server = await ValkeyServer.StartAsync();
        _client = await ConnectionMultiplexer.ConnectAsync(_server.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
            await _client.DisposeAsync();
        if (_server is not null)
            await _server.DisposeAsync();
    }

    public async Task<long> NumSubAsync(string channel)
    {
        var reply = (RedisResult[])(await Client.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", channel))!;
        return (long)reply[1];
    }

    public async Task<long> NumPatAsync() =>
        (long)await Client.GetDatabase().ExecuteAsync("PUBSUB", "NUMPAT");

    public async Task<string[]> ChannelsAsync(string pattern)
    {
        var reply = (RedisResult[])(await Client.GetDatabase().ExecuteAsync("PUBSUB", "CHANNELS", pattern))!;
        return [.. reply.Select(r => (string)r!)];
    }
}
