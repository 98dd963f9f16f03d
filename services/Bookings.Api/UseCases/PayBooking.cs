using Bookings.Api.Apis;
using Bookings.Api.Infrastructure;
using Bookings.Api.Model;
using Bookings.Api.UseCases.Steps;
using Microsoft.EntityFrameworkCore;

namespace Bookings.Api.UseCases;

/// <summary>
/// Pays a booking by card, once: at most one payment of a booking is pending or succeeded, and running again with the same
/// payment id (a retried request) continues that payment instead of charging again. Paid, the booking is confirmed (or, when
/// the seats are gone, the money goes back). Runs under the booking's lock.
/// </summary>
public sealed class PayBooking(BookingsDbContext db, BookingLocks locks, PaymentCharges charges, BookingConfirmation confirmation, TimeProvider time)
{
    /// <summary>
    /// One query (both tracked): the booking, and its payments that answer both questions — did this request get this far
    /// before, and is another payment of the booking live? Compiled once: every purchase runs it.
    /// </summary>
    private static readonly Func<BookingsDbContext, Guid, Guid, CancellationToken, Task<BookingWithPayments?>> FindWithPaymentsAsync =
        EF.CompileAsyncQuery((BookingsDbContext db, Guid bookingId, Guid paymentId, CancellationToken _) =>
            db.Bookings.Where(b => b.Id == bookingId)
                .Select(b => new BookingWithPayments(b, db.Payments
                    .Where(p => p.BookingId == b.Id && (p.Id == paymentId || p.Status == PaymentStatus.Pending || p.Status == PaymentStatus.Succeeded))
                    .ToList()))
                .SingleOrDefault());

    /// <returns>The payment; the booking is still <c>PendingPayment</c> while the outcome is unknown or the confirmation is left to the reconciler.</returns>
    public async Task<PaymentDto> RunAsync(Actor actor, Guid bookingId, Guid paymentId, string cardNumber, CancellationToken cancellationToken)
    {
        await using var lease = await locks.AcquireAsync(bookingId, cancellationToken);
        var found = await FindWithPaymentsAsync(db, bookingId, paymentId, cancellationToken);
        if (found is null || !found.Booking.IsOwnedBy(actor.UserId))
        {
            throw new DomainException(BookingErrors.BookingNotFound);
        }

        var (booking, payments) = (found.Booking, found.Payments);
        var same = payments.SingleOrDefault(p => p.Id == paymentId);
        if (same is not null && !same.CanRetryCharge)
        {
            // The same idempotent request got this far before (and its answer was not stored): continue it.
            return await ContinueAsync(booking, same, cardNumber, cancellationToken);
        }

        var live = payments.SingleOrDefault(p => p.Id != paymentId && p.Status is PaymentStatus.Pending or PaymentStatus.Succeeded);
        if (live is not null)
        {
            throw PaymentRefusal.Of(live.Status == PaymentStatus.Pending
                ? BookingErrors.PaymentPending("A payment of this booking is still being processed.")
                : new Error("already-paid", ErrorKind.Conflict, "This booking is already paid."), live.Id);
        }

        booking.EnsurePayable(time.GetUtcNow());
        Payment payment;
        if (same is not null)
        {
            // The same request again, after its first attempt failed before reaching the gateway (database or network
            // away) and the reconciler found no charge: send the same payment again — a decline is for cards, not outages.
            payment = same;
            payment.RetryCharge();
            await db.SaveChangesAsync(cancellationToken);
        }
        else
        {
            payment = Payment.Start(paymentId, booking, cardNumber[^4..], time.GetUtcNow());
            await PaymentRows.InsertAsync(db, payment, cancellationToken);
        }

        return await ContinueAsync(booking, payment, cardNumber, cancellationToken);
    }

    private async Task<PaymentDto> ContinueAsync(Booking booking, Payment payment, string cardNumber, CancellationToken cancellationToken)
    {
        if (payment.Status == PaymentStatus.Pending)
        {
            await charges.ChargeAsync(payment, cardNumber, cancellationToken);
        }

        if (payment.Status == PaymentStatus.Failed)
        {
            // Our codes are kebab-case: a gateway's decline code (card_declined, insufficient_funds) is passed on in our spelling.
            throw PaymentRefusal.Of(new Error((payment.FailureCode ?? "card-declined").Replace('_', '-'), ErrorKind.Declined,
                (payment.FailureMessage ?? "The payment failed.") + " The booking can still be paid until its hold expires."), payment.Id);
        }

        if (await confirmation.ConfirmPaidAsync(booking, payment, cancellationToken) is { } seatsGone)
        {
            // events-api's code (hold-expired…) travels on; the detail says what bookings-api did about it.
            throw PaymentRefusal.Of(new Error(seatsGone.Kind == ErrorKind.Conflict ? seatsGone.Code : "hold-expired", ErrorKind.Conflict,
                "The seats were no longer available when the payment arrived; the payment was refunded in full."), payment.Id);
        }

        return PaymentDto.From(payment, booking.Status);
    }

    private sealed record BookingWithPayments(Booking Booking, List<Payment> Payments);
}
