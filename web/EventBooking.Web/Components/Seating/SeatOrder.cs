using EventBooking.Web.Clients;

namespace EventBooking.Web.Components.Seating;

/// <summary>What a buyer asks for in <see cref="SeatPicker"/>: the booking's lines, the seats and places they count, and their total (for display).</summary>
public sealed record SeatOrder(IReadOnlyList<BookingLineRequest> Lines, int Count, decimal Total)
{
    public static readonly SeatOrder None = new([], 0, 0m);
}
