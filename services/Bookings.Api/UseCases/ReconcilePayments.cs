using Bookings.Api.Infrastructure;
using Bookings.Api.Model;
using Bookings.Api.UseCases.Steps;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bookings.Api.UseCases;

/// <summary>
/// The payment reconciler: settles payments whose outcome was unknown (asking the gateway) and finishes paid bookings whose
/// confirmation did not complete (events-api was away). Each under the booking's lock, skipped when another operation holds it.
/// </summary>
public sealed class ReconcilePayments(
    BookingsDbContext db, BookingLocks locks, PaymentCharges charges, BookingConfirmation confirmation, IOptions<BookingOptions> options, TimeProvider time)
{
    public const int BatchSize = 50;

    /// <returns>How many payments it settled.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow() - options.Value.ReconcileAfter;
        var candidates = await db.Payments.AsNoTracking()
            .Where(p => (p.Status == PaymentStatus.Pending && p.CreatedAt <= before)
                || (p.Status == PaymentStatus.Succeeded && db.Bookings.Any(b => b.Id == p.BookingId && b.Status == BookingStatus.PendingPayment)))
            .OrderBy(p => p.CreatedAt)
            .Select(p => p.Id)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        return await db.CountDoneAsync(candidates, id => TryReconcileAsync(id, cancellationToken));
    }

    private async Task<bool> TryReconcileAsync(Guid paymentId, CancellationToken cancellationToken)
    {
        var bookingId = await db.Payments.Where(p => p.Id == paymentId).Select(p => p.BookingId).SingleAsync(cancellationToken);
        await using var lease = await locks.TryAcquireAsync(bookingId, cancellationToken);
        if (lease is null)
        {
            return false;
        }

        var payment = await db.Payments.SingleAsync(p => p.Id == paymentId, cancellationToken);
        var booking = await db.Bookings.SingleAsync(b => b.Id == bookingId, cancellationToken);
        if (payment.Status == PaymentStatus.Pending)
        {
            await charges.LookUpAsync(payment, cancellationToken);
        }

        if (payment.Status == PaymentStatus.Succeeded && booking.Status == BookingStatus.PendingPayment)
        {
            // Seats gone means refunded in full: settled either way, nobody to tell but the outbox.
            await confirmation.ConfirmPaidAsync(booking, payment, cancellationToken);
        }

        return payment.Status != PaymentStatus.Pending;
    }
}
