using Bookings.Api.Apis;
using Bookings.Api.Infrastructure;
using Bookings.Api.Inventory;
using Bookings.Api.Model;
using Bookings.Api.UseCases.Steps;
using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Bookings.Api.UseCases;

/// <summary>
/// The event's organizer or an admin moves a booking to other seats of the same categories (a broken seat, a party seated
/// together, a changed hall): events-api moves the hold's seats, all or none; then the booking's lines and valid tickets take the
/// seats the hold has now (a ticket whose seat stayed keeps it and its code; the others take the new seats in order, each with
/// a new code naming its seat, so the old one no longer admits)
/// and the attendee is told (<see cref="BookingSeatsMoved"/>, in the same transaction). Runs under the booking's lock. A retry
/// after a lost answer or a crash converges: events-api skips a move made already, and the booking always follows the hold.
/// </summary>
public sealed partial class MoveBookingSeats(BookingsDbContext db, BookingLocks locks, IInventoryClient inventory, TicketCodeSigner signer, TimeProvider time,
    ILogger<MoveBookingSeats> logger)
{
    public async Task<BookingDto> RunAsync(Actor actor, Guid bookingId, IReadOnlyList<SeatMoveRequest> moves, string? reason,
        CancellationToken cancellationToken)
    {
        await using var lease = await locks.AcquireAsync(bookingId, cancellationToken);
        var booking = await db.Bookings.FindAsync([bookingId], cancellationToken);
        if (booking is null || !actor.MaySee(booking))
        {
            throw new DomainException(BookingErrors.BookingNotFound);
        }

        if (!actor.IsStaffOf(booking))
        {
            throw new DomainException(Error.Forbidden("Only the event's organizer or an admin moves a booking to other seats."));
        }

        if (booking.Status is not (BookingStatus.Confirmed or BookingStatus.PendingPayment))
        {
            throw new DomainException("illegal-transition", ErrorKind.Conflict, $"A booking that is {booking.Status} has no seats to move.");
        }

        if (booking.Lines.All(l => l.Seats is null))
        {
            throw new DomainException("booking-not-seated", ErrorKind.Conflict, "This booking has no reserved seats (general admission): nothing to move.");
        }

        var moved = await inventory.MoveSeatsAsync(booking.EventId, booking.Id, moves, cancellationToken);
        if (!moved.Succeeded)
        {
            throw new DomainException(Refusal(moved.Error!));
        }

        // Per line, the seats that left the hold go, in order, to the seats that came into it: each ticket on a seat that left
        // takes its partner (a swap inside the booking changes no ticket). On a retry that found the move done, nothing changes.
        var held = moved.Value!.Seats;
        var partners = new Dictionary<string, Seat>(StringComparer.Ordinal);
        var lines = new List<(BookingLine Line, List<Seat> Seats)>();
        foreach (var line in booking.Lines.Where(l => l.Seats is not null))
        {
            var seats = held.Where(s => s.TicketTypeId == line.TicketTypeId).Select(s => new Seat(s.SeatId, s.AreaName ?? s.Area, s.Row, s.Number)).ToList();
            if (seats.Count != line.Quantity)
            {
                throw new DomainException(new Error("invalid-hold", ErrorKind.Unprocessable,
                    "events-api answered seats of the hold that are not the booking's (another count of a ticket type)."));
            }

            var stays = seats.Select(s => s.SeatId).ToHashSet(StringComparer.Ordinal);
            var had = line.Seats!.Select(s => s.SeatId).ToHashSet(StringComparer.Ordinal);
            foreach (var (left, came) in line.Seats!.Where(s => !stays.Contains(s.SeatId)).Zip(seats.Where(s => !had.Contains(s.SeatId))))
            {
                partners[left.SeatId] = came;
            }

            lines.Add((line, seats));
        }

        var changes = booking.Lines.SelectMany(l => l.Seats ?? []).Where(s => partners.ContainsKey(s.SeatId))
            .Select(s => new SeatMoveInfo(Info(s), Info(partners[s.SeatId]))).ToList();
        if (changes.Count == 0)
        {
            return BookingDto.From(booking);
        }

        await db.RunRetriedAsync([booking], async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            foreach (var (line, seats) in lines)
            {
                booking.Lines.Single(l => l.TicketTypeId == line.TicketTypeId).SeatAt(seats);
            }

            var tickets = await db.Tickets.Where(t => t.BookingId == booking.Id && t.Status == TicketStatus.Valid).OrderBy(t => t.EntryNumber)
                .ToListAsync(cancellationToken);
            foreach (var ticket in tickets)
            {
                if (ticket.Seat is { } seat && partners.TryGetValue(seat.SeatId, out var partner))
                {
                    ticket.MoveTo(partner, signer.Sign(ticket.Id, ticket.EventId, ticket.EntryNumber, partner));
                }
            }

            var by = actor.IsAdmin ? "admin" : "organizer";
            db.AddIntegrationEvent(new BookingSeatsMoved(booking.Id, booking.EventId, booking.UserId, booking.UserEmail, booking.EventTitle,
                booking.EventStartsAt, booking.EventTimeZone, changes,
                [.. tickets.Select(t => new TicketInfo(t.Id, t.TicketNumber, t.EntryNumber, t.Code, t.TicketTypeId, t.TicketTypeName, t.Seat is { } s ? Info(s) : null))],
                by, reason, time.GetUtcNow(), booking.OrganizerId, booking.UserLanguage));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }, cancellationToken);
        LogSeatsMoved(logger, booking.Id, changes.Count);
        return BookingDto.From(booking);
    }

    private static SeatInfo Info(Seat seat) => new(seat.SeatId, seat.Area, seat.Row, seat.Number);

    /// <summary>events-api's refusal as the caller should read it: the seats' field errors as the request's, the rest as said.</summary>
    private static Error Refusal(Error inventoryError) => inventoryError switch
    {
        { Kind: ErrorKind.NotFound, Code: "hold-not-found" } => new Error("illegal-transition", ErrorKind.Conflict, "The booking holds no seats now."),
        { Kind: ErrorKind.Unavailable } => BookingErrors.InventoryUnavailable("The seats could not be moved right now; nothing changed, try again."),
        _ => inventoryError,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Booking {BookingId}: {Moves} seats moved")]
    private static partial void LogSeatsMoved(ILogger logger, Guid bookingId, int moves);
}
