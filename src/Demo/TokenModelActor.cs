using System.Diagnostics;
using ActorBridge;
using Akka.Actor;

namespace Demo;

/// <summary>A simulated LLM: publishes the tokens of <see cref="TokenEvent.Text"/> at a fixed rate, then an end marker.</summary>
internal sealed class TokenModelActor : ReceiveActor, IWithTimers
{
    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }

    public TokenModelActor(IActorRef publisher, string requestId, string channel, double tokensPerSecond)
    {
        var index = 0;
        Receive<Tick>(_ =>
        {
            var tokens = TokenEvent.Tokens;
            var done = index == tokens.Count;
            var token = new TokenEvent(requestId, index, done ? null : tokens[index], Stopwatch.GetTimestamp(), done);
            publisher.Tell(new Publish(channel, token), ActorRefs.NoSender);
            index++;
            if (done)
                Context.Stop(Self);
        });
        Timers.StartPeriodicTimer("tokens", Tick.Instance, TimeSpan.Zero, TimeSpan.FromSeconds(1 / tokensPerSecond));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef publisher, string requestId, string channel, double tokensPerSecond) =>
        Akka.Actor.Props.Create(() => new TokenModelActor(publisher, requestId, channel, tokensPerSecond));
}
