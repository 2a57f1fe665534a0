using System.Diagnostics;
using ActorBridge;
using ActorBridge.Streams;
using Akka.Actor;
using Akka.Streams.Dsl;

namespace Demo;

/// <summary>
/// The cookbook's next chapter: a simulated model streams tokens over Pub/Sub and three consumers (an actor, an
/// Akka.Streams source and a pattern subscriber) render the text as it arrives.
/// </summary>
internal static class LlmStream
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(ActorSystem system, double tokensPerSecond)
    {
        var bridge = ValkeyPubSub.Get(system);
        var requestId = Guid.NewGuid().ToString("N")[..8];
        var channel = $"ai:llm:tokens:{requestId}";
        var actorStats = new TokenStats("actor (Subscribe)");
        var streamStats = new TokenStats("stream (ValkeyStreams.Source)");
        var patternStats = new TokenStats("pattern (ai:llm:tokens:*)");
        TokenStats[] consumers = [actorStats, streamStats, patternStats];

        // Every consumer is subscribed (the server confirmed it) before the first token is published.
        var actor = system.ActorOf(TokenConsumerActor.Props(actorStats, echo: true), $"llm-actor-{requestId}");
        await bridge.Connection.Ask<SubscribeAck>(new Subscribe(channel, actor), Timeout);
        var pattern = system.ActorOf(TokenConsumerActor.Props(patternStats, echo: false), $"llm-pattern-{requestId}");
        await bridge.Connection.Ask<PatternSubscribeAck>(new PatternSubscribe("ai:llm:tokens:*", pattern), Timeout);
        var streamSubscribed = ValkeyStreams.Source(system, channel)
            .Select(message => (Token: message.FromJson<TokenEvent>()!, At: Stopwatch.GetTimestamp()))
            .TakeWhile(e => !e.Token.Done, inclusive: true)
            .To(Sink.ForEach<(TokenEvent Token, long At)>(e => streamStats.Record(e.Token, e.At)))
            .Run(system);
        await streamSubscribed.WaitAsync(Timeout);

        // Warm up the JSON (de)serializers for TokenEvent, so the first token does not pay for their set-up.
        var warmup = new TokenEvent(requestId, -1, "warm-up", Stopwatch.GetTimestamp(), false);
        await bridge.Publisher.Ask<Published>(new Publish("ai:llm:warmup", warmup), Timeout);
        _ = new ValkeyMessage("ai:llm:warmup", null, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(warmup, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))).FromJson<TokenEvent>();

        Console.WriteLine($"Streaming {TokenEvent.Tokens.Count} tokens at {tokensPerSecond:0.#}/s on {channel} to three consumers:");
        Console.WriteLine();
        var started = Stopwatch.GetTimestamp();
        foreach (var consumer in consumers)
            consumer.Start(started);
        system.ActorOf(TokenModelActor.Props(bridge.Publisher, requestId, channel, tokensPerSecond), $"llm-model-{requestId}");

        var expected = TimeSpan.FromSeconds(TokenEvent.Tokens.Count / tokensPerSecond) + Timeout;
        var all = Task.WhenAll(consumers.Select(c => c.Finished));
        if (await Task.WhenAny(all, Task.Delay(expected)) != all)
            throw new TimeoutException($"Not every consumer received the end of the response within {expected.TotalSeconds:0} s.");
        system.Stop(actor);
        system.Stop(pattern);

        Console.WriteLine();
        Console.WriteLine();
        Console.WriteLine($"{"consumer",-30} {"tokens",6} {"TTFT ms",12} {"p50 ms",10} {"p99 ms",10}   text");
        foreach (var consumer in consumers)
            Console.WriteLine($"{consumer.Summary()}   {(consumer.Text == TokenEvent.Text ? "complete" : "INCOMPLETE")}");
        Console.WriteLine("TTFT: from the model's start to the first token; p50/p99: per token, from PUBLISH to the consumer.");
    }
}
