using Bookings.Api.Apis;
using Bookings.Api.Infrastructure;
using Bookings.Api.UseCases.Steps;

namespace Bookings.Api.UseCases;

/// <summary>
/// Cancels a booking at the request of its attendee (refund under the policy), the event's organizer or an admin (full
/// refund): seats released, tickets voided. Runs under the booking's lock.
/// </summary>
public sealed class CancelBooking(BookingsDbContext db, BookingLocks locks, BookingCancellation cancellation)
{
    public async Task<BookingDto> RunAsync(Actor actor, Guid bookingId, string? reason, CancellationToken cancellationToken)
    {
        await using var lease = await locks.AcquireAsync(bookingId, cancellationToken);
        var booking = await db.Bookings.FindAsync([bookingId], cancellationToken);
        if (booking is null || !actor.MaySee(booking))
        {
            throw new DomainException(BookingErrors.BookingNotFound);
        }

        var byStaff = actor.IsStaffOf(booking);
        var by = byStaff ? (actor.IsAdmin ? "admin" : "organizer") : "attendee";
        await cancellation.CancelAsync(booking, by, reason ?? "Cancelled by the " + by + ".", byStaff, cancellationToken);
        return BookingDto.From(booking);
    }
}
