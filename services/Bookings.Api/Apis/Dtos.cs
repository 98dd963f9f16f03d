using Bookings.Api.Model;
using Bookings.Api.Inventory;

namespace Bookings.Api.Apis;

/// <summary>
/// <c>lines</c> are the seats per ticket type (each type once); without them <c>quantity</c> seats of the event's only ticket
/// type. With lines, <c>quantity</c> may be left out (or must be their sum). <c>promoCode</c> is optional: one of the event's
/// codes, in any case.
/// </summary>
/// <param name="QueuePass">The buyer's waiting-room pass (events-api's <c>GET /api/events/{id}/queue/me</c> once admitted); required while the event's room is on.</param>
/// <param name="WaitingListOffer">A waiting-list offer of the buyer's (events-api's <c>GET /api/events/{id}/waiting-list/me</c>): the booking takes
/// the seats held for it (and the offer id as its id); the quantity (and lines) must be the offer's. No queue pass is needed.</param>
public sealed record CreateBookingRequest(Guid? EventId, int? Quantity, string? PromoCode = null, IReadOnlyList<BookingLineRequest>? Lines = null,
    string? QueuePass = null, Guid? WaitingListOffer = null);

/// <summary>
/// Seats of one ticket type (events-api's <c>GET /api/events/{id}/ticket-types</c> lists them). On a seated event a seat
/// category's type takes particular <c>seatIds</c> (1 to 20 distinct ids from the event's seating; <c>quantity</c> may then be left
/// out, or must be their count) or the best available seats with <c>bestAvailable</c>'s preferences, never both; a line naming
/// neither gets the best available seats, split allowed.
/// </summary>
public sealed record BookingLineRequest(Guid? TicketTypeId, int? Quantity, IReadOnlyList<string>? SeatIds = null, BestAvailableRequest? BestAvailable = null);

/// <summary>Seats of a booking moved to others: <c>{ moves: [{ from, to }], reason? }</c> (the reason is told to the attendee).</summary>
public sealed record MoveSeatsRequest(IReadOnlyList<SeatMoveBody>? Moves, string? Reason = null);

/// <summary>The field errors of a seat move's body: the moves by <see cref="SeatMoves"/>'s rules, and the reason.</summary>
public static class SeatMoveRules
{
    public static Dictionary<string, string[]> Validate(MoveSeatsRequest? request)
    {
        var errors = new Dictionary<string, string[]>();
        SeatMoves.Validate(request?.Moves, errors);
        if (request is null)
        {
            return errors;
        }

        if (request.Reason is { Length: > 500 })
        {
            errors["reason"] = ["reason is at most 500 characters."];
        }
        else if (InputRules.Text(request.Reason, multiline: true) is { } unsafeText)
        {
            errors["reason"] = [unsafeText];
        }

        return errors;
    }
}

/// <summary>A reserved seat: its id in the event's seat map, its area's name, its row and number labels.</summary>
public sealed record SeatDto(string SeatId, string Area, string Row, string Number)
{
    public static SeatDto? From(Seat? s) => s is null ? null : new(s.SeatId, s.Area, s.Row, s.Number);
}

/// <summary>
/// Seats of one ticket type in a booking, at the unit price they were sold at, and the discount that went to them; <c>seats</c>
/// are its reserved seats in the order its tickets get them (null for general admission).
/// </summary>
public sealed record BookingLineDto(Guid? TicketTypeId, string TicketTypeName, int Quantity, decimal UnitPrice, decimal Discount,
    IReadOnlyList<SeatDto>? Seats = null)
{
    public static BookingLineDto From(BookingLine l) => new(l.TicketTypeId, l.TicketTypeName, l.Quantity, l.UnitPrice, l.Discount,
        l.Seats?.Select(s => SeatDto.From(s)!).ToList());
}

public sealed record PayRequest(string? PaymentMethod);

public sealed record CancelRequest(string? Reason);

public sealed record RefundRequest(Guid? BookingId, string? Reason);

