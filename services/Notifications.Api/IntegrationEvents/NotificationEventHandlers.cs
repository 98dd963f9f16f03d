using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;

namespace Notifications.Api.IntegrationEvents;

/// <summary>
/// The bus's entry point for the six events notifications-api consumes. No separate inbox: every effect is keyed by
/// the message id (notification ids derive from it, reminders are upserts/tombstones), so a redelivery is a no-op
/// in PostgreSQL and MongoDB alike without any multi-document transaction.
/// </summary>
public sealed class NotificationEventHandlers(NotificationIngestor ingestor) :
    IIntegrationEventHandler<BookingConfirmed>,
    IIntegrationEventHandler<BookingCancelled>,
    IIntegrationEventHandler<BookingExpired>,
    IIntegrationEventHandler<PaymentRefunded>,
    IIntegrationEventHandler<EventUpdated>,
    IIntegrationEventHandler<EventCancelled>
{
    public Task HandleAsync(IntegrationEventEnvelope<BookingConfirmed> message, CancellationToken cancellationToken) =>
        ingestor.HandleAsync(Data(message), message.Id, cancellationToken);

    public Task HandleAsync(IntegrationEventEnvelope<BookingCancelled> message, CancellationToken cancellationToken) =>
        ingestor.HandleAsync(Data(message), message.Id, cancellationToken);

    public Task HandleAsync(IntegrationEventEnvelope<BookingExpired> message, CancellationToken cancellationToken) =>
        ingestor.HandleAsync(Data(message), message.Id, cancellationToken);

    public Task HandleAsync(IntegrationEventEnvelope<PaymentRefunded> message, CancellationToken cancellationToken) =>
        ingestor.HandleAsync(Data(message), message.Id, cancellationToken);

    public Task HandleAsync(IntegrationEventEnvelope<EventUpdated> message, CancellationToken cancellationToken) =>
        ingestor.HandleAsync(Data(message), message.Id, cancellationToken);

    public Task HandleAsync(IntegrationEventEnvelope<EventCancelled> message, CancellationToken cancellationToken) =>
        ingestor.HandleAsync(Data(message), message.Id, cancellationToken);

    private static T Data<T>(IntegrationEventEnvelope<T> message) where T : IIntegrationEvent =>
        message.Id == Guid.Empty || message.Data is null
            ? throw new PoisonMessageException($"The {message.Type} message has no id or no data.")
            : message.Data;
}
