using Bookings.Api.Infrastructure;
using Bookings.Api.UseCases;
using Bookings.Api.Webhooks;
using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;

namespace Bookings.Api.IntegrationEvents;

/// <summary>
/// <c>event.cancelled</c>: refund and cancel every live booking of the event. The work calls events-api and the gateway,
/// so it runs before the inbox record; it is idempotent by itself (finished bookings are skipped, refunds and releases
/// are idempotent per payment/hold), and the inbox then records the message so redeliveries do nothing.
/// </summary>
public sealed partial class EventCancelledHandler(
    BookingsDbContext db, CancelEventBookings cancelEventBookings, WebhookFanOut webhooks, ILogger<EventCancelledHandler> logger)
    : IIntegrationEventHandler<EventCancelled>
{
    private const string Consumer = nameof(EventCancelledHandler);

    public async Task HandleAsync(IntegrationEventEnvelope<EventCancelled> message, CancellationToken cancellationToken)
    {
        if (await db.IsProcessedAsync(message.Id, Consumer, cancellationToken))
        {
            return;
        }

        var reason = string.IsNullOrWhiteSpace(message.Data.Reason) ? "The event was cancelled." : "The event was cancelled: " + message.Data.Reason;
        var cancelled = await cancelEventBookings.RunAsync(message.Data.EventId, reason.Length > 500 ? reason[..500] : reason, cancellationToken);
        db.ChangeTracker.Clear();
        // The organizer's webhooks hear of it too (one delivery per endpoint and message, however often it is redelivered).
        await webhooks.FanOutAsync(message.Id, message.Data.OrganizerId, WebhookEventTypes.EventCancelled, message.Data.CancelledAt, message.Data,
            cancellationToken);
        await db.ProcessOnceAsync(message.Id, Consumer, _ => Task.CompletedTask, cancellationToken);
        LogEventCancelled(logger, message.Data.EventId, cancelled);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} was cancelled: {Count} bookings refunded and cancelled")]
    private static partial void LogEventCancelled(ILogger logger, Guid eventId, int count);
}
