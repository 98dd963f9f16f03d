using EventBooking.Messaging;
using Events.Api.Infrastructure;
using Events.Api.Infrastructure.Postgres;
using Events.Api.Model;

namespace Events.Api.IntegrationEvents;

/// <summary>
/// What a booking's confirmation changes in events-api, once per message: the buyer becomes an attendee (review eligibility)
/// and analytics counts the purchase.
/// </summary>
public interface IBookingOutcomes
{
    Task RecordOnceAsync(Guid messageId, string consumer, Attendance attendance, Signal signal, CancellationToken cancellationToken);
}

/// <summary>
/// PostgreSQL: the inbox row, the attendance and the signal as one statement (one round trip, one implicit transaction). Every
/// booking sold in a rush brings one: as an inbox transaction of its own it was five statements in four round trips.
/// </summary>
public sealed class PostgresBookingOutcomes(EventsDbContext db) : IBookingOutcomes
{
    public Task RecordOnceAsync(Guid messageId, string consumer, Attendance attendance, Signal signal, CancellationToken cancellationToken) =>
        db.ProcessOnceAsync(messageId, consumer,
            () => [PostgresReviewStore.AttendanceCommand(attendance), PostgresAnalyticsStore.BookingSignalCommand(signal)], cancellationToken);
}

/// <summary>MongoDB: through the stores and the document inbox, whose effects are keyed by booking (<see cref="DocumentMessageInbox"/>).</summary>
public sealed class DocumentBookingOutcomes(IMessageInbox inbox, IReviewStore reviews, IAnalyticsStore analytics) : IBookingOutcomes
{
    public Task RecordOnceAsync(Guid messageId, string consumer, Attendance attendance, Signal signal, CancellationToken cancellationToken) =>
        inbox.ProcessOnceAsync(messageId, consumer, async ct =>
        {
            await reviews.RecordAttendanceAsync(attendance, ct);
            await analytics.RecordBookingAsync(signal, ct);
        }, cancellationToken);
}
