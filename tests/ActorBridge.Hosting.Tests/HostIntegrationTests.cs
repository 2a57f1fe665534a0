using System.Text;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using Xunit;

namespace ActorBridge.Hosting.Tests;

/// <summary>Whole hosts, started and stopped by the test: configuration binding, borrowed connections, health.</summary>
public sealed class HostIntegrationTests(ValkeyFixture valkey) : IClassFixture<ValkeyFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public void Options_render_only_the_keys_that_are_set()
    {
        var config = new ValkeyPubSubOptions { MaxBatchSize = 5, RouterPassivationGrace = TimeSpan.FromMilliseconds(1500) }.ToConfig();
        Assert.Equal(5, config.GetInt("akka.valkey-bridge.publisher.max-batch-size"));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), config.GetTimeSpan("akka.valkey-bridge.router.passivation-grace"));
        Assert.False(config.HasPath("akka.valkey-bridge.connection-string"));
        Assert.False(config.HasPath("akka.valkey-bridge.publisher.max-batches-in-flight"));
        Assert.True(new ValkeyPubSubOptions().ToConfig().IsEmpty);
    }

    [Fact]
    public async Task Options_bind_from_json_configuration_and_environment_style_keys()
    {
        var json = $$"""{ "ActorBridge": { "ConnectionString": "{{valkey.Server.ConnectionString}}", "RouterPassivationGrace": "00:00:07", "MaxBatchSize": 64 } }""";
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ActorBridge:MaxBatchesInFlight"] = "3" }) // as ActorBridge__MaxBatchesInFlight would
            .Build();

        using var host = await StartHostAsync(builder => builder.WithValkeyPubSub(configuration.GetSection("ActorBridge")));
        var settings = ValkeyPubSub.Get(host.Services.GetRequiredService<ActorSystem>()).Settings;
        Assert.Equal(valkey.Server.ConnectionString, settings.ConnectionString);
        Assert.Equal(TimeSpan.FromSeconds(7), settings.RouterPassivationGrace);
        Assert.Equal(64, settings.MaxBatchSize);
        Assert.Equal(3, settings.MaxBatchesInFlight);
        await host.StopAsync(Cancel);
    }

    [Fact]
    public void Options_bind_from_environment_variables()
    {
        var prefix = $"ABTEST{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable($"{prefix}ActorBridge__ConnectionString", valkey.Server.ConnectionString);
        Environment.SetEnvironmentVariable($"{prefix}ActorBridge__Protocol", "resp2");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();
            var options = new ValkeyPubSubOptions();
            configuration.GetSection("ActorBridge").Bind(options);
            Assert.Equal(valkey.Server.ConnectionString, options.ConnectionString);
            Assert.Equal("resp2", options.Protocol);
            Assert.Equal("resp2", options.ToConfig().GetString("akka.valkey-bridge.protocol"));
        }
        finally
        {
            Environment.SetEnvironmentVariable($"{prefix}ActorBridge__ConnectionString", null);
            Environment.SetEnvironmentVariable($"{prefix}ActorBridge__Protocol", null);
        }
    }

    [Fact]
    public async Task A_borrowed_connection_is_used_and_never_disposed()
    {
        await using var shared = await ConnectionMultiplexer.ConnectAsync($"{valkey.Server.ConnectionString},name=host-owned-{Guid.NewGuid():N}");
        var channel = $"borrowed:{Guid.NewGuid():N}";
        using (var host = await StartHostAsync(builder => builder.WithValkeyPubSub(options => options.Connection = shared)))
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var bridge = ValkeyPubSub.Get(system);
            var inbox = Inbox.Create(system);
            await bridge.Connection.Ask<SubscribeAck>(new Subscribe(channel, inbox.Receiver), TimeSpan.FromSeconds(10), Cancel);
            // The subscription lives on the host's connection: a publish through it reaches the bridge subscriber.
            Assert.Equal(1, await shared.GetSubscriber().PublishAsync(RedisChannel.Literal(channel), "via the shared connection"));
            var message = (ValkeyMessage)await inbox.ReceiveAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("via the shared connection", message.Text);
            await host.StopAsync(Cancel);
        }

        Assert.True(shared.IsConnected);
        Assert.True(await shared.GetDatabase().PingAsync() < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task An_owned_connection_is_closed_when_the_host_stops()
    {
        var name = $"owned-{Guid.NewGuid():N}";
        var host = await StartHostAsync(builder => builder.WithValkeyPubSub(options =>
        {
            options.ConnectionString = valkey.Server.ConnectionString;
            options.ClientName = name;
        }));
        var bridge = ValkeyPubSub.Get(host.Services.GetRequiredService<ActorSystem>());
        await bridge.Publisher.Ask<Published>(new Publish("owned:x", "x"), TimeSpan.FromSeconds(10), Cancel);
        Assert.Contains(name, await valkey.ClientNamesAsync());

        await host.StopAsync(Cancel);
        host.Dispose();
        await WaitUntilAsync(async () => !(await valkey.ClientNamesAsync()).Contains(name));
    }

    [Fact]
    public async Task The_health_check_reports_healthy_when_connected_and_unhealthy_when_not()
    {
        using (var host = await StartHostAsync(builder => builder.WithValkeyPubSub(valkey.Server.ConnectionString)))
        {
            var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Cancel);
            var entry = report.Entries[AkkaConfigurationBuilderExtensions.HealthCheckName];
            Assert.Equal(HealthStatus.Healthy, entry.Status);
            Assert.Contains(valkey.Server.ConnectionString.Split(':')[1], entry.Description);
            await host.StopAsync(Cancel);
        }

        // Nothing listens on port 1 of the loopback address.
        using (var host = await StartHostAsync(builder => builder.WithValkeyPubSub("127.0.0.1:1,connectTimeout=500")))
        {
            var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Cancel);
            Assert.Equal(HealthStatus.Unhealthy, report.Entries[AkkaConfigurationBuilderExtensions.HealthCheckName].Status);
            await host.StopAsync(Cancel);
        }
    }

    private static async Task<IHost> StartHostAsync(Action<AkkaConfigurationBuilder> configure)
    {
        var host = new HostBuilder()
            .ConfigureServices(services =>
            {
                services.AddHealthChecks();
                services.AddAkka($"hosted-{Guid.NewGuid():N}", builder =>
                {
                    builder.AddHocon("akka.loglevel = WARNING", HoconAddMode.Prepend);
                    configure(builder);
                });
            })
            .Build();
        await host.StartAsync(Cancel);
        return host;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("The condition did not hold within 10 s.");
            await Task.Delay(50, Cancel);
        }
    }
}
