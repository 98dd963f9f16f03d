namespace Events.Api.Seating;

/// <summary>A row of <c>venue_plans</c>: the plan's content is its JSON document (<see cref="PlanDocument"/>) in <c>document</c>.</summary>
public sealed class VenuePlanRow
{
    public Guid Id { get; set; }
    public Guid OrganizerId { get; set; }
    public string Name { get; set; } = "";
    public string Document { get; set; } = "";
    public int SeatCount { get; set; }
    public int Version { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// A row of <c>event_seating</c>: the event is on a plan (<c>plan_id</c>, which cannot be removed meanwhile), with its areas and
/// categories as they were copied (<c>layout</c>, JSON) and the <c>version</c> of its seats' statuses (+1 on every change).
/// </summary>
public sealed class EventSeatingRow
{
    public Guid EventId { get; set; }
    public Guid PlanId { get; set; }
    public string PlanName { get; set; } = "";
    public string Layout { get; set; } = "";
    public long Version { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// A row of <c>event_seats</c>: one seat of an event, copied from its plan (later edits of the plan never move it), with its status,
/// the hold or booking that has it, and why it is blocked.
/// </summary>
public sealed class EventSeatRow
{
    public Guid EventId { get; set; }
    public string SeatId { get; set; } = "";
    public int Ordinal { get; set; }
    public string AreaId { get; set; } = "";
    public string RowLabel { get; set; } = "";
    public string NumberLabel { get; set; } = "";
    public double X { get; set; }
    public double Y { get; set; }
    public string Category { get; set; } = "";
    public int Rank { get; set; }
    public SeatFlags Flags { get; set; }
    public SeatStatus Status { get; set; }
    public Guid? HoldId { get; set; }
    public Guid? BookingId { get; set; }
    public string? BlockReason { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The areas and categories of a seated event, as <c>event_seating.layout</c> keeps them.</summary>
public sealed record EventSeatingLayout(IReadOnlyList<EventArea> Areas, IReadOnlyList<EventCategory> Categories);
