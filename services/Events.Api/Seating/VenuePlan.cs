namespace Events.Api.Seating;

/// <summary>What an area of a venue is: rows of numbered seats, or a standing (general admission) area with a capacity.</summary>
public enum AreaKind
{
    Reserved = 0,
    GeneralAdmission = 1,
}

/// <summary>A seat's marks (stored as one small integer on an event's seats).</summary>
[Flags]
public enum SeatFlags
{
    None = 0,
    Wheelchair = 1,
    Companion = 2,
    RestrictedView = 4,
}

/// <summary>A price zone of a plan: seats name it by <see cref="Key"/>; an event on the plan sells it as one ticket type.</summary>
public sealed record PlanCategory(string Key, string Name, string? Color);

/// <summary>
/// One seat of a reserved area: a stable <see cref="Id"/> (unique in the plan), its row and number labels (unique pair in the
/// area), its place on the map (x right, y down, the stage at the top), its category, its quality <see cref="Rank"/> (lower is
/// better; best available picks by it), its flags, and whether it is there at all (a gap is kept, not present, so numbering and
/// edits survive).
/// </summary>
public sealed record PlanSeat(string Id, string Row, string Number, double X, double Y, string Category, int Rank, SeatFlags Flags, bool Present)
{
    public bool Has(SeatFlags flag) => (Flags & flag) == flag;
}

/// <summary>An area of a plan: reserved (its <see cref="Seats"/>) or general admission (its <see cref="Capacity"/>).</summary>
public sealed record PlanArea(string Id, string Name, AreaKind Kind, int? Capacity, IReadOnlyList<PlanSeat> Seats)
{
    public IEnumerable<PlanSeat> PresentSeats => Seats.Where(s => s.Present);
}

/// <summary>A plan's content: its name, categories and areas (what the JSON document carries, see <c>docs/seating.md</c>).</summary>
public sealed record PlanContent(string Name, IReadOnlyList<PlanCategory> Categories, IReadOnlyList<PlanArea> Areas)
{
    public int SeatCount => Areas.Sum(a => a.Seats.Count);

    public int MaxRank => Areas.SelectMany(a => a.Seats).Select(s => s.Rank).DefaultIfEmpty(0).Max();

    public PlanSeat? FindSeat(string seatId, out PlanArea? area)
    {
        foreach (var a in Areas)
        {
            foreach (var s in a.Seats)
            {
                if (s.Id == seatId)
                {
                    area = a;
                    return s;
                }
            }
        }

        area = null;
        return null;
    }
}

/// <summary>A stored venue plan: reusable across events, owned by an organizer.</summary>
public sealed record VenuePlan(Guid Id, Guid OrganizerId, PlanContent Content, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public bool CanBeChangedBy(Guid? userId, bool isAdmin) => isAdmin || (userId is { } id && id == OrganizerId);
}

/// <summary>The refusals of plans and seated events.</summary>
public static class SeatingErrors
{
    public static Error PlanNotFound { get; } = Error.NotFound("venue-plan");

    public static Error PlanInUse { get; } = new("plan-in-use", ErrorKind.Conflict,
        "An event uses this plan: it cannot be removed (an event keeps its own copy of the seats, but names the plan it came from).");

    public static Error PlanChangedMeanwhile { get; } = new("concurrent-update", ErrorKind.Conflict,
        "The plan was changed at the same time; reload it and try again.");

    public static Error EventHasSales { get; } = new("has-sales", ErrorKind.Conflict,
        "The event has held or sold seats: it can be put on a plan only before its sales begin.");

    public static Error EventCancelled { get; } = new("invalid-state", ErrorKind.Conflict, "A cancelled event cannot be put on a plan.");

    public static Error EventSeated { get; } = new("event-seated", ErrorKind.Conflict,
        "The event is on a venue plan: its ticket types are its plan's categories and standing areas; put it on the plan again to change them.");

    /// <summary>The field error of a seated event's capacity changed by hand (its capacity is its seats' and standing places').</summary>
    public const string SeatedCapacity =
        "The event is on a venue plan: its capacity is its seats and standing places (block or release seats, or put it on the plan again).";

    public static Error NotSeated { get; } = new("event-not-seated", ErrorKind.NotFound, "The event is not on a venue plan.");

    public static Error SeatNotFound { get; } = Error.NotFound("seat");

    public static Error SeatNotAvailable { get; } = new("seat-not-available", ErrorKind.Conflict,
        "A seat is held or sold: only available seats can be blocked.");

    public static Error SeatsCommitted { get; } = new("seats-committed", ErrorKind.Conflict,
        "Every seat left in this category is already held or sold: blocking one would take a seat a buyer has.");

    public static Error Unavailable { get; } = Error.Unavailable("seating-unavailable",
        "Reserved seating needs the PostgreSQL store; this deployment keeps events in MongoDB.");
}
