namespace Events.Api.Model;

public enum HoldStatus
{
    Held = 0,
    Confirmed = 1,
    Released = 2,
    Expired = 3,
}

/// <summary>Seats set aside for one booking (the hold id is the booking's id, chosen by bookings-api).</summary>
public sealed record Hold(Guid HoldId, Guid EventId, int Quantity, HoldStatus Status, DateTimeOffset ExpiresAt, DateTimeOffset CreatedAt)
{
    /// <summary>The seats per ticket type (their quantities add up to <see cref="Quantity"/>), at the prices they were taken at.</summary>
    public IReadOnlyList<HoldLine> Lines { get; init; } = [];

    /// <summary>What the hold's seats cost: Σ quantity × unit price of its lines.</summary>
    public decimal TotalPrice => Lines.Sum(l => l.Quantity * l.UnitPrice);
}

/// <summary>Seats of one ticket type in a hold, with the type's name and unit price as they were when the seats were taken.</summary>
public sealed record HoldLine(Guid TicketTypeId, string Name, int Quantity, decimal UnitPrice)
{
    /// <summary>The reserved seats of this line (a seat category's type on a seated event), in plan order; empty otherwise.</summary>
    public IReadOnlyList<string> SeatIds { get; init; } = [];
}

/// <summary>
/// Seats of one ticket type asked for. On a seated event, a type of a seat category takes particular seats: the
/// <see cref="SeatIds"/> named (all or none), else the best available ones (<see cref="BestAvailable"/>, or, for a line that says
/// neither, best available allowing a split, so a count-only caller keeps working). A standing area's type is taken by count.
/// </summary>
public sealed record HoldLineRequest(Guid TicketTypeId, int Quantity)
{
    /// <summary>The seats wanted, by id (distinct); their count is the line's quantity.</summary>
    public IReadOnlyList<string>? SeatIds { get; init; }

    /// <summary>Let events-api pick the seats (<see cref="Quantity"/> of them).</summary>
    public SeatPreferences? BestAvailable { get; init; }
}

/// <summary>
/// How best available seats a party: side by side in one row unless <see cref="AllowSplit"/> (then the fewest groups, close
/// together), <see cref="WheelchairSpaces"/> of them wheelchair spaces (never split), restricted-view seats only when allowed.
/// </summary>
public sealed record SeatPreferences(bool AllowSplit = false, int WheelchairSpaces = 0, bool AllowRestrictedView = false)
{
    /// <summary>What a line of a seat category that names no seats gets: any good seats, split if need be.</summary>
    public static SeatPreferences CountOnly { get; } = new(AllowSplit: true);
}

/// <param name="Quantity">Seats in all (the sum of the lines when there are lines).</param>
public sealed record HoldRequest(Guid HoldId, int Quantity, DateTimeOffset ExpiresAt)
{
    /// <summary>Seats per ticket type, each type at most once; empty: the event's only type (refused when it has several).</summary>
    public IReadOnlyList<HoldLineRequest> Lines { get; init; } = [];

    /// <summary>Hidden ticket types this hold may take (bookings-api passes what a promo code unlocks; events-api trusts it).</summary>
    public IReadOnlyCollection<Guid> UnlockedTicketTypeIds { get; init; } = [];
}

public enum PlaceHoldResult
{
    Created,
    /// <summary>The same hold id again: the first result, counted once.</summary>
    Existing,
    SoldOut,
    NotOnSale,
    EventNotFound,
    /// <summary>The hold id already belongs to another event.</summary>
    HoldIdConflict,
    /// <summary>No lines, and the event has several ticket types: which one is not said.</summary>
    TicketTypeRequired,
    /// <summary>A line's type is not the event's, or is hidden and not unlocked for this hold.</summary>
    TicketTypeNotFound,
    /// <summary>A line's type is outside its sales window.</summary>
    TicketTypeNotOnSale,
    /// <summary>A line asks for more seats than its type sells in one order.</summary>
    OverOrderLimit,
    /// <summary>A named seat is held, sold or blocked (or named twice in one batch): <see cref="PlaceHoldOutcome.SeatIds"/> names them.</summary>
    SeatNotAvailable,
    /// <summary>A named seat is not one of the line's type's seats (another category, a standing area, unknown): <see cref="PlaceHoldOutcome.SeatIds"/>.</summary>
    SeatNotOfType,
    /// <summary>Best available found seats only apart, and the line did not allow a split.</summary>
    SeatsNotTogether,
}

