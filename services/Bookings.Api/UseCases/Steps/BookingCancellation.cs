using Bookings.Api.Infrastructure;
using Bookings.Api.Inventory;
using Bookings.Api.Model;
using Bookings.Api.Payments;
using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Bookings.Api.UseCases.Steps;

/// <summary>
/// Ends a booking with its money and seats: release the seats in events-api, refund at the gateway (both idempotent), then
/// ONE transaction: booking cancelled or refunded, payment refunded, tickets voided, <c>booking.cancelled</c> and
/// <c>payment.refunded</c> in the outbox. The caller holds the booking's lock.
/// </summary>
public sealed partial class BookingCancellation(
    BookingsDbContext db, IInventoryClient inventory, IPaymentGateway gateway, RefundPolicy policy, TimeProvider time, ILogger<BookingCancellation> logger)
{
    /// <summary>Cancels a pending or confirmed booking: its attendee gets what the refund policy allows, staff refund in full.</summary>
    public async Task CancelAsync(Booking booking, string by, string reason, bool byStaff, CancellationToken cancellationToken)
    {
        booking.EnsureCancellable();
        var payment = await db.Payments.SingleOrDefaultAsync(p => p.BookingId == booking.Id && (p.Status == PaymentStatus.Pending || p.Status == PaymentStatus.Succeeded), cancellationToken);
        if (payment is { Status: PaymentStatus.Pending })
        {
            throw new DomainException(BookingErrors.PaymentPending("A payment of this booking is still being processed; try again once it is settled."));
        }

        var refund = payment is null ? 0m : policy.RefundFor(booking, byStaff, time.GetUtcNow());
        await ReleaseSeatsAsync(booking, cancellationToken);
        if (payment is not null)
        {
            await gateway.RefundAsync(payment.Id, refund, cancellationToken);
        }

        await CommitAsync(booking, payment, refund, by, reason, refundOnly: false, cancellationToken);
    }

    /// <summary>An admin refund of a confirmed booking: all the money back, seats returned, booking Refunded.</summary>
    public async Task<Payment> RefundAsync(Booking booking, string reason, CancellationToken cancellationToken)
    {
        booking.EnsureRefundable();
        var payment = await db.Payments.SingleAsync(p => p.BookingId == booking.Id && p.Status == PaymentStatus.Succeeded, cancellationToken);
        await ReleaseSeatsAsync(booking, cancellationToken);
        await gateway.RefundAsync(payment.Id, payment.Amount, cancellationToken);
        await CommitAsync(booking, payment, payment.Amount, "admin", reason, refundOnly: true, cancellationToken);
        return payment;
    }

    /// <summary>
    /// The money came in but the seats are gone (hold expired and sold, event cancelled…): everything back, booking cancelled.
    /// False when events-api could not be reached (nothing changed; the reconciler tries again).
    /// </summary>
    public async Task<bool> GiveBackAsync(Booking booking, Payment payment, CancellationToken cancellationToken)
    {
        if (!await inventory.ReleaseHoldAsync(booking.EventId, booking.Id, cancellationToken))
        {
            return false;
        }

        await gateway.RefundAsync(payment.Id, payment.Amount, cancellationToken);
        await CommitAsync(booking, payment, payment.Amount, "system", "seats-unavailable", refundOnly: false, cancellationToken);
        return true;
    }

    private async Task ReleaseSeatsAsync(Booking booking, CancellationToken cancellationToken)
    {
        if (!await inventory.ReleaseHoldAsync(booking.EventId, booking.Id, cancellationToken))
        {
            throw new DomainException(BookingErrors.InventoryUnavailable("The seats could not be released right now; nothing changed, try again."));
        }
    }

    private async Task CommitAsync(Booking booking, Payment? payment, decimal refund, string by, string reason, bool refundOnly, CancellationToken cancellationToken)
    {
        await db.RunRetriedAsync(payment is null ? [booking] : [booking, payment], async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var now = time.GetUtcNow();
            if (refundOnly)
            {
                booking.Refund(reason, now);
            }
            else
            {
                booking.Cancel(by, reason, now);
            }

            await db.Tickets.Where(t => t.BookingId == booking.Id && t.Status == TicketStatus.Valid)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, TicketStatus.Void).SetProperty(t => t.VoidedAt, now), cancellationToken);
            Money? refunded = null;
            if (payment is not null)
            {
                payment.MarkRefunded(refund, reason, now);
                refunded = new Money(refund, payment.Currency);
                db.AddIntegrationEvent(new PaymentRefunded(payment.Id, booking.Id, booking.EventId, booking.UserId, booking.UserEmail, refunded, reason, now,
                    booking.OrganizerId, booking.UserLanguage));
            }

            db.AddIntegrationEvent(new BookingCancelled(booking.Id, booking.EventId, booking.UserId, booking.UserEmail, booking.EventTitle,
                booking.Quantity, booking.Id, by, reason, refunded, now, booking.OrganizerId, booking.UserLanguage));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }, cancellationToken);
        LogBookingCancelled(logger, booking.Id, by, refund);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Booking {BookingId} cancelled by {CancelledBy}, refund {Refund}")]
    private static partial void LogBookingCancelled(ILogger logger, Guid bookingId, string cancelledBy, decimal refund);
}
