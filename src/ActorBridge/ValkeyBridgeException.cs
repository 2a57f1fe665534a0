namespace ActorBridge;

/// <summary>
/// Carried by the <c>Status.Failure</c> that answers a request the server or the connection could not fulfil
/// (bad input is answered with an <see cref="ArgumentException"/> instead). The message says what failed and what
/// to do about it.
/// </summary>
public sealed class ValkeyBridgeException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed and what to do.</param>
    /// <param name="innerException">The underlying client or server error, if any.</param>
    public ValkeyBridgeException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}
