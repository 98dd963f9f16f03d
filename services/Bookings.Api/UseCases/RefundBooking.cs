using Bookings.Api.Apis;
using Bookings.Api.Infrastructure;
using Bookings.Api.UseCases.Steps;

namespace Bookings.Api.UseCases;

/// <summary>An admin refund of a confirmed booking: all the money back, seats returned, booking Refunded. Runs under the booking's lock.</summary>
public sealed class RefundBooking(BookingsDbContext db, BookingLocks locks, BookingCancellation cancellation)
{
    public async Task<PaymentDto> RunAsync(Guid bookingId, string reason, CancellationToken cancellationToken)
    {
        await using var lease = await locks.AcquireAsync(bookingId, cancellationToken);
        var booking = await db.Bookings.FindAsync([bookingId], cancellationToken)
            ?? throw new DomainException(BookingErrors.BookingNotFound);
        var payment = await cancellation.RefundAsync(booking, reason, cancellationToken);
        return PaymentDto.From(payment, booking.Status);
    }
}
