namespace Events.Api.Model;

/// <summary>
/// Every refusal of events-api, with its stable code (the problem's <c>code</c>; bookings-api reads the inventory's with
/// <c>Problems.CodeOf</c> and passes them on unchanged). The status comes from the kind, once, at the API edge.
/// </summary>
public static class EventErrors
{
    public static Error NotFound { get; } = Error.NotFound("event");

    public static Error NotYours { get; } = Error.Forbidden("Only the event's organizer or an admin may change it.");

    /// <summary>Someone else saved the event since it was read.</summary>
    public static Error ChangedMeanwhile { get; } =
        new("concurrent-update", ErrorKind.Conflict, "The event was changed at the same time; reload it and try again.");

    public static Error HasSales { get; } =
        new("has-sales", ErrorKind.Conflict, "The event has sold or held seats: cancel it instead, and its bookings are refunded.");

    public static Error InvalidState(string detail) => new("invalid-state", ErrorKind.Conflict, detail);
}

public static class HoldErrors
{
    public static Error NotFound { get; } = Error.NotFound("hold");

    public static Error SoldOut { get; } = new("sold-out", ErrorKind.Conflict, "Not enough seats are left.");

    public static Error NotOnSale { get; } =
        new("not-on-sale", ErrorKind.Conflict, "The event is not on sale: it is not published, is cancelled or has started.");

    public static Error HoldIdTaken { get; } = new("hold-conflict", ErrorKind.Conflict, "The hold id belongs to another event.");

    public static Error Expired { get; } = new("hold-expired", ErrorKind.Conflict, "The hold expired and its seats are gone: refund the payment.");

    public static Error Released { get; } = new("hold-released", ErrorKind.Conflict, "The hold was released: refund the payment.");

    public static Error TicketTypeRequired { get; } = new("ticket-type-required", ErrorKind.Unprocessable,
        "The event sells several ticket types: the hold must say how many seats of which (lines).");

    public static Error TicketTypeNotOnSale { get; } =
        new("ticket-type-not-on-sale", ErrorKind.Conflict, "The ticket type is not on sale now (outside its sales window).");

    public static Error OverOrderLimit { get; } =
        new("over-order-limit", ErrorKind.Unprocessable, "More tickets of this type than it sells in one order.");

    public static Error SeatNotAvailable { get; } = new("seat-not-available", ErrorKind.Conflict,
        "A seat asked for is held, sold or blocked (seatIds names them): nothing was held.");

    public static Error SeatsNotTogether { get; } = new("seats-not-together", ErrorKind.Conflict,
        "No block of that many seats side by side is left in this category: allow a split, or pick the seats on the map.");
}

public static class ReviewErrors
{
    public static Error NotStarted { get; } = new("not-eligible", ErrorKind.Forbidden, "Reviews open once the event has started.");

    public static Error NotAnAttendee { get; } =
        new("not-eligible", ErrorKind.Forbidden, "Only attendees with a confirmed booking can review the event.");
}
