namespace Bookings.Api.Infrastructure;

/// <summary>
/// An integration event written in the same transaction as the state change that caused it (the outbox).
/// </summary>
public sealed class IntegrationEventLogEntry
{
    public Guid Id { get; set; }
    public string EventName { get; set; } = "";
    public string Payload { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
}
