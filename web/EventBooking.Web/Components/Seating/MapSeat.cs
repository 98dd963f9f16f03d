using EventBooking.Web.Clients;

namespace EventBooking.Web.Components.Seating;

/// <summary>What a seat is besides its category (the seat map's <c>flags</c>: 1 wheelchair space + 2 companion seat + 4 restricted view).</summary>
[Flags]
public enum SeatMarks
{
    None = 0,
    Wheelchair = 1,
    Companion = 2,
    RestrictedView = 4,
}

/// <summary>A seat's state on an event: for sale, taken (held or sold: the map does not say which), or blocked by the organizer.</summary>
public enum SeatState
{
    Available,
    Taken,
    Blocked,
}

/// <summary>How a map lets people pick seats.</summary>
public enum SeatSelection
{
    None,
    Multiple,
}

/// <summary>A category as the map draws it.</summary>
public sealed record MapCategory(string Key, string Name, string Color);

/// <summary>
/// A seat as <see cref="SeatMapView"/> and <see cref="SeatTable"/> show it, from a plan (<see cref="FromPlan"/>) or from an
/// event's seat map (<see cref="FromEvent"/>); <see cref="Present"/> false is a gap, <see cref="State"/> an event's.
/// </summary>
public sealed record MapSeat(string Id, string AreaName, string Row, string Number, double X, double Y, string Category, SeatMarks Marks,
    bool Present = true, int? Rank = null, SeatState? State = null)
{
    /// <summary>The plan's seats, area by area.</summary>
    public static List<MapSeat> FromPlan(PlanDocumentDto plan) =>
        [.. (plan.Areas ?? []).Where(a => !a.IsStanding).SelectMany(a => (a.Seats ?? []).Select(s => new MapSeat(s.Id ?? "", a.Name ?? a.Id ?? "",
            s.Row ?? "", s.Number ?? "", s.X ?? 0, s.Y ?? 0, s.Category ?? "",
            (s.Wheelchair == true ? SeatMarks.Wheelchair : 0) | (s.Companion == true ? SeatMarks.Companion : 0) | (s.RestrictedView == true ? SeatMarks.RestrictedView : 0),
            s.Present != false, s.Rank)))];

    /// <summary>An event's seats with their state: taken when not available, blocked when in <paramref name="blocked"/>.</summary>
    public static List<MapSeat> FromEvent(SeatMapDto map, IReadOnlySet<string> blocked)
    {
        var seats = new List<MapSeat>();
        foreach (var area in map.Areas)
        {
            if (area.Seats is not { } c)
            {
                continue;
            }

            for (var i = 0; i < c.Ids.Length; i++)
            {
                var state = blocked.Contains(c.Ids[i]) ? SeatState.Blocked : c.Available[i] ? SeatState.Available : SeatState.Taken;
                seats.Add(new MapSeat(c.Ids[i], area.Name, c.Rows[i], c.Numbers[i], c.X[i], c.Y[i], map.Categories[c.Category[i]].Key, (SeatMarks)c.Flags[i],
                    State: state));
            }
        }

        return seats;
    }

    /// <summary>The categories of a plan, each with its colour (a fixed palette's when it has none).</summary>
    public static List<MapCategory> Categories(IEnumerable<(string? Key, string? Name, string? Color)> categories) =>
        [.. categories.Select((c, i) => new MapCategory(c.Key ?? "", c.Name ?? c.Key ?? "", c.Color ?? Palette[i % Palette.Length]))];

    private static readonly string[] Palette = ["#1565c0", "#2e7d32", "#6a1b9a", "#c62828", "#ef6c00", "#00838f"];
}
