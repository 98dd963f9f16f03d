using Events.Api.Model;

namespace Events.Api.WaitingList;

/// <summary>Where an entry of a sold-out event's waiting list stands.</summary>
public enum WaitingListStatus
{
    /// <summary>In line: offered seats when enough come back and every entry before it has been served.</summary>
    Waiting = 0,

    /// <summary>Seats are held for the buyer (a hold whose id is <see cref="WaitingListEntry.OfferId"/>) until the offer expires.</summary>
    Offered = 1,

    /// <summary>The offered hold was confirmed: the buyer booked and paid.</summary>
    Booked = 2,

    /// <summary>The offer ran out (or its hold was released) unanswered: the next buyer was offered.</summary>
    Missed = 3,

    /// <summary>The buyer left the list (an open offer's seats went back).</summary>
    Left = 4,

    /// <summary>The seats could not be offered any more: the event is no longer on sale, or the ticket type is gone or off sale.</summary>
    Closed = 5,
}

/// <summary>
/// One buyer's place on an event's waiting list (one per account per event). <see cref="Sequence"/> orders the list: first
/// come, first served. <see cref="OfferId"/> is the hold id of the offer, chosen before the hold is placed (so a retried offer
/// places the same hold, never a second one) and the id of the booking that accepts it.
/// </summary>
public sealed record WaitingListEntry(
    Guid Id, Guid EventId, Guid UserId, int Quantity, Guid? TicketTypeId, WaitingListStatus Status, long Sequence,
    DateTimeOffset JoinedAt, DateTimeOffset UpdatedAt, Guid? OfferId, DateTimeOffset? OfferExpiresAt, string? UserEmail, string? UserName)
{
    /// <summary>Still on the list: waiting, or holding an offer.</summary>
    public bool IsActive => Status is WaitingListStatus.Waiting or WaitingListStatus.Offered;

    /// <summary>The hold the offer places: the entry's ticket type when it names one, else the event's only type.</summary>
    public HoldRequest OfferHold(Guid offerId, DateTimeOffset expiresAt) =>
        new(offerId, Quantity, expiresAt) { Lines = TicketTypeId is { } type ? [new HoldLineRequest(type, Quantity)] : [] };
}

/// <summary>The rules of joining a waiting list.</summary>
public static class WaitingListRules
{
    /// <summary>
    /// The field errors of a join (quantity 1 to the order limit: the ticket type's <c>maxPerOrder</c>, at most
    /// <see cref="HoldRules.MaxQuantity"/>; a ticket type of the event, required when it sells several), or the type to wait for.
    /// </summary>
    public static Dictionary<string, string[]> Validate(int? quantity, Guid? ticketTypeId, IReadOnlyList<TicketType> types, out TicketType? type)
    {
        var errors = new Dictionary<string, string[]>();
        type = ticketTypeId is { } id ? types.FirstOrDefault(t => t.Id == id && t.Visibility == TicketTypeVisibility.Public)
            : types.Count == 1 ? types[0] : null;
        if (ticketTypeId is not null && type is null)
        {
            errors["ticketTypeId"] = ["No such ticket type on sale for this event."];
        }
        else if (type is null)
        {
            errors["ticketTypeId"] = ["The event sells several ticket types: say which one to wait for."];
        }

        var limit = Math.Min(HoldRules.MaxQuantity, type?.MaxPerOrder ?? HoldRules.MaxQuantity);
        if (quantity is null)
        {
            errors["quantity"] = ["The quantity is required."];
        }
        else if (quantity < 1 || quantity > limit)
        {
            errors["quantity"] = [$"Quantity must be between 1 and {limit}."];
        }

        return errors;
    }

    /// <summary>
    /// Whether the event is sold out for this wish: fewer seats left (on the event, and on the type's own cap) than the quantity.
    /// </summary>
    public static bool IsSoldOutFor(Inventory inventory, TicketType? type, int quantity) =>
        (type?.AvailableWithin(inventory.Available) ?? inventory.Available) < quantity;
}

/// <summary>The waiting list's refusals.</summary>
public static class WaitingListErrors
{
    public static Error NotSoldOut { get; } = new("not-sold-out", ErrorKind.Conflict,
        "Seats are still for sale: book them instead of joining the waiting list.");

    public static Error AlreadyOnList { get; } = new("already-on-waiting-list", ErrorKind.Conflict,
        "You are already on this event's waiting list (one place per account).");

    public static Error NotOnList { get; } = new("not-on-waiting-list", ErrorKind.NotFound, "You are not on this event's waiting list.");

    public static Error OfferNotFound { get; } = new("waiting-list-offer-not-found", ErrorKind.NotFound,
        "No open waiting-list offer of yours with this id for these seats.");

    public static Error OfferExpired { get; } = new("waiting-list-offer-expired", ErrorKind.Conflict,
        "The waiting-list offer ran out and its seats went to the next buyer.");

    public static Error Unavailable { get; } = Error.Unavailable("waiting-list-unavailable",
        "The waiting list needs the PostgreSQL store; this deployment keeps events in MongoDB.");
}
