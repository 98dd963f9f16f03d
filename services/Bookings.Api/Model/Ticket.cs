namespace Bookings.Api.Model;

public enum TicketStatus
{
    Valid,
    Void,
}

/// <summary>One seat of a confirmed booking: a ticket number, an entry number within the event and a signed code.</summary>
public sealed class Ticket
{
    private Ticket()
    {
    }

    public Guid Id { get; private set; }
    public Guid BookingId { get; private set; }
    public Guid EventId { get; private set; }
    public Guid UserId { get; private set; }
    /// <summary>The seat's ticket type (null for tickets issued before types existed: the event's one type, see <see cref="TicketTypeName"/>).</summary>
    public Guid? TicketTypeId { get; private set; }
    public string TicketTypeName { get; private set; } = "";
    /// <summary>The reserved seat this ticket admits to (null for general admission and for tickets issued before reserved seating).</summary>
    public Seat? Seat { get; private set; }
    public string TicketNumber { get; private set; } = "";
    public int EntryNumber { get; private set; }
    public string Code { get; private set; } = "";
    public TicketStatus Status { get; private set; }
    public DateTimeOffset IssuedAt { get; private set; }
    public DateTimeOffset? VoidedAt { get; private set; }

    /// <summary>When the ticket was let in at the door; a ticket admits once (no check-out or re-entry).</summary>
    public DateTimeOffset? CheckedInAt { get; private set; }

    /// <summary>The entrance that let it in, as the door staff named it (e.g. "North gate").</summary>
    public string? CheckedInDoor { get; private set; }

    /// <summary>The organizer (or admin) whose scan let it in.</summary>
    public Guid? CheckedInBy { get; private set; }

    /// <param name="seat">The line's seat this ticket admits to (the line's seats go to its tickets in order); null for general admission.</param>
    public static Ticket Issue(Guid id, Booking booking, BookingLine line, string ticketNumber, int entryNumber, string code, DateTimeOffset now,
        Seat? seat = null) => new()
    {
        Seat = seat,
        TicketTypeId = line.TicketTypeId,
        TicketTypeName = line.TicketTypeName,
        Id = id,
        BookingId = booking.Id,
        EventId = booking.EventId,
        UserId = booking.UserId,
        TicketNumber = ticketNumber,
        EntryNumber = entryNumber,
        Code = code,
        Status = TicketStatus.Valid,
        IssuedAt = now,
    };

    /// <summary>Whether the ticket still admits: a voided one (its booking cancelled or refunded) has no code to show.</summary>
    public void EnsureValid()
    {
        if (Status != TicketStatus.Valid)
        {
            throw new DomainException("ticket-void", ErrorKind.Conflict, "This ticket was voided (its booking was cancelled or refunded).");
        }
    }

    /// <summary>
    /// The ticket admits to another seat now (its booking was moved), with a new code naming that seat: the old code no longer
    /// admits, so nobody sits in the seat the ticket left on its strength.
    /// </summary>
    internal void MoveTo(Seat seat, string code) => (Seat, Code) = (seat, code);

    public void Void(DateTimeOffset now)
    {
        if (Status == TicketStatus.Valid)
        {
            Status = TicketStatus.Void;
            VoidedAt = now;
        }
    }
}