public sealed record BookingDto(
    Guid Id, Guid EventId, string EventTitle, DateTimeOffset EventStartsAt, Guid UserId, int Quantity, decimal UnitPrice,
    decimal Amount, string Currency, string Status, DateTimeOffset CreatedAt, DateTimeOffset HoldExpiresAt,
    DateTimeOffset? ConfirmedAt, DateTimeOffset? CancelledAt, string? CancelledBy, string? CancellationReason,
    DateTimeOffset? ExpiredAt, DateTimeOffset? RefundedAt, string? PromoCode, decimal Discount, IReadOnlyList<BookingLineDto> Lines,
    string EventTimeZone)
{
    public static BookingDto From(Booking b) => new(
        b.Id, b.EventId, b.EventTitle, b.EventStartsAt, b.UserId, b.Quantity, b.UnitPrice, b.Amount, b.Currency, b.Status.ToString(),
        b.CreatedAt, b.HoldExpiresAt, b.ConfirmedAt, b.CancelledAt, b.CancelledBy, b.CancellationReason, b.ExpiredAt, b.RefundedAt,
        b.PromoCode, b.Discount, [.. b.Lines.Select(BookingLineDto.From)], b.EventTimeZone);
}

/// <summary>A payment; <c>bookingStatus</c> and <c>eventTitle</c> are filled where the answer is about the booking or a history.</summary>
public sealed record PaymentDto(
    Guid Id, Guid BookingId, Guid EventId, decimal Amount, string Currency, string Status, string CardLast4,
    string? FailureCode, string? FailureMessage, decimal RefundedAmount, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt,
    DateTimeOffset? RefundedAt, string? BookingStatus = null, string? EventTitle = null, string? PromoCode = null, decimal Discount = 0)
{
    public static PaymentDto From(Payment p, BookingStatus? bookingStatus = null, string? eventTitle = null) => new(
        p.Id, p.BookingId, p.EventId, p.Amount, p.Currency, p.Status.ToString(), p.CardLast4, p.FailureCode, p.FailureMessage,
        p.RefundedAmount, p.CreatedAt, p.CompletedAt, p.RefundedAt, bookingStatus?.ToString(), eventTitle, p.PromoCode, p.Discount);
}

/// <summary>
/// A ticket; <c>ticketTypeId</c>/<c>ticketTypeName</c> name its seat's type (the id is null for tickets issued before types);
/// <c>checkedInAt</c> and <c>checkedInDoor</c> say when and where it was let in (null until then); <c>seat</c> is the reserved
/// seat it admits to (null for general admission).
/// </summary>
public sealed record TicketDto(
    Guid Id, Guid BookingId, Guid EventId, string TicketNumber, int EntryNumber, string Code, string Status, DateTimeOffset IssuedAt,
    DateTimeOffset? CheckedInAt, string? CheckedInDoor, Guid? TicketTypeId, string TicketTypeName, SeatDto? Seat = null)
{
    public static TicketDto From(Ticket t) =>
        new(t.Id, t.BookingId, t.EventId, t.TicketNumber, t.EntryNumber, t.Code, t.Status.ToString(), t.IssuedAt, t.CheckedInAt, t.CheckedInDoor,
            t.TicketTypeId, t.TicketTypeName, SeatDto.From(t.Seat));
}

public sealed record AttendeeDto(Guid UserId, string? Email, Guid BookingId);

public sealed record SalesPoint(DateTimeOffset Period, int TicketsSold, decimal Revenue);

/// <summary>
/// An event's sales; <c>checkedIn</c> counts its valid tickets let in at the door so far; <c>ticketTypes</c> splits the
/// confirmed bookings' seats and revenue per ticket type.
/// </summary>
public sealed record EventSales(
    Guid EventId, string EventTitle, string Currency, int TicketsSold, int ConfirmedBookings, decimal Revenue,
    int RefundCount, decimal RefundedAmount, int? Capacity, double? Occupancy, string Interval, IReadOnlyList<SalesPoint> Series, int CheckedIn,
    IReadOnlyList<TicketTypeSales> TicketTypes);

/// <summary>
/// One ticket type's share of an event's confirmed bookings: seats, and revenue (the lines' price less the discount that went
/// to them). <c>ticketTypeId</c> is null for seats sold before ticket types existed.
/// </summary>
public sealed record TicketTypeSales(Guid? TicketTypeId, string Name, int TicketsSold, decimal Revenue, decimal Discount);

public sealed record OrganizerSales(
    Guid OrganizerId, int TicketsSold, IReadOnlyList<MoneyTotal> Revenue, IReadOnlyList<MoneyTotal> Refunds, int RefundCount,
    string Interval, IReadOnlyList<SalesPoint> Series, IReadOnlyList<EventSales> Events);

public sealed record MoneyTotal(decimal Amount, string Currency);
