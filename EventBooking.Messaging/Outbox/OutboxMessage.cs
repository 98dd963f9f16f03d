namespace EventBooking.Messaging;

/// <summary>
/// One integration event waiting in (or already relayed from) a service's outbox table. Written by
/// <see cref="OutboxDbContextExtensions.AddIntegrationEvent"/> in the same SaveChanges as the state change;
/// published by the relay, which sets <see cref="SentAt"/> only after the broker confirmed it.
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>The message id (the consumers' dedupe key); Guid v7, so ordered by creation.</summary>
    public Guid Id { get; set; }

    /// <summary>Event name = routing key.</summary>
    public string Type { get; set; } = "";

    /// <summary>Producing service; null means "the relay's service name".</summary>
    public string? Source { get; set; }

    public int SchemaVersion { get; set; } = 1;

    /// <summary>When the state change happened (the envelope's <c>time</c>).</summary>
    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>The event (<c>data</c>) as JSON.</summary>
    public string Data { get; set; } = "";

    /// <summary>W3C trace context of the code that wrote the row, so the relay's publish span joins its trace.</summary>
    public string? TraceParent { get; set; }

    public string? TraceState { get; set; }

    public string? Baggage { get; set; }

    /// <summary>Publish attempts so far.</summary>
    public int Attempts { get; set; }

    /// <summary>Not published before this time (backoff after failures).</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>Lease: the row belongs to the relay that claimed it until then.</summary>
    public DateTimeOffset? LockedUntil { get; set; }

    /// <summary>Set once the broker confirmed the publish.</summary>
    public DateTimeOffset? SentAt { get; set; }

    public string? LastError { get; set; }
}
