namespace Bookings.Api.Inventory;

/// <summary>
/// A hold in events-api as its internal API returns it (docs/contracts.md, "Inventory"): <see cref="Lines"/> are the seats per
/// ticket type at the prices they were taken at, <see cref="TotalPrice"/> their sum (the price bookings-api charges from).
/// </summary>
public sealed record HoldInfo(
    Guid HoldId, Guid EventId, int Quantity, string Status, DateTimeOffset ExpiresAt, decimal UnitPrice, string Currency,
    string EventTitle, DateTimeOffset EventStartsAt, Guid OrganizerId, decimal TotalPrice = 0, IReadOnlyList<HoldLineInfo>? Lines = null,
    string? EventTimeZone = null);

/// <summary>Seats of one ticket type in a hold; <see cref="Seats"/> its reserved seats in events-api's order (null: seats by count).</summary>
public sealed record HoldLineInfo(Guid TicketTypeId, string Name, int Quantity, decimal UnitPrice, IReadOnlyList<HoldSeatInfo>? Seats = null);

/// <summary>A reserved seat of a hold line: its id in the event's seat map, its area's id, its row and number labels.</summary>
public sealed record HoldSeatInfo(string SeatId, string Area, string Row, string Number, string? AreaName = null);

/// <summary>A hold's reserved seats after a move (events-api's answer), in plan order, each with its ticket type.</summary>
public sealed record HoldSeatsInfo(Guid HoldId, IReadOnlyList<TypedSeatInfo> Seats);

/// <summary>A reserved seat of a hold with its ticket type: its id, area id and name, row and number labels.</summary>
public sealed record TypedSeatInfo(Guid TicketTypeId, string SeatId, string Area, string Row, string Number, string? AreaName = null);

/// <summary>One seat of a hold moved to another of the same category.</summary>
public sealed record SeatMoveRequest(string From, string To);

/// <summary>
/// Seats of one ticket type asked for: by count, or on a seated event particular <see cref="SeatIds"/> (then
/// <see cref="Quantity"/> is their count) or the best available with <see cref="BestAvailable"/>'s preferences.
/// </summary>
public sealed record HoldLineRequest(Guid TicketTypeId, int Quantity, IReadOnlyList<string>? SeatIds = null, BestAvailableRequest? BestAvailable = null);

/// <summary>How events-api seats a party it picks the best seats for (null: events-api's default).</summary>
public sealed record BestAvailableRequest(bool? AllowSplit = null, int? WheelchairSpaces = null, bool? AllowRestrictedView = null);

/// <summary>
/// What a booking asks events-api to hold: <see cref="Lines"/> per ticket type, or none for <see cref="Quantity"/> seats of the
/// event's only type; <see cref="UnlockedTicketTypeIds"/> are the hidden types its promo code unlocks.
/// </summary>
/// <see cref="UserId"/> is the buyer; <see cref="QueuePass"/> their waiting-room pass, which a queued event's hold requires.
public sealed record HoldRequest(int Quantity, IReadOnlyList<HoldLineRequest> Lines, IReadOnlyList<Guid> UnlockedTicketTypeIds, DateTimeOffset ExpiresAt)
{
    public Guid? UserId { get; init; }

    public string? QueuePass { get; init; }

    /// <summary>The waiting-list offer this hold accepts (the hold id itself): events-api answers the seats held for it, to its buyer only.</summary>
    public Guid? WaitingListOffer { get; init; }
}

/// <summary>An event as events-api's internal API describes it.</summary>
public sealed record EventInfo(
    Guid Id, string Title, Guid OrganizerId, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Status, decimal Price, string Currency, int Capacity);

/// <summary>
/// An event's seat counters and its held and confirmed holds at one instant (events-api <c>GET /internal/events/{id}/inventory</c>);
/// <see cref="StraySeats"/>: reserved seats held or sold that no active hold in that state owns (absent from an older events-api: 0).
/// </summary>
public sealed record InventorySnapshot(Guid EventId, int Capacity, int Held, int Sold, int Available, DateTimeOffset ReadAt, IReadOnlyList<InventoryHold> Holds,
    IReadOnlyList<InventoryTicketType>? TicketTypes = null, int StraySeats = 0);

