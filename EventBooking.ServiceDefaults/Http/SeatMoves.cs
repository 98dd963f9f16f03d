namespace EventBooking.ServiceDefaults;

/// <summary>One seat of a booking or hold moved to another seat of the same event (both by their id in the event's seat map).</summary>
public sealed record SeatMoveBody(string? From, string? To);

/// <summary>The rules of a list of seat moves, the same in bookings-api (the organizer's request) and events-api (the hold's move).</summary>
public static class SeatMoves
{
    /// <summary>The most moves one request may carry.</summary>
    public const int MaxMoves = 20;

    /// <summary>The longest seat id accepted (events-api's plans use at most 40 characters; bookings-api stores up to 100).</summary>
    public const int MaxSeatIdLength = 100;

    /// <summary>
    /// Adds to <paramref name="errors"/> the field errors of <paramref name="moves"/>: 1–<see cref="MaxMoves"/> moves, each from one
    /// seat to another, and no seat named twice on either side (a swap names each seat once on each side, so it is allowed).
    /// </summary>
    public static void Validate(IReadOnlyList<SeatMoveBody?>? moves, IDictionary<string, string[]> errors)
    {
        if (moves is not { Count: > 0 and <= MaxMoves })
        {
            errors["moves"] = [$"Between 1 and {MaxMoves} moves, each {{ from, to }}."];
            return;
        }

        var before = errors.Count;
        for (var i = 0; i < moves.Count; i++)
        {
            if (moves[i]?.From is not { Length: > 0 and <= MaxSeatIdLength })
            {
                errors[$"moves[{i}].from"] = ["The seat moved from is required (its id in the event's seat map)."];
            }

            if (moves[i]?.To is not { Length: > 0 and <= MaxSeatIdLength })
            {
                errors[$"moves[{i}].to"] = ["The seat moved to is required (its id in the event's seat map)."];
            }
            else if (moves[i]!.To == moves[i]!.From)
            {
                errors[$"moves[{i}].to"] = ["A move goes to another seat."];
            }
        }

        if (errors.Count == before && (moves.Select(m => m!.From).Distinct(StringComparer.Ordinal).Count() != moves.Count
            || moves.Select(m => m!.To).Distinct(StringComparer.Ordinal).Count() != moves.Count))
        {
            errors["moves"] = ["Each seat is moved from once and to once."];
        }
    }
}
