namespace ActorBridge;

/// <summary>
/// Turns a <see cref="Publish.Payload"/> that is not already text or bytes into the bytes that go on the wire.
/// Configure the implementation with <c>akka.valkey-bridge.payload-codec</c> (an assembly-qualified type name with a
/// public parameterless constructor). Implementations must be thread-safe.
/// </summary>
public interface IPayloadCodec
{
    /// <summary>Encodes <paramref name="payload"/>.</summary>
    /// <param name="payload">Any object that is not a <see cref="string"/>, <c>byte[]</c> or <see cref="ReadOnlyMemory{T}"/> of bytes.</param>
    /// <returns>The encoded bytes.</returns>
    /// <exception cref="Exception">Any exception: the Publish is answered with a <c>Status.Failure</c> that names the payload type.</exception>
    ReadOnlyMemory<byte> Encode(object payload);
}
