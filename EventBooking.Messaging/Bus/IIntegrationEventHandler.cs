using EventBooking.Messaging.Contracts;

namespace EventBooking.Messaging;

/// <summary>
/// Handles one integration event type in a consuming service. Resolved from a fresh DI scope per delivery.
/// Return normally only once the effect is committed (the message is acknowledged after that); throw to have it
/// retried with backoff, and dead-lettered after <see cref="EventBusOptions.MaxDeliveryAttempts"/>.
/// Deliveries are at-least-once: make the effect idempotent by message id, e.g. with
/// <see cref="InboxDbContextExtensions.ProcessOnceAsync"/> or <see cref="IInboxStore"/>.
/// </summary>
public interface IIntegrationEventHandler<T> where T : IIntegrationEvent
{
    Task HandleAsync(IntegrationEventEnvelope<T> message, CancellationToken cancellationToken);
}

/// <summary>
/// Thrown by a handler (or the bus) for a message that can never succeed (bad data, unknown schema):
/// it goes to the dead-letter queue at once instead of being retried.
/// </summary>
public sealed class PoisonMessageException : Exception
{
    public PoisonMessageException()
    {
    }

    public PoisonMessageException(string message) : base(message)
    {
    }

    public PoisonMessageException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
