using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Xunit;
using Xunit.Abstractions;

namespace ActorBridge.Tests;

/// <summary>A codec that proves the configured codec is the one used.</summary>
public sealed class TaggingCodec : IPayloadCodec
{
    public ReadOnlyMemory<byte> Encode(object payload) => Encoding.UTF8.GetBytes($"tagged:{payload}");
}

public sealed class SettingsTests(ValkeyServerFixture valkey, ITestOutputHelper output) : BridgeTestBase(valkey, output)
{
    [Fact]
    public void The_embedded_reference_config_supplies_every_default()
    {
        var settings = ValkeyPubSubSettings.Create(ValkeyPubSub.DefaultConfig());
        Assert.Equal("localhost:6379", settings.ConnectionString);
        Assert.Null(settings.Protocol);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.RouterPassivationGrace);
        Assert.Equal(1000, settings.MaxBatchSize);
        Assert.Equal(4, settings.MaxBatchesInFlight);
        Assert.IsType<SystemTextJsonPayloadCodec>(settings.PayloadCodec);
    }

    [Fact]
    public void Settings_describe_themselves_without_the_password()
    {
        var config = ConfigurationFactory.ParseString("""akka.valkey-bridge.connection-string = "h:1,user=app,password=hunter2" """)
            .WithFallback(ValkeyPubSub.DefaultConfig());
        var text = ValkeyPubSubSettings.Create(config).ToString();
        Assert.DoesNotContain("hunter2", text);
        Assert.Contains("password=***", text);
    }

    [Theory]
    [InlineData("akka.valkey-bridge.protocol = resp4", "protocol")]
    [InlineData("akka.valkey-bridge.publisher.max-batch-size = 0", "max-batch-size")]
    [InlineData("akka.valkey-bridge.publisher.max-batches-in-flight = 0", "max-batches-in-flight")]
    [InlineData("akka.valkey-bridge.router.passivation-grace = -1s", "passivation-grace")]
    [InlineData("""akka.valkey-bridge.payload-codec = "No.Such.Codec, Nowhere" """, "payload-codec")]
    [InlineData("""akka.valkey-bridge.payload-codec = "System.String" """, "does not implement")]
    public void Bad_settings_fail_at_start_with_the_key_named(string hocon, string expected)
    {
        var config = ConfigurationFactory.ParseString(hocon).WithFallback(ValkeyPubSub.DefaultConfig());
        var error = Assert.Throws<ConfigurationException>(() => ValkeyPubSubSettings.Create(config));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task The_configured_payload_codec_encodes_objects()
    {
        var config = BridgeConfig(Valkey.Server.ConnectionString,
            $"""akka.valkey-bridge.payload-codec = "{typeof(TaggingCodec).AssemblyQualifiedName}" """);
        var system = ActorSystem.Create("codec", config);
        try
        {
            var bridge = ValkeyPubSub.Get(system);
            var channel = UniqueChannel("codec");
            var probe = CreateTestProbe(system);
            await bridge.Connection.Ask<SubscribeAck>(new Subscribe(channel, probe.Ref), TimeSpan.FromSeconds(10));
            await bridge.Publisher.Ask<Published>(new Publish(channel, 42), TimeSpan.FromSeconds(10));
            await bridge.Publisher.Ask<Published>(new Publish(channel, "text is not encoded"), TimeSpan.FromSeconds(10));
            Assert.Equal("tagged:42", probe.ExpectMsg<ValkeyMessage>().Text);
            Assert.Equal("text is not encoded", probe.ExpectMsg<ValkeyMessage>().Text);
        }
        finally
        {
            await system.Terminate();
        }
    }
}
