using EventBooking.Messaging;
using Events.Api.Infrastructure.Postgres;

namespace Events.Api.IntegrationEvents;

/// <summary>Runs a message's effect once per consumer. Both stores' effects are also idempotent by booking/hold id.</summary>
public interface IMessageInbox
{
    Task<bool> ProcessOnceAsync(Guid messageId, string consumer, Func<CancellationToken, Task> effect, CancellationToken cancellationToken);
}

/// <summary>PostgreSQL: the inbox row and the effect commit in one transaction (the store shares the scoped DbContext).</summary>
public sealed class EfMessageInbox(EventsDbContext db) : IMessageInbox
{
    public Task<bool> ProcessOnceAsync(Guid messageId, string consumer, Func<CancellationToken, Task> effect, CancellationToken cancellationToken) =>
        db.ProcessOnceAsync(messageId, consumer, effect, cancellationToken);
}

/// <summary>MongoDB: no cross-document transaction, so the effects are keyed (booking id, hold state) and the inbox saves repeats.</summary>
public sealed class DocumentMessageInbox(IInboxStore inbox) : IMessageInbox
{
    public Task<bool> ProcessOnceAsync(Guid messageId, string consumer, Func<CancellationToken, Task> effect, CancellationToken cancellationToken) =>
        inbox.ProcessOnceAsync(messageId, consumer, effect, cancellationToken);
}
