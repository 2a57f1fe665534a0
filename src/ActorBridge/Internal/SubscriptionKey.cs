namespace ActorBridge.Internal;

/// <summary>Whether a router serves an exact channel (SUBSCRIBE) or a glob pattern (PSUBSCRIBE).</summary>
internal enum SubscriptionKind
{
    Channel,
    Pattern,
}

/// <summary>Identifies one server subscription and the one router that serves it.</summary>
internal readonly record struct SubscriptionKey(SubscriptionKind Kind, string Name)
{
    public override string ToString() => Kind == SubscriptionKind.Channel ? $"channel '{Name}'" : $"pattern '{Name}'";
}
