using System.ComponentModel;
using Events.Api.Infrastructure;
using Events.Api.Model;
using Events.Api.Seating;

namespace Events.Api.Apis;

/// <summary>Live seat counts of an event and of each ticket type the caller may see (public ones; all for its organizer or an admin).</summary>
public sealed record AvailabilityResponse(Guid EventId, int Capacity, int Available, int Held, int Sold, IReadOnlyList<TicketTypeAvailability> TicketTypes)
{
    public static AvailabilityResponse From(Inventory inventory, IEnumerable<TicketType> types) =>
        new(inventory.EventId, inventory.Capacity, inventory.Available, inventory.Held, inventory.Sold,
            types.Select(t => new TicketTypeAvailability(t.Id, t.Name, t.Capacity, t.AvailableWithin(inventory.Available))).ToList());
}

/// <summary>Seats of one ticket type: its own capacity (null: it shares the event's) and how many can be held now.</summary>
public sealed record TicketTypeAvailability(Guid TicketTypeId, string Name, int? Capacity, int Available);

/// <summary>
/// A ticket type as shown: its price, its live seats available (at most the event's), whether it is on sale now (the event on
/// sale and the type in its sales window); <c>held</c> and <c>sold</c> only for the event's organizer or an admin.
/// </summary>
public sealed record TicketTypeResponse(
    Guid Id, Guid EventId, string Name, string? Description, decimal Price, string Currency, int? Capacity, int Available, bool OnSale,
    DateTimeOffset? SalesStart, DateTimeOffset? SalesEnd, int MaxPerOrder, TicketTypeVisibility Visibility, int SortOrder, int? Held, int? Sold)
{
    public static TicketTypeResponse From(TicketType t, EventWithInventory item, bool manager, DateTimeOffset now) =>
        new(t.Id, t.EventId, t.Name, t.Description, t.Price, t.Currency, t.Capacity, t.AvailableWithin(item.Inventory.Available),
            item.Event.IsOnSale(now) && t.IsInSalesWindow(now), t.SalesStart, t.SalesEnd, t.MaxPerOrder, t.Visibility, t.SortOrder,
            manager ? t.Held : null, manager ? t.Sold : null);

    /// <summary>The types the caller may see: every one for a manager, else the public ones.</summary>
    public static IReadOnlyList<TicketTypeResponse> List(EventWithInventory item, IEnumerable<TicketType> types, bool manager, DateTimeOffset now) =>
        types.Where(t => manager || t.Visibility == TicketTypeVisibility.Public).Select(t => From(t, item, manager, now)).ToList();
}

/// <summary>An event as the catalog shows it. Immutable (so HybridCache shares cached instances instead of deserializing them).</summary>
[ImmutableObject(true)]
public sealed record EventResponse(
    Guid Id, string Title, string Description, string Venue, string City, DateTimeOffset StartsAt, DateTimeOffset EndsAt,
    string TimeZone, string Category, int Capacity, decimal Price, string Currency, Guid OrganizerId, EventStatus Status,
    string? ImageUrl, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PublishedAt, DateTimeOffset? CancelledAt,
    string? CancellationReason, int Available, int Version)
{
    public static EventResponse From(EventWithInventory item, DateTimeOffset now)
    {
        var e = item.Event;
        return new(e.Id, e.Title, e.Description, e.Venue, e.City, e.StartsAt, e.EndsAt, e.TimeZone, e.Category, e.Capacity, e.Price,
            e.Currency, e.OrganizerId, e.EffectiveStatus(now), e.ImageUrl, e.CreatedAt, e.UpdatedAt, e.PublishedAt, e.CancelledAt,
            e.CancellationReason, item.Inventory.Available, e.Version);
    }
}

public sealed record CancelEventRequest(string? Reason);

/// <param name="Quantity">Seats in all; may be left out when there are lines (it is then their sum).</param>
/// <param name="Lines">Seats per ticket type (each type once); none: the event's only type (<c>422 ticket-type-required</c> when it has several).</param>
/// <param name="UnlockedTicketTypeIds">Hidden types this hold may take (what the booking's promo code unlocks).</param>
/// <param name="UserId">The buyer the hold is for (bookings-api's booking's user): a queued event's pass must be theirs.</param>
/// <param name="QueuePass">The buyer's waiting-room pass; required while the event's waiting room is on (spent by this hold).</param>
/// <param name="WaitingListOffer">The waiting-list offer this hold accepts (equal to the hold id): its seats are held already, for
/// <c>userId</c> only, and the offer is the admission (no queue pass).</param>
public sealed record HoldBody(int? Quantity, DateTimeOffset? ExpiresAt, IReadOnlyList<HoldLineBody>? Lines = null,
    IReadOnlyList<Guid>? UnlockedTicketTypeIds = null, Guid? UserId = null, string? QueuePass = null, Guid? WaitingListOffer = null);

