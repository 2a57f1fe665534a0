using ActorBridge;
using Akka.Actor;

namespace Demo;

/// <summary>The one-shot commands, each the counterpart of a valkey-cli command.</summary>
internal static class Commands
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static async Task PublishAsync(ActorSystem system, string channel, string message)
    {
        var published = await ValkeyPubSub.Get(system).Publisher.Ask<Published>(new Publish(channel, message), Timeout);
        Console.WriteLine($"Published to {channel} → {published.Receivers} subscriber(s)");
    }

    public static async Task SubscribeAsync(ActorSystem system, IReadOnlyList<string> names, bool patterns, CancellationToken stop)
    {
        var bridge = ValkeyPubSub.Get(system);
        var printer = system.ActorOf(CallbackSubscriberActor.Props(m => Console.WriteLine($"[{m.Channel}] {m.Text}")), "printer");
        foreach (var name in names)
        {
            if (patterns)
                await bridge.Connection.Ask<PatternSubscribeAck>(new PatternSubscribe(name, printer), Timeout);
            else
                await bridge.Connection.Ask<SubscribeAck>(new Subscribe(name, printer), Timeout);
        }

        Console.Error.WriteLine($"Subscribed to {string.Join(", ", names)}; Ctrl+C to stop.");
        try
        {
            await Task.Delay(System.Threading.Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public static async Task ChannelsAsync(ActorSystem system, string? pattern)
    {
        var channels = await ValkeyPubSub.Get(system).Connection.Ask<Channels>(new GetChannels(pattern), Timeout);
        foreach (var name in channels.Names.Order(StringComparer.Ordinal))
            Console.WriteLine(name);
    }

    public static async Task NumSubAsync(ActorSystem system, IReadOnlyList<string> channels)
    {
        var counts = await ValkeyPubSub.Get(system).Connection.Ask<SubscriberCounts>(new GetSubscriberCounts(channels), Timeout);
        foreach (var channel in channels.Distinct())
            Console.WriteLine($"{channel}: {counts.Counts.GetValueOrDefault(channel)}");
    }
}
