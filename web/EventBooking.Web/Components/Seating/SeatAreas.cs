using EventBooking.Web.Clients;

namespace EventBooking.Web.Components.Seating;

/// <summary>A booked seat as a buyer reads it; bookings-api keeps the area's name on the seat (<see cref="BookedSeatDto.Area"/>).</summary>
public static class SeatAreas
{
    /// <summary>"Stalls, row F, seat 12".</summary>
    public static string Describe(Microsoft.Extensions.Localization.IStringLocalizer L, BookedSeatDto seat) =>
        L["Booking_Seat", seat.Area, seat.Row, seat.Number];
}
