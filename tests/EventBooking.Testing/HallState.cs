using Npgsql;

namespace EventBooking.Testing;

/// <summary>A reserved seat as events-api stores it (<c>event_seats</c>): its row is "area/row"; its hold when held or sold.</summary>
public sealed record StoredSeat(string Id, string Row, int Ordinal, StoredSeatStatus Status, Guid? HoldId);

/// <summary>The <c>status</c> column of <c>event_seats</c>.</summary>
public enum StoredSeatStatus
{
    Available = 0,
    Held = 1,
    Sold = 2,
    Blocked = 3,
}

/// <summary>
/// A seated event's state read straight from the databases after a rush (the system suite's seated rush and the bench's (s)):
/// its seats in events-api, the seats on bookings-api's valid tickets, and the two measures of a good sale, parties kept
/// together and no single seats stranded.
/// </summary>
public static class HallState
{
    /// <summary>Every seat of the event in plan order.</summary>
    public static async Task<List<StoredSeat>> SeatsAsync(NpgsqlConnection events, Guid eventId, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand(
            "SELECT seat_id, area_id, row_label, ordinal, status, hold_id FROM event_seats WHERE event_id = $1 ORDER BY ordinal", events);
        command.Parameters.Add(new NpgsqlParameter { Value = eventId });
        var seats = new List<StoredSeat>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            seats.Add(new StoredSeat(reader.GetString(0), $"{reader.GetString(1)}/{reader.GetString(2)}", reader.GetInt32(3),
                (StoredSeatStatus)reader.GetInt16(4), reader.IsDBNull(5) ? null : reader.GetGuid(5)));
        }

        return seats;
    }

    /// <summary>The valid tickets of the event's confirmed bookings: each one's booking and seat (null: general admission).</summary>
    public static async Task<List<(Guid BookingId, string? SeatId)>> TicketSeatsAsync(NpgsqlConnection bookings, Guid eventId,
        CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand("""
            SELECT t."BookingId", t."SeatId" FROM tickets t JOIN bookings b ON b."Id" = t."BookingId"
            WHERE b."EventId" = $1 AND b."Status" = 'Confirmed' AND t."Status" = 'Valid'
            """, bookings);
        command.Parameters.Add(new NpgsqlParameter { Value = eventId });
        var tickets = new List<(Guid, string?)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tickets.Add((reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        return tickets;
    }

    /// <summary>A party's seats are together when they are one run of neighbours in one row (by the plan's seat order).</summary>
    public static bool Together(IReadOnlyCollection<StoredSeat> party) =>
        party.Select(s => s.Row).Distinct().Count() == 1 && party.Max(s => s.Ordinal) - party.Min(s => s.Ordinal) == party.Count - 1;

    /// <summary>Seats still for sale whose neighbours in the row are both taken (or the row's end): what nobody in a party can use.</summary>
    public static int Orphans(IEnumerable<StoredSeat> seats) =>
        seats.GroupBy(s => s.Row).Sum(row =>
        {
            var ordered = row.OrderBy(s => s.Ordinal).ToList();
            return ordered.Where((seat, i) => seat.Status == StoredSeatStatus.Available
                && (i == 0 || ordered[i - 1].Status != StoredSeatStatus.Available)
                && (i == ordered.Count - 1 || ordered[i + 1].Status != StoredSeatStatus.Available)).Count();
        });
}
