using Bookings.Api.Infrastructure;
using Bookings.Api.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Bookings.Api.Apis;

/// <summary>Service-to-service endpoints (service identities only).</summary>
public static class InternalApi
{
    public static IEndpointRouteBuilder MapInternalApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/internal").WithTags("Internal").RequireAuthorization(Policies.Internal);
        api.MapGet("/events/{eventId}/attendees", ListAttendees).WithName("ListEventAttendees")
            .WithSummary("The attendees (user, email, booking) of an event, for notifications-api.")
            .WithDescription("Every confirmed booking, plus confirmed bookings cancelled because the event was cancelled (so the consumer " +
                "of `event.cancelled` finds the same people whether or not bookings-api already refunded them). One item per booking, " +
                "oldest confirmation first (a person with two bookings appears twice). An unknown event is an empty list.");
        return app;
    }

    public static async Task<Ok<List<AttendeeDto>>> ListAttendees(Guid eventId, BookingsDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.Bookings.AsNoTracking()
            .Where(b => b.EventId == eventId && (b.Status == BookingStatus.Confirmed
                || (b.Status == BookingStatus.Cancelled && b.CancelledBy == Booking.CancelledWithEvent && b.ConfirmedAt != null)))
            .OrderBy(b => b.ConfirmedAt)
            .Select(b => new AttendeeDto(b.UserId, b.UserEmail, b.Id))
            .ToListAsync(cancellationToken));
}
