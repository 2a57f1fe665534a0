using Akka.Actor;

namespace ActorBridge.Internal;

/// <summary>Checks request fields and words the error a person can act on.</summary>
internal static class Validation
{
    /// <summary>Returns an error if <paramref name="value"/> cannot be a channel or pattern name, else null.</summary>
    public static ArgumentException? CheckName(string? value, string field, string what)
    {
        if (value is null)
            return new ArgumentNullException(field, $"{field} is null; give the {what} name.");
        if (string.IsNullOrWhiteSpace(value))
            return new ArgumentException(
                $"{field} is empty or whitespace; a Valkey {what} name must contain at least one non-whitespace character.", field);
        return null;
    }

    /// <summary>Returns an error if <paramref name="subscriber"/> cannot receive messages, else null.</summary>
    public static ArgumentException? CheckSubscriber(IActorRef? subscriber, string requestName)
    {
        if (subscriber is null || subscriber.IsNobody())
            return new ArgumentNullException($"{requestName}.Subscriber",
                $"{requestName}.Subscriber is null or Nobody; pass the IActorRef that should receive the messages (for example Self).");
        return null;
    }
}
