using System.Buffers.Binary;
using System.Diagnostics;
using Akka.Actor;
using HdrHistogram;

namespace ActorBridge.Benchmarks;

/// <summary>Starts a driver.</summary>
internal sealed record Start
{
    public static readonly Start Instance = new();
}

/// <summary>Keeps <c>window</c> Publish requests in flight until <c>total</c> were answered.</summary>
internal sealed class PublishDriver : ReceiveActor
{
    public PublishDriver(IActorRef publisher, Publish publish, int total, int window, TaskCompletionSource done)
    {
        var sent = 0;
        var answered = 0;
        Receive<Start>(_ =>
        {
            for (; sent < Math.Min(window, total); sent++)
                publisher.Tell(publish);
        });
        Receive<Published>(_ =>
        {
            if (sent < total)
            {
                sent++;
                publisher.Tell(publish);
            }

            if (++answered == total)
                done.TrySetResult();
        });
        Receive<Status.Failure>(failure => done.TrySetException(failure.Cause));
    }
}

/// <summary>Counts messages and calls back once when <c>expected</c> arrived.</summary>
internal sealed class CountingSubscriber : UntypedActor
{
    private readonly int _expected;
    private readonly Action _onDone;
    private int _count;

    public CountingSubscriber(int expected, Action onDone)
    {
        _expected = expected;
        _onDone = onDone;
    }

    protected override void OnReceive(object message)
    {
        if (++_count == _expected)
            _onDone();
    }
}

/// <summary>The bare Akka baseline for fan-out: Tells each message to every target, as a router does.</summary>
internal sealed class BareFanOut(IActorRef[] targets) : UntypedActor
{
    protected override void OnReceive(object message)
    {
        foreach (var target in targets)
            target.Tell(message, ActorRefs.NoSender);
    }
}

/// <summary>Records publish-to-receipt latency from the Stopwatch timestamp in the first 8 payload bytes.</summary>
internal sealed class LatencyRecorder(LongHistogram histogram, int expected, TaskCompletionSource done) : UntypedActor
{
    private int _count;

    protected override void OnReceive(object message)
    {
        if (message is not ValkeyMessage delivery)
            return;
        histogram.RecordValue(Stopwatch.GetTimestamp() - BinaryPrimitives.ReadInt64LittleEndian(delivery.Payload.Span));
        if (++_count == expected)
            done.TrySetResult();
    }
}

/// <summary>Releases a semaphore for every message: lets a sequential loop wait for each receipt.</summary>
internal sealed class ReceiptSignal(SemaphoreSlim received) : UntypedActor
{
    protected override void OnReceive(object message) => received.Release();
}

/// <summary>Counts acks and completes once <c>expected</c> arrived.</summary>
internal sealed class AckCounter(int expected, TaskCompletionSource done) : UntypedActor
{
    private int _count;

    protected override void OnReceive(object message)
    {
        if (message is Status.Failure failure)
            done.TrySetException(failure.Cause);
        else if (++_count == expected)
            done.TrySetResult();
    }
}
