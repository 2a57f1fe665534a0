using System.Diagnostics;
using ActorBridge;
using Akka.Actor;

namespace Demo;

/// <summary>A consumer that renders a streamed response as its tokens arrive and records their latency.</summary>
internal sealed class TokenConsumerActor : ReceiveActor
{
    public TokenConsumerActor(TokenStats stats, bool echo)
    {
        Receive<ValkeyMessage>(message =>
        {
            var token = message.FromJson<TokenEvent>();
            if (token is null)
                return;
            stats.Record(token, Stopwatch.GetTimestamp());
            if (echo && token.Token is not null)
                Console.Write(token.Token);
        });
    }

    public static Props Props(TokenStats stats, bool echo) => Akka.Actor.Props.Create(() => new TokenConsumerActor(stats, echo));
}
