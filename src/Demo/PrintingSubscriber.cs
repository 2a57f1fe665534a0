using ActorBridge;
using Akka.Actor;

namespace Demo;

/// <summary>Prints each message it receives with the given format and signals the tour that one arrived.</summary>
internal sealed class PrintingSubscriber : ReceiveActor
{
    public PrintingSubscriber(Func<ValkeyMessage, string> format, SemaphoreSlim received)
    {
        Receive<ValkeyMessage>(message =>
        {
            Console.WriteLine(format(message));
            received.Release();
        });
    }

    public static Props Props(Func<ValkeyMessage, string> format, SemaphoreSlim received) =>
        Akka.Actor.Props.Create(() => new PrintingSubscriber(format, received));
}
