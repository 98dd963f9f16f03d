using Bookings.Api.Infrastructure;
using Bookings.Api.Model;
using Bookings.Api.UseCases.Steps;
using Microsoft.EntityFrameworkCore;

namespace Bookings.Api.UseCases;

/// <summary>
/// Lets a ticket in at the door, once. The code must carry our signature (a forged or altered code is refused before any
/// lookup) and name this event. The admission is one conditional UPDATE (still valid, not yet in), so two doors scanning the
/// same ticket at the same moment get exactly one "admitted"; the other gets "already checked in" with when and where.
/// A ticket of a cancelled or refunded booking is void and refused. There is no check-out: a ticket admits once.
/// </summary>
public sealed partial class CheckInTicket(BookingsDbContext db, TicketCodeSigner signer, TimeProvider time, ILogger<CheckInTicket> logger)
{
    public const string CheckedInAtKey = "checkedInAt";
    public const string DoorKey = "door";
    public const string TicketNumberKey = "ticketNumber";

    public async Task<CheckIn> RunAsync(Guid eventId, string code, string door, Guid staffId, CancellationToken cancellationToken)
    {
        if (!signer.TryRead(code, out var ticketId, out var codeEventId))
        {
            throw new DomainException(CheckInErrors.InvalidCode);
        }

        if (codeEventId != eventId)
        {
            throw new DomainException(CheckInErrors.WrongEvent);
        }

        var now = time.GetUtcNow();
        var admitted = await db.Tickets
            .Where(t => t.Id == ticketId && t.EventId == eventId && t.Code == code && t.Status == TicketStatus.Valid && t.CheckedInAt == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.CheckedInAt, now)
                .SetProperty(t => t.CheckedInDoor, door)
                .SetProperty(t => t.CheckedInBy, staffId), cancellationToken);
        var found = await db.Tickets.AsNoTracking().Where(t => t.Id == ticketId && t.EventId == eventId)
            .Join(db.Bookings, t => t.BookingId, b => b.Id, (t, b) => new CheckIn(t, b.UserName))
            .SingleOrDefaultAsync(cancellationToken);
        var ticket = found?.Ticket;
        if (ticket is null)
        {
            // Signed with our key but not a ticket we issued (e.g. another installation's): nothing to let in.
            throw new DomainException(Error.NotFound("ticket"));
        }

        if (ticket.Code != code)
        {
            // Our ticket with a code it no longer has: its booking was moved to other seats and the ticket reissued.
            throw new DomainException(CheckInErrors.Replaced(ticket));
        }

        if (admitted == 1)
        {
            LogAdmitted(logger, ticket.Id, eventId, door);
            return found!;
        }

        if (ticket.Status == TicketStatus.Void)
        {
            throw new DomainException(CheckInErrors.Void(ticket));
        }

        throw new DomainException(CheckInErrors.AlreadyCheckedIn(ticket));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ticket {TicketId} of event {EventId} checked in at {Door}")]
    private static partial void LogAdmitted(ILogger logger, Guid ticketId, Guid eventId, string door);
}

/// <summary>A ticket let in, with the name on its booking (for the door staff to check).</summary>
public sealed record CheckIn(Ticket Ticket, string? AttendeeName);

/// <summary>The door's refusals: each names the ticket's state so the page (and a scanner app) can show it plainly.</summary>
public static class CheckInErrors
{
    public static Error InvalidCode { get; } = new("ticket-code-invalid", ErrorKind.Unprocessable,
        "This is not a valid EventBooking ticket code: it is malformed, altered or forged.");

    public static Error WrongEvent { get; } = new("ticket-wrong-event", ErrorKind.Unprocessable,
        "This ticket is for another event.");

    public static Error Void(Ticket ticket) => new Error("ticket-void", ErrorKind.Conflict,
            "This ticket was voided (its booking was cancelled or refunded) and does not admit.")
        .With(CheckInTicket.TicketNumberKey, ticket.TicketNumber);

    public static Error Replaced(Ticket ticket) => new Error("ticket-code-replaced", ErrorKind.Conflict,
            "This code was replaced: the ticket was moved to another seat and reissued. Ask for the ticket sent with the move.")
        .With(CheckInTicket.TicketNumberKey, ticket.TicketNumber)
        .With("seat", Apis.SeatDto.From(ticket.Seat));

    public static Error AlreadyCheckedIn(Ticket ticket) => new Error("ticket-already-checked-in", ErrorKind.Conflict,
            $"This ticket was already checked in{(ticket.CheckedInDoor is { } door ? $" at {door}" : "")}.")
        .With(CheckInTicket.TicketNumberKey, ticket.TicketNumber)
        .With(CheckInTicket.CheckedInAtKey, ticket.CheckedInAt)
        .With(CheckInTicket.DoorKey, ticket.CheckedInDoor)
        .With("seat", Apis.SeatDto.From(ticket.Seat));
}
