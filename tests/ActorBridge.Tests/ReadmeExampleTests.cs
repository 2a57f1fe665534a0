// The README's "Testing your actors" example, kept compiling and passing here.
using ActorBridge;
using ActorBridge.TestKit;
using Akka.Actor;
using Akka.Configuration;
using Xunit;

namespace MyApp.Tests;

/// <summary>The user's actor under test: it publishes every prediction it makes.</summary>
public sealed class PredictionService : ReceiveActor
{
    public sealed record Predict(string Input);

    public PredictionService()
    {
        var publisher = ValkeyPubSub.Get(Context.System).Publisher;
        Receive<Predict>(request =>
            publisher.Tell(new Publish("ai:predictions", new { input = request.Input, prediction = "positive" }), Self));
        Receive<Published>(_ => { });
    }
}

/// <summary>One throwaway valkey-server for the test class.</summary>
public sealed class ValkeyFixture : IAsyncLifetime
{
    public ValkeyServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ValkeyServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class PredictionServiceTests(ValkeyFixture valkey)
    : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString(
        $"akka.valkey-bridge.connection-string = \"{valkey.Server.ConnectionString}\"")),
      IClassFixture<ValkeyFixture>
{
    [Fact]
    public async Task Publishes_each_prediction()
    {
        var subscriber = CreateTestProbe();
        await ValkeyPubSub.Get(Sys).Connection.Ask<SubscribeAck>(new Subscribe("ai:predictions", subscriber.Ref));

        var service = Sys.ActorOf(Props.Create<PredictionService>());
        service.Tell(new PredictionService.Predict("I love Valkey!"));

        var message = subscriber.ExpectMsg<ValkeyMessage>();
        Assert.Equal("positive", message.FromJson<PredictionEvent>()!.Prediction);
    }

    private sealed record PredictionEvent(string Input, string Prediction);
}
