namespace Bookings.Api.Model;

/// <summary>
/// A reserved seat as events-api's hold answered it (docs/seating.md): its id in the event's seat map, its area's name (as a
/// ticket and an email say it: "Stalls"; the area's id for a hold answered before events-api named areas), its row and number labels. A seat of general admission or a standing area does not exist: such tickets have none.
/// </summary>
public sealed record Seat(string SeatId, string Area, string Row, string Number)
{
    /// <summary>The longest seat id, area id, row or number label kept (events-api's plan limits are shorter).</summary>
    public const int MaxLength = 100;
}