/// <summary>
/// What a hold's answer tells about its event (title, unit price, currency, start, organizer, time zone), read by the statement that
/// placed or confirmed the hold, so the price is the one the seats were taken at and no second read of the event is needed.
/// <paramref name="Seated"/>: whether the event has reserved seating (a hold of it may own seats to look up); null when not read.
/// </summary>
public sealed record HoldEvent(string Title, decimal Price, string Currency, DateTimeOffset StartsAt, Guid OrganizerId, string TimeZone, bool? Seated = null)
{
    public static HoldEvent Of(CatalogEvent e) => new(e.Title, e.Price, e.Currency, e.StartsAt, e.OrganizerId, e.TimeZone);
}

/// <param name="Event">The hold's event as the same statement read it; null when the store did not read it (the caller reads it).</param>
public sealed record PlaceHoldOutcome(PlaceHoldResult Result, Hold? Hold, HoldEvent? Event = null)
{
    /// <summary>The seats a <see cref="PlaceHoldResult.SeatNotAvailable"/> or <see cref="PlaceHoldResult.SeatNotOfType"/> refusal is about.</summary>
    public IReadOnlyList<string> SeatIds { get; init; } = [];

    /// <summary>The line (by ticket type) a seat refusal is about.</summary>
    public Guid? TicketTypeId { get; init; }

    /// <summary>Why no hold was placed; null when it was (new or existing).</summary>
    public Error? Error => Result switch
    {
        PlaceHoldResult.SoldOut => HoldErrors.SoldOut,
        PlaceHoldResult.NotOnSale => HoldErrors.NotOnSale,
        PlaceHoldResult.HoldIdConflict => HoldErrors.HoldIdTaken,
        PlaceHoldResult.EventNotFound => EventErrors.NotFound,
        PlaceHoldResult.TicketTypeRequired => HoldErrors.TicketTypeRequired,
        PlaceHoldResult.TicketTypeNotFound => TicketTypeErrors.NotFound,
        PlaceHoldResult.TicketTypeNotOnSale => HoldErrors.TicketTypeNotOnSale,
        PlaceHoldResult.OverOrderLimit => HoldErrors.OverOrderLimit,
        PlaceHoldResult.SeatNotAvailable => HoldErrors.SeatNotAvailable.With("seatIds", SeatIds),
        PlaceHoldResult.SeatsNotTogether => HoldErrors.SeatsNotTogether,
        _ => null,
    };
}

public enum ConfirmHoldResult
{
    Confirmed,
    HoldNotFound,
    /// <summary>Expired (or released) and not enough seats remain to re-acquire it.</summary>
    Expired,
    Released,
}

/// <param name="Event">The hold's event as the same statement read it; null when the store did not read it (the caller reads it).</param>
public sealed record ConfirmHoldOutcome(ConfirmHoldResult Result, Hold? Hold, HoldEvent? Event = null)
{
    /// <summary>Why the hold is not sold; null when it is.</summary>
    public Error? Error => Result switch
    {
        ConfirmHoldResult.Confirmed => null,
        ConfirmHoldResult.Expired => HoldErrors.Expired,
        ConfirmHoldResult.Released => HoldErrors.Released,
        _ => HoldErrors.NotFound,
    };
}

public enum ReleaseHoldResult
{
    Released,
    /// <summary>Already released or expired, or never existed: nothing to do (idempotent).</summary>
    NothingToRelease,
}

/// <summary>Limits of hold requests.</summary>
public static class HoldRules
{
    public const int MaxQuantity = 20;
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(2);

