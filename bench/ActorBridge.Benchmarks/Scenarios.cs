using System.Buffers.Binary;
using System.Diagnostics;
using Akka.Actor;
using HdrHistogram;
using StackExchange.Redis;

namespace ActorBridge.Benchmarks;

/// <summary>How much work each scenario does: a quick smoke run or the full run.</summary>
internal sealed record BenchSizes(
    int Rounds, int PublishCount, int EndToEndCount, int FanOutMessages, int FanOutSubscribers,
    TimeSpan LatencyDuration, int LatencyRate, int IdleIterations, int SubscribeChannels)
{
    public static readonly BenchSizes Quick = new(2, 50_000, 30_000, 300, 1_000, TimeSpan.FromSeconds(2), 10_000, 300, 10_000);
    public static readonly BenchSizes Full = new(5, 300_000, 200_000, 3_000, 1_000, TimeSpan.FromSeconds(10), 10_000, 2_000, 10_000);
}

/// <summary>Each scenario runs once for the bridge and once for its baseline, against the same server.</summary>
internal sealed class Scenarios(BenchContext context)
{
    private const int Window = 1_000;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly byte[] _payload64 = new byte[64];
    private int _run;

    private string Channel(string name) => $"bench:{name}:{Interlocked.Increment(ref _run)}";

    // 1. Publish throughput -----------------------------------------------------------------------------

