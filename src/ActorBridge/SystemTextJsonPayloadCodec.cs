using System.Text.Json;

namespace ActorBridge;

/// <summary>
/// The default <see cref="IPayloadCodec"/>: JSON through System.Text.Json with the web defaults (camelCase property
/// names), which <see cref="ValkeyMessage.FromJson{T}"/> reads back and which Python's <c>json.loads</c> understands.
/// </summary>
public sealed class SystemTextJsonPayloadCodec : IPayloadCodec
{
    private readonly JsonSerializerOptions _options;

    /// <summary>Creates the codec with <see cref="JsonSerializerDefaults.Web"/>.</summary>
    public SystemTextJsonPayloadCodec() : this(new JsonSerializerOptions(JsonSerializerDefaults.Web))
    {
    }

    /// <summary>Creates the codec with the given options.</summary>
    /// <param name="options">The serializer options to write with.</param>
    public SystemTextJsonPayloadCodec(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <inheritdoc />
    public ReadOnlyMemory<byte> Encode(object payload) =>
        JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), _options);
}
