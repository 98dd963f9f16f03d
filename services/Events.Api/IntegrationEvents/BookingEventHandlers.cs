using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using Events.Api.Infrastructure;
using Events.Api.Model;

namespace Events.Api.IntegrationEvents;

/// <summary>
/// booking.confirmed: the user becomes an attendee (review eligibility) and analytics counts a purchase. The hold is not touched: bookings-api confirms a
/// booking (and writes this message) only after events-api answered that it confirmed the hold, so confirming it again here
/// was always a no-op, and it cost one more statement locking a hold on the hottest event's rows for every booking sold
/// (measured in a sale rush: the confirm statement ran twice per booking, 1.9 ms each, mostly lock waits).
/// </summary>
public sealed class BookingConfirmedHandler(IBookingOutcomes outcomes) : IIntegrationEventHandler<BookingConfirmed>
{
    public Task HandleAsync(IntegrationEventEnvelope<BookingConfirmed> message, CancellationToken cancellationToken)
    {
        var data = message.Data;
        return outcomes.RecordOnceAsync(message.Id, "events-api.booking-confirmed",
            new Attendance(data.BookingId, data.EventId, data.UserId, Confirmed: true, data.ConfirmedAt),
            new Signal(SignalKind.Purchase, data.EventId, data.UserId, null, data.ConfirmedAt, data.Quantity, data.Amount.Amount, data.Amount.Currency,
                BookingId: data.BookingId),
            cancellationToken);
    }
}

/// <summary>booking.cancelled: no longer an attendee; its seats go back (idempotent: already released is fine); analytics counts a cancellation.</summary>
public sealed class BookingCancelledHandler(IMessageInbox inbox, IReviewStore reviews, IInventoryStore inventory, IAnalyticsStore analytics, TimeProvider time)
    : IIntegrationEventHandler<BookingCancelled>
{
    public async Task HandleAsync(IntegrationEventEnvelope<BookingCancelled> message, CancellationToken cancellationToken)
    {
        var data = message.Data;
        await inbox.ProcessOnceAsync(message.Id, "events-api.booking-cancelled", async ct =>
        {
            await reviews.RecordAttendanceAsync(new Attendance(data.BookingId, data.EventId, data.UserId, Confirmed: false, data.CancelledAt), ct);
            await inventory.ReleaseHoldAsync(data.EventId, data.HoldId, time.GetUtcNow(), ct);
            await analytics.RecordBookingAsync(new Signal(SignalKind.Cancellation, data.EventId, data.UserId, null, data.CancelledAt, data.Quantity,
                data.Refund?.Amount, data.Refund?.Currency, BookingId: data.BookingId), ct);
        }, cancellationToken);
    }
}

/// <summary>booking.expired: the unpaid booking's hold is released if bookings-api's own release did not arrive.</summary>
public sealed class BookingExpiredHandler(IMessageInbox inbox, IInventoryStore inventory, TimeProvider time) : IIntegrationEventHandler<BookingExpired>
{
    public async Task HandleAsync(IntegrationEventEnvelope<BookingExpired> message, CancellationToken cancellationToken)
    {
        var data = message.Data;
        await inbox.ProcessOnceAsync(message.Id, "events-api.booking-expired",
            async ct => await inventory.ReleaseHoldAsync(data.EventId, data.HoldId, time.GetUtcNow(), ct), cancellationToken);
    }
}