/// <summary>Seats of one ticket type in a hold request.</summary>
public sealed record HoldLineBody(
    [property: Description("The ticket type of these seats.")] Guid? TicketTypeId,
    [property: Description("How many seats; may be left out when `seatIds` are given (it is then their count, and must equal it when given).")]
    int? Quantity,
    [property: Description("On a seated event, for a seat category's type only: the seats wanted (distinct ids of this type's category), held " +
        "all or none (`409 seat-not-available` names the seats gone; a seat of another category or area is a `400` field error).")]
    IReadOnlyList<string>? SeatIds = null,
    [property: Description("On a seated event, for a seat category's type only: events-api picks the `quantity` best seats. A line of a seat " +
        "category's type with neither this nor `seatIds` gets best available allowing a split; a standing area's type is held by count.")]
    BestAvailableBody? BestAvailable = null);

/// <summary>How best available seats a party.</summary>
public sealed record BestAvailableBody(
    [property: Description("Whether the party may sit in several groups (the fewest, close together) when no block of them is left side by " +
        "side in one row; false (the default): `409 seats-not-together` instead (at most 10 seats then).")]
    bool AllowSplit = false,
    [property: Description("How many of the party are wheelchair users: one block with that many wheelchair spaces (never split).")]
    int WheelchairSpaces = 0,
    [property: Description("Whether restricted-view seats may be offered.")] bool AllowRestrictedView = false);

/// <param name="UnitPrice">The price of one seat: its type's for a hold of one type; for a hold of several, <c>totalPrice / quantity</c>
/// rounded to cents (use <c>lines</c> and <c>totalPrice</c>).</param>
/// <param name="TotalPrice">Σ quantity × unit price of the lines, at the prices the seats were taken at.</param>
public sealed record HoldResponse(
    Guid HoldId, Guid EventId, int Quantity, HoldStatus Status, DateTimeOffset ExpiresAt, decimal UnitPrice, string Currency,
    string EventTitle, DateTimeOffset EventStartsAt, Guid OrganizerId, decimal TotalPrice, IReadOnlyList<HoldLineResponse> Lines,
    string EventTimeZone)
{
    /// <param name="seats">The hold's reserved seats (none for a hold by count).</param>
    public static HoldResponse From(Hold hold, HoldEvent e, IReadOnlyList<HeldSeat> seats)
    {
        var unitPrice = hold.Lines.Count switch
        {
            0 => e.Price,
            1 => hold.Lines[0].UnitPrice,
            _ => decimal.Round(hold.TotalPrice / hold.Quantity, 2),
        };
        var total = hold.Lines.Count == 0 ? e.Price * hold.Quantity : hold.TotalPrice;
        return new(hold.HoldId, hold.EventId, hold.Quantity, hold.Status, hold.ExpiresAt, unitPrice, e.Currency, e.Title, e.StartsAt, e.OrganizerId,
            total, HoldLineResponse.Of(hold, seats), e.TimeZone);
    }
}

/// <summary>Seats of one ticket type in a hold, at the unit price they were taken at.</summary>
public sealed record HoldLineResponse(Guid TicketTypeId, string Name, int Quantity, decimal UnitPrice,
    [property: Description("The reserved seats of this line (a seat category's type on a seated event, while the hold is held or " +
        "confirmed), in plan order; null for seats held by count (general admission, a standing area).")]
    IReadOnlyList<HoldSeatResponse>? Seats = null)
{
    public static IReadOnlyList<HoldLineResponse> Of(Hold hold, IReadOnlyList<HeldSeat> seats) =>
        hold.Lines.Select(l => new HoldLineResponse(l.TicketTypeId, l.Name, l.Quantity, l.UnitPrice,
            seats.Where(s => s.TicketTypeId == l.TicketTypeId).Select(s => new HoldSeatResponse(s.SeatId, s.AreaId, s.Row, s.Number, s.AreaName)).ToList() is
                { Count: > 0 } mine ? mine : null)).ToList();
}

/// <summary>A reserved seat of a hold.</summary>
public sealed record HoldSeatResponse(
    [property: Description("The seat's id in the event's seat map.")] string SeatId,
    [property: Description("The id of its area (of the venue plan).")] string Area,
    [property: Description("Its row label.")] string Row,
    [property: Description("Its number label in the row.")] string Number,
    [property: Description("Its area's name, as a ticket shows it (\"Stalls\").")] string? AreaName = null);

/// <summary>A hold's reserved seats after a move, in plan order, each with its ticket type.</summary>
public sealed record HoldSeatsResponse(Guid HoldId, IReadOnlyList<HoldTypedSeatResponse> Seats);