/// <summary>
/// One active hold; <see cref="Status"/> is <c>Held</c> or <c>Confirmed</c>; the hold id is the booking id; <see cref="SeatIds"/>
/// the reserved seats it owns in events-api's seat map (null: none).
/// </summary>
public sealed record InventoryHold(Guid HoldId, int Quantity, string Status, DateTimeOffset ExpiresAt, DateTimeOffset CreatedAt,
    IReadOnlyList<HoldLineInfo>? Lines = null, IReadOnlyList<string>? SeatIds = null);

/// <summary>
/// One ticket type's counters in the snapshot (<see cref="Capacity"/> null: it shares the event's) and its sale rules
/// (<see cref="Visibility"/> <c>Public</c> or <c>Hidden</c>; absent from an older events-api: null); <see cref="Seats"/> a seat
/// category's seats held and sold in the seat map at the same instant (null: no reserved seats).
/// </summary>
public sealed record InventoryTicketType(Guid TicketTypeId, string Name, decimal Price, int? Capacity, int Held, int Sold, int Available,
    int? MaxPerOrder = null, DateTimeOffset? SalesStart = null, DateTimeOffset? SalesEnd = null, string? Visibility = null,
    InventorySeatCounts? Seats = null);

/// <summary>A seat category's seats held and sold in events-api's seat map.</summary>
public sealed record InventorySeatCounts(int Held, int Sold);

/// <summary>
/// events-api's answer: the value, or its refusal as an <see cref="Error"/> whose code is events-api's own (<c>sold-out</c>,
/// <c>not-on-sale</c>, <c>hold-expired</c>…), read from the problem's <c>code</c>. A kind of <see cref="ErrorKind.Unavailable"/>
/// means events-api could not be reached or failed: nothing is known, try again.
/// </summary>
public sealed record InventoryResult<T>(T? Value, Error? Error) where T : class
{
    public bool Succeeded => Error is null && Value is not null;

    public bool IsUnavailable => Error?.Kind == ErrorKind.Unavailable;
}

public static class InventoryResult
{
    /// <summary>The code of every "events-api could not answer" (bookings-api answers it as its own 503).</summary>
    public const string UnavailableCode = "inventory-unavailable";

    public static InventoryResult<T> Ok<T>(T value) where T : class => new(value, null);

    public static InventoryResult<T> Failed<T>(Error error) where T : class => new(null, error);

    public static InventoryResult<T> Unavailable<T>(string detail) where T : class => Failed<T>(Error.Unavailable(UnavailableCode, detail));
}

/// <summary>events-api's internal inventory API: every call is idempotent per hold id (= booking id).</summary>
public interface IInventoryClient
{
    Task<InventoryResult<HoldInfo>> PlaceHoldAsync(Guid eventId, Guid holdId, HoldRequest request, CancellationToken cancellationToken);

    Task<InventoryResult<HoldInfo>> ConfirmHoldAsync(Guid eventId, Guid holdId, CancellationToken cancellationToken);

    /// <summary>Releases held or sold seats; true when events-api acknowledged (unknown holds count as released).</summary>
    Task<bool> ReleaseHoldAsync(Guid eventId, Guid holdId, CancellationToken cancellationToken);

    Task<InventoryResult<EventInfo>> GetEventAsync(Guid eventId, CancellationToken cancellationToken);

    /// <summary>
    /// Moves seats of a held or confirmed hold to others of their category, all or none (a move made already is skipped); the hold's
    /// seats after it.
    /// </summary>
    Task<InventoryResult<HoldSeatsInfo>> MoveSeatsAsync(Guid eventId, Guid holdId, IReadOnlyList<SeatMoveRequest> moves, CancellationToken cancellationToken);

    /// <summary>The counters and active holds of an event in one consistent read (reconciliation).</summary>
    Task<InventoryResult<InventorySnapshot>> GetInventoryAsync(Guid eventId, CancellationToken cancellationToken);
}
