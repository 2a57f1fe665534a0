using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.Event;
using Akka.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorBridge.Tests;

public sealed class ObservabilityTests(ValkeyServerFixture valkey, ITestOutputHelper output) : BridgeTestBase(valkey, output)
{
    [Fact]
    public void Metrics_count_published_delivered_batches_routers_and_connection_for_this_system()
    {
        using var metrics = new MetricsRecorder(Sys.Name);
        var channel = UniqueChannel("metrics");
        var subscribers = new[] { CreateTestProbe(), CreateTestProbe(), CreateTestProbe() };
        foreach (var subscriber in subscribers)
            SubscribeAndAwaitAck(channel, subscriber.Ref);
        PatternSubscribeAndAwaitAck($"{channel}*", subscribers[0].Ref);

        for (var i = 0; i < 10; i++)
            PublishAndAwait(channel, $"m{i}");
        foreach (var subscriber in subscribers)
            subscriber.ReceiveN(subscriber == subscribers[0] ? 20 : 10);
        Bridge.Publisher.Tell(new Publish(channel, null!), TestActor);
        ExpectMsg<Status.Failure>();

        AwaitAssert(() =>
        {
            Assert.Equal(10, metrics.Sum("actorbridge.messages.published"));
            Assert.Equal(1, metrics.Sum("actorbridge.messages.publish_failed"));
            Assert.Equal(20, metrics.Sum("actorbridge.messages.received")); // once exact, once by pattern
            Assert.Equal(40, metrics.Sum("actorbridge.messages.delivered")); // 3 exact subscribers + 1 pattern subscriber
            Assert.Equal(10, metrics.Sum("actorbridge.publish.batch_size"));
            Assert.Equal(1, metrics.Sum("actorbridge.routers.active", "channel"));
            Assert.Equal(1, metrics.Sum("actorbridge.routers.active", "pattern"));
        });

        foreach (var subscriber in subscribers)
            Sys.Stop(subscriber.Ref);
        AwaitAssert(() => Assert.Equal(0, metrics.Sum("actorbridge.routers.active")), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Connection_status_reports_the_connection()
    {
        Bridge.Connection.Tell(new GetConnectionStatus(), TestActor);
        var status = ExpectMsg<ConnectionStatus>();
        Assert.True(status.IsConnected);
        Assert.Contains(status.Endpoints, e => e.EndsWith($":{Valkey.Server.Port}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logs_never_carry_the_password_or_a_payload()
    {
        var config = BridgeConfig($"{Valkey.Server.ConnectionString},password=hunter2-secret", "akka.loglevel = DEBUG");
        var system = ActorSystem.Create("logs", config);
        try
        {
            var logs = CreateTestProbe(system);
            system.EventStream.Subscribe(logs.Ref, typeof(LogEvent));
            var bridge = ValkeyPubSub.Get(system);
            var probe = CreateTestProbe(system);
            // No password is set on the server, so AUTH fails and the bridge logs that it is not connected; the
            // requests fail too (Task.WhenAny awaits them without rethrowing).
            await Task.WhenAny(bridge.Connection.Ask(new Subscribe("secret-channel", probe.Ref), TimeSpan.FromSeconds(15)));
            await Task.WhenAny(bridge.Publisher.Ask(new Publish("secret-channel", "payload-secret"), TimeSpan.FromSeconds(15)));

            var messages = new List<string>();
            while (logs.HasMessages)
                messages.Add(logs.ExpectMsg<LogEvent>().ToString());
            Assert.NotEmpty(messages);
            Assert.DoesNotContain(messages, m => m.Contains("hunter2-secret", StringComparison.Ordinal));
            Assert.DoesNotContain(messages, m => m.Contains("payload-secret", StringComparison.Ordinal));
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>Collects the ActorBridge meter's measurements for one ActorSystem.</summary>
    private sealed class MetricsRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Instrument, long Value, string? Kind)> _measurements = new();

        public MetricsRecorder(string systemName)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ValkeyPubSub.MeterName)
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags, systemName));
            _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags, systemName));
            _listener.Start();
        }

        public long Sum(string instrument, string? kind = null) =>
            _measurements.Where(m => m.Instrument == instrument && (kind is null || m.Kind == kind)).Sum(m => m.Value);

        public void Dispose() => _listener.Dispose();

        private void Record(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, string systemName)
        {
            string? system = null, kind = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "akka.system")
                    system = tag.Value as string;
                else if (tag.Key == "kind")
                    kind = tag.Value as string;
            }

            if (system == systemName)
                _measurements.Enqueue((instrument.Name, value, kind));
        }
    }
}
