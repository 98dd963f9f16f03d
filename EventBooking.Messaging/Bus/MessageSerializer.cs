using System.Text.Json;
using System.Text.Json.Serialization;
using EventBooking.Messaging.Contracts;

namespace EventBooking.Messaging;

/// <summary>
/// The wire format: one JSON object <c>{"id","type","source","time","schemaVersion","data"}</c> (camelCase,
/// UTF-8), content type <c>application/json</c>. The same fields are mirrored in AMQP properties
/// (message-id, type, app-id, timestamp) for tools.
/// </summary>
public static class MessageSerializer
{
    public const string ContentType = "application/json";

    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    internal static byte[] SerializeEnvelope(Guid id, string type, string source, DateTimeOffset time, int schemaVersion, string dataJson)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            writer.WriteString("type", type);
            writer.WriteString("source", source);
            writer.WriteString("time", time);
            writer.WriteNumber("schemaVersion", schemaVersion);
            writer.WritePropertyName("data");
            writer.WriteRawValue(dataJson, skipInputValidation: false);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    internal static RawEnvelope DeserializeRaw(ReadOnlyMemory<byte> body)
    {
        var raw = JsonSerializer.Deserialize<RawEnvelope>(body.Span, Options)
            ?? throw new PoisonMessageException("The message body is JSON null.");
        if (raw.Id == Guid.Empty || string.IsNullOrEmpty(raw.Type))
        {
            throw new PoisonMessageException("The message has no id or type.");
        }

        return raw;
    }

    internal static IntegrationEventEnvelope<T> ToEnvelope<T>(RawEnvelope raw) where T : IIntegrationEvent
    {
        var data = raw.Data.Deserialize<T>(Options) ?? throw new PoisonMessageException($"Message {raw.Id} has no data.");
        return new IntegrationEventEnvelope<T>(raw.Id, raw.Type, raw.Source ?? "", raw.Time, raw.SchemaVersion, data);
    }
}

internal sealed record RawEnvelope(Guid Id, string Type, string? Source, DateTimeOffset Time, int SchemaVersion, JsonElement Data);
