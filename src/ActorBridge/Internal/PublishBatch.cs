using Akka.Actor;
using StackExchange.Redis;

namespace ActorBridge.Internal;

/// <summary>A validated, encoded Publish waiting to go out, with whom to answer and when it arrived (a Stopwatch timestamp).</summary>
internal readonly record struct PendingPublish(string Channel, RedisValue Payload, IActorRef ReplyTo, long ReceivedAt);

/// <summary>
/// One pipelined batch of PUBLISH commands and, once every reply is in, their outcomes. The arrays are written by
/// the awaiting task and read by the publisher actor only after <see cref="PublishBatchCompleted"/> arrived.
/// </summary>
internal sealed class PublishBatch(PendingPublish[] items)
{
    public PendingPublish[] Items { get; } = items;

    public long[] Receivers { get; } = new long[items.Length];

    public Exception?[]? Errors { get; private set; }

    public bool Completed { get; set; }

    public async Task<PublishBatchCompleted> AwaitRepliesAsync(Task<long>[] replies)
    {
        for (var i = 0; i < replies.Length; i++)
        {
            try
            {
                Receivers[i] = await replies[i].ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Errors ??= new Exception?[replies.Length];
                Errors[i] = e;
            }
        }

        return new PublishBatchCompleted(this);
    }
}

/// <summary>Every reply of <see cref="Batch"/> is in.</summary>
internal sealed record PublishBatchCompleted(PublishBatch Batch);

/// <summary>Publisher to itself: send what has been collected.</summary>
internal sealed record FlushPublishes
{
    public static readonly FlushPublishes Instance = new();
}

/// <summary>Publisher to itself, periodically while it holds requests: answer those past the publish timeout.</summary>
internal sealed record ExpirePublishes
{
    public static readonly ExpirePublishes Instance = new();
}
