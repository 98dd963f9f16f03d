using Bookings.Api.Apis;
using Bookings.Api.Infrastructure;
using Bookings.Api.Inventory;
using Bookings.Api.Model;
using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Bookings.Api.UseCases.Steps;

/// <summary>
/// The money is in: confirm the hold in events-api, then in ONE transaction confirm the booking, issue the tickets and write
/// <c>booking.confirmed</c> to the outbox. When events-api says the seats are gone, everything is given back instead.
/// The caller holds the booking's lock.
/// </summary>
public sealed partial class BookingConfirmation(
    BookingsDbContext db, IInventoryClient inventory, BookingCancellation cancellation, TicketCodeSigner signer, EntryNumbers entryNumbers,
    IdempotentRequests answers, TimeProvider time, ILogger<BookingConfirmation> logger)
{
    /// <returns>
    /// Null when the booking is confirmed, or left pending for the reconciler because events-api could not be reached;
    /// events-api's refusal (e.g. <c>hold-expired</c>) when the seats were gone and the payment was refunded in full.
    /// </returns>
    public async Task<Error?> ConfirmPaidAsync(Booking booking, Payment payment, CancellationToken cancellationToken)
    {
        if (booking.Status == BookingStatus.Confirmed || payment.Status != PaymentStatus.Succeeded)
        {
            return null;
        }

        var confirm = await inventory.ConfirmHoldAsync(booking.EventId, booking.Id, cancellationToken);
        if (confirm.Succeeded)
        {
            await IssueTicketsAsync(booking, payment, cancellationToken);
            return null;
        }

        if (confirm.IsUnavailable || !await cancellation.GiveBackAsync(booking, payment, cancellationToken))
        {
            return null;
        }

        return confirm.Error;
    }

    /// <summary>The payment's request, when this is one, is answered with the confirmed booking: its answer commits with the tickets.</summary>
    private async Task IssueTicketsAsync(Booking booking, Payment payment, CancellationToken cancellationToken)
    {
        var last = await TakeEntryNumbersAsync(booking, cancellationToken);
        await db.RunRetriedAsync([booking], async () =>
        {
            // One transaction: booking, tickets, the outbox message and the answer commit together (ConfirmationRows).
            var now = time.GetUtcNow();
            booking.Confirm(now);
            // One ticket per seat, line after line: each carries its seat's ticket type, and a reserved line's seats go to its tickets in order.
            var tickets = new List<Ticket>();
            var entry = last - booking.Quantity;
            foreach (var line in booking.Lines)
            {
                for (var i = 0; i < line.Quantity; i++)
                {
                    entry++;
                    var id = Guid.CreateVersion7();
                    var number = $"EB-{booking.EventId.ToString("N")[^8..].ToUpperInvariant()}-{entry:D6}";
                    tickets.Add(Ticket.Issue(id, booking, line, number, entry, signer.Sign(id, booking.EventId, entry, line.Seats?[i]), now, line.Seats?[i]));
                }
            }

            var confirmed = db.NewOutboxMessage(new BookingConfirmed(booking.Id, booking.EventId, booking.UserId, booking.UserEmail, booking.UserName,
                booking.EventTitle, booking.EventStartsAt, booking.Quantity, new Money(booking.Amount, booking.Currency), booking.Id,
                tickets.Select(t => new TicketInfo(t.Id, t.TicketNumber, t.EntryNumber, t.Code, t.TicketTypeId, t.TicketTypeName, SeatInfoOf(t.Seat))).ToList(), now,
                booking.OrganizerId,
                booking.Lines.Select(l => new BookingLineInfo(l.TicketTypeId, l.TicketTypeName, l.Quantity, l.UnitPrice, l.Discount,
                    l.Seats?.Select(s => SeatInfoOf(s)!).ToList())).ToList(),
                booking.EventTimeZone, booking.UserLanguage));
            var answer = answers.AnswerCommand(Answers.Payment(PaymentDto.From(payment, booking.Status)));
            await ConfirmationRows.WriteAsync(db, booking, tickets, confirmed, answer, cancellationToken);
        }, cancellationToken);
        answers.SavedWithWork();
        db.SignalOutbox();
        LogBookingConfirmed(logger, booking.Id, booking.Quantity);
    }

    private static SeatInfo? SeatInfoOf(Seat? s) => s is null ? null : new SeatInfo(s.SeatId, s.Area, s.Row, s.Number);

    /// <summary>
    /// Entry numbers are taken before the confirming transaction (<see cref="EntryNumbers"/>: in their own statement, committed
    /// at once, or from this replica's block), so confirmations of one event do not queue behind each other's ticket inserts,
    /// outbox write and commit. Numbers stay unique; a confirmation that fails after taking its numbers leaves a gap (a retried
    /// transaction reuses the numbers it took).
    /// </summary>
    private Task<int> TakeEntryNumbersAsync(Booking booking, CancellationToken cancellationToken) =>
        entryNumbers.TakeAsync(db, booking.EventId, booking.Quantity, cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Booking {BookingId} confirmed with {Quantity} tickets")]
    private static partial void LogBookingConfirmed(ILogger logger, Guid bookingId, int quantity);
}
