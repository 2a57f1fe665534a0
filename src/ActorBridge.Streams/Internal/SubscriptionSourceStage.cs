using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Stage;

namespace ActorBridge.Streams.Internal;

/// <summary>
/// A source whose stage actor subscribes to one channel or pattern through the connection actor. Messages wait in
/// a bounded buffer until downstream asks for them; when it is full, the overflow strategy decides. The
/// materialized task completes when the server confirmed the subscription. The subscription is released when the
/// stage stops for any reason (completion, failure, cancellation).
/// </summary>
internal sealed class SubscriptionSourceStage : GraphStageWithMaterializedValue<SourceShape<ValkeyMessage>, Task>
{
    private readonly IActorRef _connection;
    private readonly string _name;
    private readonly bool _pattern;
    private readonly int _bufferSize;
    private readonly OverflowStrategy _overflow;

    public SubscriptionSourceStage(IActorRef connection, string name, bool pattern, int bufferSize, OverflowStrategy overflow)
    {
        _connection = connection;
        _name = name;
        _pattern = pattern;
        _bufferSize = bufferSize;
        _overflow = overflow;
        Shape = new SourceShape<ValkeyMessage>(Out);
    }

    public Outlet<ValkeyMessage> Out { get; } = new("ValkeySubscription.out");

    public override SourceShape<ValkeyMessage> Shape { get; }

    protected override Attributes InitialAttributes => Attributes.CreateName(_pattern ? "valkeyPatternSource" : "valkeySource");

    public override ILogicAndMaterializedValue<Task> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return new LogicAndMaterializedValue<Task>(new Logic(this, subscribed), subscribed.Task);
    }

    private sealed class Logic : OutGraphStageLogic
    {
        private readonly SubscriptionSourceStage _stage;
        private readonly TaskCompletionSource _subscribed;
        private readonly LinkedList<ValkeyMessage> _buffer = new();
        private IActorRef _self = ActorRefs.Nobody;

        public Logic(SubscriptionSourceStage stage, TaskCompletionSource subscribed) : base(stage.Shape)
        {
            _stage = stage;
            _subscribed = subscribed;
            SetHandler(stage.Out, this);
        }

        private string What => _stage._pattern ? $"pattern '{_stage._name}'" : $"channel '{_stage._name}'";

        public override void PreStart()
        {
            _self = GetStageActor(OnMessage).Ref;
            object request = _stage._pattern ? new PatternSubscribe(_stage._name, _self) : new Subscribe(_stage._name, _self);
            _stage._connection.Tell(request, _self);
        }

        public override void OnPull()
        {
            if (_buffer.First is { } first)
            {
                _buffer.RemoveFirst();
                Push(_stage.Out, first.Value);
            }
        }

        public override void PostStop()
        {
            // The router would notice the stage actor stopping too (DeathWatch); telling it is quicker.
            object request = _stage._pattern ? new PatternUnsubscribe(_stage._name, _self) : new Unsubscribe(_stage._name, _self);
            _stage._connection.Tell(request, ActorRefs.NoSender);
            _subscribed.TrySetException(new StreamDetachedException($"The stream of {What} stopped before the server confirmed the subscription."));
        }

        private void OnMessage((IActorRef Sender, object Message) args)
        {
            switch (args.Message)
            {
                case ValkeyMessage message:
                    Enqueue(message);
                    break;
                case SubscribeAck or PatternSubscribeAck:
                    _subscribed.TrySetResult();
                    break;
                case Status.Failure failure:
                    _subscribed.TrySetException(failure.Cause);
                    FailStage(failure.Cause);
                    break;
            }
        }

        private void Enqueue(ValkeyMessage message)
        {
            if (_buffer.Count == 0 && IsAvailable(_stage.Out))
            {
                Push(_stage.Out, message);
                return;
            }

            if (_buffer.Count == _stage._bufferSize)
            {
                switch (_stage._overflow)
                {
                    case OverflowStrategy.DropHead:
                        _buffer.RemoveFirst();
                        break;
                    case OverflowStrategy.DropTail:
                        _buffer.RemoveLast();
                        break;
                    case OverflowStrategy.DropBuffer:
                        _buffer.Clear();
                        break;
                    case OverflowStrategy.DropNew:
                        return;
                    default:
                        FailStage(new BufferOverflowException(
                            $"The buffer of {_stage._bufferSize} messages from {What} is full: downstream is slower than the publishers. " +
                            "Give a larger bufferSize, or an overflow strategy that drops messages."));
                        return;
                }
            }

            _buffer.AddLast(message);
        }
    }
}
