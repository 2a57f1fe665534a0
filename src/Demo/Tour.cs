using ActorBridge;
using Akka.Actor;

namespace Demo;

/// <summary>The cookbook's steps, one after the other, printed as they happen.</summary>
internal static class Tour
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(ActorSystem system)
    {
        var bridge = ValkeyPubSub.Get(system);
        var prediction = new { model = "sentiment-v2", input = "I love Valkey!", prediction = "positive", confidence = 0.97 };

        Heading("Publishing messages");
        Console.WriteLine("Nobody listens yet, so the message is lost: Pub/Sub is fire-and-forget.");
        await PublishAsync(bridge, "ai:events", prediction);

        Heading("Subscribing to a channel");
        var received = new SemaphoreSlim(0);
        var subscriber = system.ActorOf(CallbackSubscriberActor.Props(m => Print($"Received: {m.Text}", received)), "subscriber");
        await bridge.Connection.Ask<SubscribeAck>(new Subscribe("ai:events", subscriber), Timeout);
        await PublishAsync(bridge, "ai:events", prediction);
        await WaitForAsync(received, 1);

        Heading("Pattern subscriptions");
        var patternReceived = new SemaphoreSlim(0);
        var patternSubscriber = system.ActorOf(CallbackSubscriberActor.Props(m => Print($"[{m.Channel}] {m.Text}", patternReceived)), "pattern-subscriber");
        await bridge.Connection.Ask<PatternSubscribeAck>(new PatternSubscribe("ai:*", patternSubscriber), Timeout);
        await PublishAsync(bridge, "ai:predictions", new { model = "churn-v1", customer = "c-42", churn_probability = 0.12 });
        await PublishAsync(bridge, "ai:agent:tool_calls", new { agent = "planner", tool = "search", args = new { q = "valkey pubsub" } });
        await PublishAsync(bridge, "ai:llm:tokens", new { request_id = "r1", token = "Hello" });
        await WaitForAsync(patternReceived, 3);
        Console.WriteLine("ai:events matches both subscriptions, so it arrives twice (Valkey counts 2 receivers):");
        await PublishAsync(bridge, "ai:events", new { model = "sentiment-v2", prediction = "negative", confidence = 0.61 });
        await WaitForAsync(received, 1);
        await WaitForAsync(patternReceived, 1);
        await bridge.Connection.Ask<PatternUnsubscribeAck>(new PatternUnsubscribe("ai:*", patternSubscriber), Timeout);

        Heading("Handling messages without blocking");
        Console.WriteLine("A callback subscriber (the actor counterpart of redis-py's run_in_thread) handles messages on its own,");
        Console.WriteLine("while the main flow carries on:");
        var callbackReceived = new SemaphoreSlim(0);
        var callback = system.ActorOf(CallbackSubscriberActor.Props(m => Print($"  [callback] {m.Channel}: {m.Text}", callbackReceived)), "callback-subscriber");
        await bridge.Connection.Ask<SubscribeAck>(new Subscribe("ai:alerts", callback), Timeout);
        for (var i = 1; i <= 3; i++)
        {
            bridge.Publisher.Tell(new Publish("ai:alerts", new { alert = "drift", score = Math.Round(0.1 * i, 1) }), ActorRefs.NoSender);
            Console.WriteLine($"  main flow: doing other work ({i})");
        }

        await WaitForAsync(callbackReceived, 3);

        Heading("Inspecting active channels");
        var channels = await bridge.Connection.Ask<Channels>(new GetChannels("ai:*"), Timeout);
        Console.WriteLine($"PUBSUB CHANNELS ai:* → {string.Join(", ", channels.Names.Order(StringComparer.Ordinal))}");
        var counts = await bridge.Connection.Ask<SubscriberCounts>(new GetSubscriberCounts(["ai:events", "ai:predictions", "ai:alerts"]), Timeout);
        foreach (var (channel, count) in counts.Counts)
            Console.WriteLine($"PUBSUB NUMSUB {channel} → {count}");
        var patterns = await bridge.Connection.Ask<PatternCount>(new GetPatternCount(), Timeout);
        Console.WriteLine($"PUBSUB NUMPAT → {patterns.Count} (pattern subscribers are not counted by NUMSUB)");
    }

    private static void Print(string line, SemaphoreSlim received)
    {
        Console.WriteLine(line);
        received.Release();
    }

    private static async Task PublishAsync(ValkeyPubSub bridge, string channel, object payload)
    {
        var published = await bridge.Publisher.Ask<Published>(new Publish(channel, payload), Timeout);
        Console.WriteLine($"Published to {channel} → {published.Receivers} subscriber(s)");
    }

    private static async Task WaitForAsync(SemaphoreSlim received, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (!await received.WaitAsync(Timeout))
                throw new TimeoutException("A published message did not arrive within 10 s.");
        }
    }

    private static void Heading(string title) => Console.WriteLine($"{Environment.NewLine}== {title} ==");
}
