using Bookings.Api.Infrastructure;
using Bookings.Api.Model;
using Bookings.Api.UseCases.Steps;
using Microsoft.EntityFrameworkCore;

namespace Bookings.Api.UseCases;

/// <summary>
/// An event was cancelled: every live booking of it is cancelled with a full refund and its seats released. Safe to repeat:
/// bookings already finished are skipped (each under its own lock).
/// </summary>
public sealed class CancelEventBookings(BookingsDbContext db, BookingLocks locks, BookingCancellation cancellation)
{
    /// <returns>How many live bookings it found and handled.</returns>
    public async Task<int> RunAsync(Guid eventId, string reason, CancellationToken cancellationToken)
    {
        var ids = await db.Bookings.AsNoTracking()
            .Where(b => b.EventId == eventId && (b.Status == BookingStatus.PendingPayment || b.Status == BookingStatus.Confirmed))
            .Select(b => b.Id)
            .ToListAsync(cancellationToken);
        return await db.CountDoneAsync(ids, async id =>
        {
            try
            {
                await CancelOneAsync(id, reason, cancellationToken);
                return true;
            }
            catch (DomainException refused)
            {
                throw new InvalidOperationException($"Booking {id} of cancelled event {eventId} could not be cancelled yet: {refused.Message}", refused);
            }
        });
    }

    /// <summary>Cancels one booking if it is still live (a booking finished meanwhile is left as it is).</summary>
    private async Task CancelOneAsync(Guid bookingId, string reason, CancellationToken cancellationToken)
    {
        await using var lease = await locks.AcquireAsync(bookingId, cancellationToken);
        var booking = await db.Bookings.FindAsync([bookingId], cancellationToken);
        if (booking is { Status: BookingStatus.PendingPayment or BookingStatus.Confirmed })
        {
            await cancellation.CancelAsync(booking, Booking.CancelledWithEvent, reason, byStaff: true, cancellationToken);
        }
    }
}
