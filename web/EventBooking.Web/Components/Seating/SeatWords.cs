using Microsoft.Extensions.Localization;

namespace EventBooking.Web.Components.Seating;

/// <summary>A seat's marks and state in words (the map's labels and the table's cells say the same).</summary>
public static class SeatWords
{
    public static IEnumerable<string> Of(IStringLocalizer L, MapSeat seat)
    {
        if (!seat.Present)
        {
            yield return L["Seating_Gap"];
        }

        if (seat.Marks.HasFlag(SeatMarks.Wheelchair))
        {
            yield return L["Seating_Wheelchair"];
        }

        if (seat.Marks.HasFlag(SeatMarks.Companion))
        {
            yield return L["Seating_Companion"];
        }

        if (seat.Marks.HasFlag(SeatMarks.RestrictedView))
        {
            yield return L["Seating_RestrictedView"];
        }

        if (seat.State is { } state)
        {
            yield return State(L, state);
        }
    }

    public static string State(IStringLocalizer L, SeatState state) => state switch
    {
        SeatState.Taken => L["Seating_State_Taken"],
        SeatState.Blocked => L["Seating_State_Blocked"],
        _ => L["Seating_State_Available"],
    };
}
