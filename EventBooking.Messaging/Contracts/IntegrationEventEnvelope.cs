using System.Text.Json.Serialization;

namespace EventBooking.Messaging.Contracts;

/// <summary>
/// What travels on the bus and what a handler receives: the event (<see cref="Data"/>) plus its identity
/// (<see cref="Id"/>, the dedupe key of every inbox), its name (<see cref="Type"/>, also the routing key),
/// the producing service (<see cref="Source"/>), when it happened (<see cref="Time"/>) and its schema version.
/// On the wire it is one JSON object (CloudEvents-style structured mode); W3C trace context travels in
/// AMQP headers (<c>traceparent</c>, <c>tracestate</c>, <c>baggage</c>) and is exposed here for logging.
/// </summary>
public sealed record IntegrationEventEnvelope<T>(Guid Id, string Type, string Source, DateTimeOffset Time, int SchemaVersion, T Data)
    where T : IIntegrationEvent
{
    /// <summary>W3C <c>traceparent</c> of the publish span (null when the producer was not traced).</summary>
    [JsonIgnore]
    public string? TraceParent { get; init; }

    /// <summary>W3C <c>tracestate</c>.</summary>
    [JsonIgnore]
    public string? TraceState { get; init; }

    /// <summary>W3C <c>baggage</c> header value.</summary>
    [JsonIgnore]
    public string? Baggage { get; init; }

    /// <summary>1 on the first delivery, 2 on the first retry, ... (bounded by <c>EventBusOptions.MaxDeliveryAttempts</c>).</summary>
    [JsonIgnore]
    public int DeliveryAttempt { get; init; } = 1;
}