    public async Task<double> BridgePublishAsync(int count)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var publish = new Publish(Channel("publish"), _payload64);
        var driver = context.System.ActorOf(Props.Create(() => new PublishDriver(context.Bridge.Publisher, publish, count, Window, done)));
        var watch = Stopwatch.StartNew();
        driver.Tell(Start.Instance);
        await done.Task.WaitAsync(Timeout);
        watch.Stop();
        context.System.Stop(driver);
        return count / watch.Elapsed.TotalSeconds;
    }

    public async Task<double> RawPipelinedPublishAsync(int count)
    {
        var database = context.Raw.GetDatabase();
        var channel = RedisChannel.Literal(Channel("publish"));
        var watch = Stopwatch.StartNew();
        await PublishPipelinedAsync(database, channel, _payload64, count);
        watch.Stop();
        return count / watch.Elapsed.TotalSeconds;
    }

    public async Task<double> RawSequentialPublishAsync(int count)
    {
        var database = context.Raw.GetDatabase();
        var channel = RedisChannel.Literal(Channel("publish"));
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
            await database.PublishAsync(channel, _payload64);
        watch.Stop();
        return count / watch.Elapsed.TotalSeconds;
    }

    private static async Task PublishPipelinedAsync(IDatabase database, RedisChannel channel, RedisValue payload, int count)
    {
        using var window = new SemaphoreSlim(Window, Window);
        for (var i = 0; i < count; i++)
        {
            await window.WaitAsync();
            _ = database.PublishAsync(channel, payload).ContinueWith(
                static (_, state) => ((SemaphoreSlim)state!).Release(), window, TaskContinuationOptions.ExecuteSynchronously);
        }

        for (var i = 0; i < Window; i++)
            await window.WaitAsync();
    }

    // 2. End-to-end throughput --------------------------------------------------------------------------

    public async Task<double> BridgeEndToEndAsync(int count)
    {
        var channel = Channel("e2e");
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscriber = context.System.ActorOf(Props.Create(() => new CountingSubscriber(count, () => received.TrySetResult())));
        await context.Bridge.Connection.Ask<SubscribeAck>(new Subscribe(channel, subscriber), Timeout);

        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var driver = context.System.ActorOf(Props.Create(() => new PublishDriver(context.Bridge.Publisher, new Publish(channel, _payload64), count, Window, answered)));
        var watch = Stopwatch.StartNew();
        driver.Tell(Start.Instance);
        await received.Task.WaitAsync(Timeout);
        watch.Stop();
        await answered.Task.WaitAsync(Timeout);
        context.System.Stop(driver);
        context.System.Stop(subscriber);
        return count / watch.Elapsed.TotalSeconds;
    }

    public async Task<double> RawEndToEndAsync(int count)
    {
        var channel = RedisChannel.Literal(Channel("e2e"));
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = await context.Raw.GetSubscriber().SubscribeAsync(channel);
        var seen = 0;
        queue.OnMessage(_ =>
        {
            if (++seen == count)
                received.TrySetResult();
        });
        var watch = Stopwatch.StartNew();
        await PublishPipelinedAsync(context.Raw.GetDatabase(), channel, _payload64, count);
        await received.Task.WaitAsync(Timeout);
        watch.Stop();
        await queue.UnsubscribeAsync();
        return count / watch.Elapsed.TotalSeconds;
    }

    // 3. Fan-out ----------------------------------------------------------------------------------------

    public async Task<(double DeliveriesPerSecond, long ServerSubscriptions)> BridgeFanOutAsync(int messages, int subscribers)
    {
        var channel = Channel("fanout");
        using var finished = new CountdownEvent(subscribers);
        var targets = CreateCounters(messages, subscribers, finished);
        foreach (var target in targets)
            await context.Bridge.Connection.Ask<SubscribeAck>(new Subscribe(channel, target), Timeout);
        var serverSubscriptions = await context.NumSubAsync(channel);

        var publish = new Publish(channel, _payload64);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < messages; i++)
            context.Bridge.Publisher.Tell(publish, ActorRefs.NoSender);
        await WaitAsync(finished);
        watch.Stop();
        foreach (var target in targets)
            context.System.Stop(target);
        return ((double)messages * subscribers / watch.Elapsed.TotalSeconds, serverSubscriptions);
    }

    public async Task<double> BareAkkaFanOutAsync(int messages, int subscribers)
    {
        using var finished = new CountdownEvent(subscribers);
        var targets = CreateCounters(messages, subscribers, finished);
        var fanOut = context.System.ActorOf(Props.Create(() => new BareFanOut(targets)));
        var message = new ValkeyMessage("bench:fanout", null, _payload64);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < messages; i++)
            fanOut.Tell(message, ActorRefs.NoSender);
        await WaitAsync(finished);
        watch.Stop();
        context.System.Stop(fanOut);
        foreach (var target in targets)
            context.System.Stop(target);
        return messages * subscribers / watch.Elapsed.TotalSeconds;
    }

    private IActorRef[] CreateCounters(int messages, int subscribers, CountdownEvent finished) =>
        [.. Enumerable.Range(0, subscribers).Select(_ => context.System.ActorOf(Props.Create(() => new CountingSubscriber(messages, () => finished.Signal()))))];

    private static Task WaitAsync(CountdownEvent countdown) =>
        Task.Run(() =>
        {
            if (!countdown.Wait(Timeout))
                throw new TimeoutException("Fan-out did not finish in time.");
        });

    // 4. Latency ----------------------------------------------------------------------------------------

    public async Task BridgeLatencyAsync(LongHistogram histogram, TimeSpan duration, int rate)
    {
        var channel = Channel("latency");
        var total = (int)(duration.TotalSeconds * rate);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var recorder = context.System.ActorOf(Props.Create(() => new LatencyRecorder(histogram, total, done)));
        await context.Bridge.Connection.Ask<SubscribeAck>(new Subscribe(channel, recorder), Timeout);
        var publisher = context.Bridge.Publisher;
        await PaceAsync(total, rate, payload => publisher.Tell(new Publish(channel, payload), ActorRefs.NoSender));
        await done.Task.WaitAsync(Timeout);
        context.System.Stop(recorder);
    }

    public async Task RawLatencyAsync(LongHistogram histogram, TimeSpan duration, int rate)
    {
        var channel = RedisChannel.Literal(Channel("latency"));
        var total = (int)(duration.TotalSeconds * rate);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = await context.Raw.GetSubscriber().SubscribeAsync(channel);
        var seen = 0;
        queue.OnMessage(message =>
        {
            histogram.RecordValue(Stopwatch.GetTimestamp() - BinaryPrimitives.ReadInt64LittleEndian((byte[])message.Message!));
            if (++seen == total)
                done.TrySetResult();
        });
        var database = context.Raw.GetDatabase();
        await PaceAsync(total, rate, payload => database.PublishAsync(channel, payload, CommandFlags.FireAndForget));
        await done.Task.WaitAsync(Timeout);
        await queue.UnsubscribeAsync();
    }

    /// <summary>
    /// Sends <paramref name="total"/> timestamped 64-byte payloads at <paramref name="rate"/> per second from a
    /// dedicated thread. It wakes about once a millisecond and sends what is due (a spinning pacer would take one
    /// of the machine's two cores from the server and the client); each payload carries its actual send time.
    /// </summary>
    private static Task PaceAsync(int total, int rate, Action<byte[]> send)
    {
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            var interval = (double)Stopwatch.Frequency / rate;
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < total; i++)
            {
                var due = start + (long)(i * interval);
                while (Stopwatch.GetTimestamp() < due)
                    Thread.Sleep(1);
                var payload = new byte[64];
                BinaryPrimitives.WriteInt64LittleEndian(payload, Stopwatch.GetTimestamp());
                send(payload);
            }

            finished.SetResult();
        }) { IsBackground = true, Name = "bench-pacer" };
        thread.Start();
        return finished.Task;
    }

    public async Task BridgeIdleRoundTripAsync(LongHistogram publishAck, LongHistogram publishReceipt, int iterations)
    {
        var channel = Channel("idle");
        using var received = new SemaphoreSlim(0);
        var signal = context.System.ActorOf(Props.Create(() => new ReceiptSignal(received)));
        await context.Bridge.Connection.Ask<SubscribeAck>(new Subscribe(channel, signal), Timeout);
        var publish = new Publish(channel, _payload64);
        for (var i = 0; i < iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await context.Bridge.Publisher.Ask<Published>(publish, Timeout);
            publishAck.RecordValue(Stopwatch.GetTimestamp() - start);
            await received.WaitAsync(Timeout);

            start = Stopwatch.GetTimestamp();
            context.Bridge.Publisher.Tell(publish, ActorRefs.NoSender);
            await received.WaitAsync(Timeout);
            publishReceipt.RecordValue(Stopwatch.GetTimestamp() - start);
        }

        context.System.Stop(signal);
    }

    public async Task RawIdleRoundTripAsync(LongHistogram publishAck, LongHistogram publishReceipt, int iterations)
    {
        var channel = RedisChannel.Literal(Channel("idle"));
        using var received = new SemaphoreSlim(0);
        var queue = await context.Raw.GetSubscriber().SubscribeAsync(channel);
        queue.OnMessage(_ => received.Release());
        var database = context.Raw.GetDatabase();
        for (var i = 0; i < iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await database.PublishAsync(channel, _payload64);
            publishAck.RecordValue(Stopwatch.GetTimestamp() - start);
            await received.WaitAsync(Timeout);

            start = Stopwatch.GetTimestamp();
            _ = database.PublishAsync(channel, _payload64, CommandFlags.FireAndForget);
            await received.WaitAsync(Timeout);
            publishReceipt.RecordValue(Stopwatch.GetTimestamp() - start);
        }

        await queue.UnsubscribeAsync();
    }

    // 5. Subscribing many channels ----------------------------------------------------------------------

    public async Task<(TimeSpan Elapsed, double BytesPerChannel)> BridgeSubscribeManyAsync(int channels)
    {
        // A fresh system, so the memory figure holds only what these subscriptions cost.
        var system = BenchContext.CreateSystem(context.Server.ConnectionString, "subscribe-many");
        try
        {
            var bridge = ValkeyPubSub.Get(system);
            await bridge.Connection.Ask<PatternCount>(new GetPatternCount(), Timeout); // connected before timing
            var names = Enumerable.Range(0, channels).Select(i => $"bench:many:{i}").ToArray();
            var subscriber = system.ActorOf(Props.Empty, "subscriber");
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var counter = system.ActorOf(Props.Create(() => new AckCounter(channels, done)), "acks");
            var before = SettledHeapSize();

            var watch = Stopwatch.StartNew();
            foreach (var name in names)
                bridge.Connection.Tell(new Subscribe(name, subscriber), counter);
            await done.Task.WaitAsync(Timeout);
            watch.Stop();

            var after = SettledHeapSize();
            GC.KeepAlive(names);
            return (watch.Elapsed, (after - before) / (double)channels);
        }
        finally
        {
            await system.Terminate();
        }
    }

    public async Task<(TimeSpan Elapsed, double BytesPerChannel)> RawSubscribeManyAsync(int channels)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(context.Server.ConnectionString);
        var subscriber = connection.GetSubscriber();
        var names = Enumerable.Range(0, channels).Select(i => RedisChannel.Literal($"bench:many-raw:{i}")).ToArray();
        var before = SettledHeapSize();
        var watch = Stopwatch.StartNew();
        var queues = await Task.WhenAll(names.Select(name => subscriber.SubscribeAsync(name)));
        watch.Stop();
        var after = SettledHeapSize();
        GC.KeepAlive(queues);
        return (watch.Elapsed, (after - before) / (double)channels);
    }

    private static long SettledHeapSize()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
