using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;

namespace Notifications.Api.IntegrationEvents;

/// <summary>
/// The bus's entry point for each event notifications-api consumes (one closed type per event, subscribed in
/// Extensions). No separate inbox: every effect is keyed by the message id (notification ids derive from it, reminders
/// are upserts/tombstones), so a redelivery is a no-op in PostgreSQL and MongoDB alike without any multi-document transaction.
/// </summary>
public sealed class NotificationEventHandler<T>(NotificationIngestor ingestor) : IIntegrationEventHandler<T> where T : IIntegrationEvent
{
    public Task HandleAsync(IntegrationEventEnvelope<T> message, CancellationToken cancellationToken) =>
        message.Id == Guid.Empty || message.Data is null
            ? throw new PoisonMessageException($"The {message.Type} message has no id or no data.")
            : ingestor.IngestAsync(message.Data, message.Id, cancellationToken);
}
