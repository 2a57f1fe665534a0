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
        await PublishAsync(bridge, "ai:events", prediction);

        Heading("Subscribing to a channel");
        var received = new SemaphoreSlim(0);
        var subscriber = system.ActorOf(PrintingSubscriber.Props(m => $"Received: {m.Text}", received), "subscriber");
        await bridge.Connection.Ask<SubscribeAck>(new Subscribe("ai:events", subscriber), Timeout);
        await PublishAsync(bridge, "ai:events", prediction);
        await WaitForAsync(received, 1);

        Heading("Pattern subscriptions");
        var patternReceived = new SemaphoreSlim(0);
        var patternSubscriber = system.ActorOf(PrintingSubscriber.Props(m => $"[{m.Channel}] {m.Text}", patternReceived), "pattern-subscriber");
        await bridge.Connection.Ask<PatternSubscribeAck>(new PatternSubscribe("ai:*", patternSubscriber), Timeout);
        await PublishAsync(bridge, "ai:predictions", new { model = "churn-v1", customer = "c-42", churn_probability = 0.12 });
        await PublishAsync(bridge, "ai:agent:tool_calls", new { agent = "planner", tool = "search", args = new { q = "valkey pubsub" } });
        await PublishAsync(bridge, "ai:llm:tokens", new { request_id = "r1", token = "Hello" });
        await WaitForAsync(patternReceived, 3);

        Heading("Inspecting active channels");
        var channels = await bridge.Connection.Ask<Channels>(new GetChannels("ai:*"), Timeout);
        Console.WriteLine($"PUBSUB CHANNELS ai:* → {string.Join(", ", channels.Names.Order())}");
        var counts = await bridge.Connection.Ask<SubscriberCounts>(new GetSubscriberCounts(["ai:events", "ai:predictions"]), Timeout);
        foreach (var (channel, count) in counts.Counts)
            Console.WriteLine($"PUBSUB NUMSUB {channel} → {count}");
        var patterns = await bridge.Connection.Ask<PatternCount>(new GetPatternCount(), Timeout);
        Console.WriteLine($"PUBSUB NUMPAT → {patterns.Count}");
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