/// <summary>A reserved seat of a hold with its ticket type (its category's).</summary>
public sealed record HoldTypedSeatResponse(Guid TicketTypeId, string SeatId, string Area, string Row, string Number, string AreaName)
{
    public static HoldTypedSeatResponse From(HeldSeat seat) => new(seat.TicketTypeId, seat.SeatId, seat.AreaId, seat.Row, seat.Number, seat.AreaName);
}

/// <summary>
/// What services need to know of an event, drafts included: bookings-api its times, status, price and capacity;
/// notifications-api its place, description and calendar revision (<c>calendarSequence</c>, the iCalendar SEQUENCE) for the
/// invitation attached to an email.
/// </summary>
public sealed record InternalEventResponse(
    Guid Id, string Title, Guid OrganizerId, DateTimeOffset StartsAt, DateTimeOffset EndsAt, EventStatus Status, decimal Price,
    string Currency, int Capacity, string Venue, string City, string Description, int CalendarSequence);

/// <summary>
/// An event's counters, its ticket types' counters and its held and confirmed holds with their lines at one instant
/// (<c>readAt</c>); hold ids are booking ids.
/// </summary>
public sealed record InventoryResponse(Guid EventId, int Capacity, int Held, int Sold, int Available, DateTimeOffset ReadAt, IReadOnlyList<InventoryHold> Holds,
    IReadOnlyList<InventoryTicketType> TicketTypes,
    [property: Description("Reserved seats held or sold that no active hold in the same state owns (S2: 0 on a sound event).")]
    int StraySeats = 0)
{
    public static InventoryResponse From(InventorySnapshot snapshot, DateTimeOffset now)
    {
        var i = snapshot.Inventory;
        return new(i.EventId, i.Capacity, i.Held, i.Sold, i.Available, now,
            snapshot.ActiveHolds.Select(h => new InventoryHold(h.HoldId, h.Quantity, h.Status, h.ExpiresAt, h.CreatedAt, HoldLineResponse.Of(h, []),
                snapshot.HoldSeats.GetValueOrDefault(h.HoldId))).ToList(),
            snapshot.TicketTypes.Select(t => new InventoryTicketType(t.Id, t.Name, t.Price, t.Capacity, t.Held, t.Sold, t.AvailableWithin(i.Available),
                t.MaxPerOrder, t.SalesStart, t.SalesEnd, t.Visibility,
                snapshot.SeatCounts.TryGetValue(t.Id, out var seats) ? new InventorySeats(seats.Held, seats.Sold) : null)).ToList(),
            snapshot.StraySeats);
    }
}

/// <summary>One active hold: <c>Held</c> (awaiting payment) or <c>Confirmed</c> (sold seats), with its seats per ticket type.</summary>
public sealed record InventoryHold(Guid HoldId, int Quantity, HoldStatus Status, DateTimeOffset ExpiresAt, DateTimeOffset CreatedAt, IReadOnlyList<HoldLineResponse> Lines,
    [property: Description("The ids of the reserved seats the hold owns, in plan order, as the seat map has them at the same instant; null when it has none.")]
    IReadOnlyList<string>? SeatIds = null);

/// <summary>
/// One ticket type's counters (<c>capacity</c> null: it shares the event's); <c>held</c>/<c>sold</c> = Σ its lines of the
/// Held/Confirmed holds; and its sale rules (per-order limit, sales window, visibility), which bookings-api shows a buyer
/// whose promo code unlocks the type.
/// </summary>
public sealed record InventoryTicketType(Guid TicketTypeId, string Name, decimal Price, int? Capacity, int Held, int Sold, int Available,
    int MaxPerOrder, DateTimeOffset? SalesStart, DateTimeOffset? SalesEnd, TicketTypeVisibility Visibility,
    [property: Description("For a seat category's type on a seated event: its seats held and sold, read at the same instant as the " +
        "counters (S3: they equal `held` and `sold`); null for a type without reserved seats.")]
    InventorySeats? Seats = null);

/// <summary>A seat category's seats by status (reconciliation of S3: seats held and sold against the type's counters).</summary>
public sealed record InventorySeats(
    [property: Description("Seats held (by holds that are held).")] int Held,
    [property: Description("Seats sold (by confirmed holds).")] int Sold);

public sealed record ReviewRequest(int? Rating, string? Text);

public sealed record ReviewResponse(Guid Id, Guid EventId, Guid UserId, string? UserName, int Rating, string Text, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ReviewResponse From(Review r) => new(r.Id, r.EventId, r.UserId, r.UserName, r.Rating, r.Text, r.CreatedAt, r.UpdatedAt);
}

/// <summary>An event's average rating (two decimals; null without reviews) and how many reviews it has.</summary>
public sealed record ReviewSummaryResponse(double? AverageRating, int Count)
{
    public static ReviewSummaryResponse From(ReviewStats stats) => new(stats.AverageRating, stats.Count);
}
