namespace Events.Api.Infrastructure;

/// <summary>Writes integration events to the outbox inside the caller's database transaction.</summary>
public interface IOutboxWriter
{
    Task AddAsync(EventsDbContext db, OutgoingEvent integrationEvent, CancellationToken cancellationToken);
}