    public static Dictionary<string, string[]> Validate(int quantity, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        if (quantity is < 1 or > MaxQuantity)
        {
            errors["quantity"] = [$"Quantity must be between 1 and {MaxQuantity}."];
        }

        if (expiresAt <= now)
        {
            errors["expiresAt"] = ["The expiry must be in the future."];
        }
        else if (expiresAt > now + MaxDuration)
        {
            errors["expiresAt"] = [$"A hold lasts at most {MaxDuration.TotalMinutes:0} minutes."];
        }

        return errors;
    }

    /// <summary>
    /// The lines' rules (each type once, 1–<see cref="MaxQuantity"/> seats a line, the lines adding up to the quantity when one is
    /// given) and the quantity they make; field errors otherwise.
    /// </summary>
    public static Dictionary<string, string[]> ValidateLines(IReadOnlyList<HoldLineRequest> lines, int? quantity)
    {
        var errors = new Dictionary<string, string[]>();
        if (lines.Any(l => l.Quantity is < 1 or > MaxQuantity))
        {
            errors["lines"] = [$"Each line's quantity must be between 1 and {MaxQuantity}."];
        }
        else if (lines.Select(l => l.TicketTypeId).Distinct().Count() != lines.Count)
        {
            errors["lines"] = ["Each ticket type at most once."];
        }
        else if (lines.Count > 0 && quantity is { } q && q != lines.Sum(l => l.Quantity))
        {
            errors["quantity"] = ["The quantity must be the sum of the lines' quantities (or left out)."];
        }

        return errors;
    }

    /// <summary>
    /// Decides a hold's lines against its event's ticket types, as they are at <paramref name="now"/> (the stores call this with
    /// the rows they locked): the lines to take, with their names and prices, or why not. Seat counts are not checked here.
    /// </summary>
    public static (IReadOnlyList<HoldLine>? Lines, PlaceHoldResult Refusal) ResolveLines(HoldRequest request, IReadOnlyList<TicketType> types, DateTimeOffset now)
    {
        if (request.Lines.Count == 0)
        {
            if (types.Count != 1)
            {
                return (null, types.Count == 0 ? PlaceHoldResult.TicketTypeNotFound : PlaceHoldResult.TicketTypeRequired);
            }

            // The one type of the event: the hold API as it was before types (its visibility is not asked: it is the event's only one).
            var only = types[0];
            return Check(only, request.Quantity, visible: true, now) is { } refusal
                ? (null, refusal)
                : ([new HoldLine(only.Id, only.Name, request.Quantity, only.Price)], PlaceHoldResult.Created);
        }

        var lines = new List<HoldLine>(request.Lines.Count);
        foreach (var line in request.Lines)
        {
            var type = types.FirstOrDefault(t => t.Id == line.TicketTypeId);
            if (type is null)
            {
                return (null, PlaceHoldResult.TicketTypeNotFound);
            }

            var visible = type.Visibility == TicketTypeVisibility.Public || request.UnlockedTicketTypeIds.Contains(type.Id);
            if (Check(type, line.Quantity, visible, now) is { } refusal)
            {
                return (null, refusal);
            }

            lines.Add(new HoldLine(type.Id, type.Name, line.Quantity, type.Price));
        }

        return (lines, PlaceHoldResult.Created);
    }

    private static PlaceHoldResult? Check(TicketType type, int quantity, bool visible, DateTimeOffset now) =>
        !visible ? PlaceHoldResult.TicketTypeNotFound
        : !type.IsInSalesWindow(now) ? PlaceHoldResult.TicketTypeNotOnSale
        : quantity > type.MaxPerOrder ? PlaceHoldResult.OverOrderLimit
        : null;

    /// <summary>Whether every line's type has the seats (its own cap; the event's is checked by the caller).</summary>
    public static bool TypesHaveSeats(IEnumerable<HoldLine> lines, IReadOnlyDictionary<Guid, TicketType> types) =>
        lines.All(l => types[l.TicketTypeId].Capacity is not { } cap || cap - types[l.TicketTypeId].Committed >= l.Quantity);
}
