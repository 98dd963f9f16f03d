using EventBooking.Web.Clients;

namespace EventBooking.Web.Components.Seating;

/// <summary>
/// The names of an event's seating areas by id: a booked seat (<see cref="BookedSeatDto.Area"/>) names its area by id, and a
/// buyer reads its name ("Stalls"). Read from the event's seat map; empty when the event has none (the id is shown then).
/// </summary>
public static class SeatAreas
{
    public static async Task<IReadOnlyDictionary<string, string>> NamesAsync(EventsClient events, Guid eventId, CancellationToken cancellationToken) =>
        (await events.GetSeatMapAsync(eventId, cancellationToken)).Value is { } map
            ? map.Areas.GroupBy(a => a.Id).ToDictionary(g => g.Key, g => g.First().Name)
            : new Dictionary<string, string>();

    /// <summary>"Stalls, row F, seat 12".</summary>
    public static string Describe(Microsoft.Extensions.Localization.IStringLocalizer L, BookedSeatDto seat, IReadOnlyDictionary<string, string>? names) =>
        L["Booking_Seat", names?.GetValueOrDefault(seat.Area) ?? seat.Area, seat.Row, seat.Number];
}
