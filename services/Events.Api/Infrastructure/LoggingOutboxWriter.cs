namespace Events.Api.Infrastructure;

/// <summary>
/// Stand-in until the event bus is wired: records that an integration event would have been published.
/// Replaced by the EventBooking.Messaging outbox.
/// </summary>
public sealed partial class LoggingOutboxWriter(ILogger<LoggingOutboxWriter> logger) : IOutboxWriter
{
    public Task AddAsync(EventsDbContext db, OutgoingEvent integrationEvent, CancellationToken cancellationToken)
    {
        LogUnpublished(logger, integrationEvent.EventName);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No event bus configured: {EventName} is not published")]
    private static partial void LogUnpublished(ILogger logger, string eventName);
}
