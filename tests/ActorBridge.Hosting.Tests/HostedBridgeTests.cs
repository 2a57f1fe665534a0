using Akka.Actor;
using Akka.Hosting;
using Xunit;

namespace ActorBridge.Hosting.Tests;

/// <summary>The bridge in an Akka.Hosting application, tested with Akka.Hosting.TestKit.</summary>
public sealed class HostedBridgeTests(ValkeyFixture valkey, ITestOutputHelper output)
    : Akka.Hosting.TestKit.TestKit(output: output), IClassFixture<ValkeyFixture>
{
    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) =>
        builder.WithValkeyPubSub(valkey.Server.ConnectionString);

    [Fact]
    public async Task Both_actors_resolve_from_the_registry_and_are_the_extension_s_actors()
    {
        var connection = await ActorRegistry.GetAsync<ValkeyConnectionActor>(TestContext.Current.CancellationToken);
        var publisher = await ActorRegistry.GetAsync<ValkeyPublisherActor>(TestContext.Current.CancellationToken);
        var required = (IRequiredActor<ValkeyConnectionActor>)Host.Services.GetService(typeof(IRequiredActor<ValkeyConnectionActor>))!;

        Assert.Equal(ValkeyPubSub.Get(Sys).Connection, connection);
        Assert.Equal(ValkeyPubSub.Get(Sys).Publisher, publisher);
        Assert.Equal(connection, await required.GetAsync(TestContext.Current.CancellationToken));

        var channel = $"hosted:{Guid.NewGuid():N}";
        var probe = CreateTestProbe();
        await connection.Ask<SubscribeAck>(new Subscribe(channel, probe.Ref), TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var published = await publisher.Ask<Published>(new Publish(channel, "hello from a hosted bridge"), TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(1, published.Receivers);
        Assert.Equal("hello from a hosted bridge", probe.ExpectMsg<ValkeyMessage>(cancellationToken: TestContext.Current.CancellationToken).Text);
    }

    [Fact]
    public void Unset_options_keep_the_reference_defaults()
    {
        var settings = ValkeyPubSub.Get(Sys).Settings;
        Assert.Equal(valkey.Server.ConnectionString, settings.ConnectionString);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.RouterPassivationGrace);
        Assert.Equal(1000, settings.MaxBatchSize);
    }
}
