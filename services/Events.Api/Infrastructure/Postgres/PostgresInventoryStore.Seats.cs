using Events.Api.Model;
using Events.Api.Seating;
using Npgsql;

namespace Events.Api.Infrastructure.Postgres;

/// <summary>
/// The seats of a seated event's holds (docs/seating.md, S1–S4): a hold reads them after locking the counters row, and every
/// statement that moves a hold's counters moves its seats (available → held → sold, back to available on release or expiry),
/// locking them after the counters and the types and adding 1 to <c>event_seating.version</c>.
/// </summary>
public sealed partial class PostgresInventoryStore
{
    /// <summary>
    /// The seats a batch may take, read after its counters row is locked (a later statement of the same read-committed transaction,
    /// so it sees every change committed before the lock): the available seats of the seat categories' types, and the seats named
    /// whatever their status (to say which are gone). No row lock: nobody changes a seat's status without the counters lock.
    /// </summary>
    private static NpgsqlBatchCommand SeatsForSaleCommand(Guid eventId, IReadOnlyList<HoldRequest> requests) =>
        new("""
            SELECT t.id, s.seat_id, s.area_id, s.row_label, s.number_label, s.x, s.rank, s.flags, s.status = 0
            FROM event_seats s JOIN ticket_types t ON t.event_id = s.event_id AND t.seat_category = s.category
            WHERE s.event_id = $1 AND (s.status = 0 OR s.seat_id = ANY($2))
            ORDER BY s.ordinal
            """)
        {
            Parameters =
            {
                new() { Value = eventId },
                new() { Value = requests.SelectMany(r => r.Lines).SelectMany(l => l.SeatIds ?? []).Distinct().ToArray() },
            },
        };

    private static async Task<IReadOnlyList<SeatForSale>> ReadSeatsForSaleAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        var seats = new List<SeatForSale>();
        while (await reader.ReadAsync(ct))
        {
            seats.Add(new SeatForSale(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetDouble(5), reader.GetInt32(6), (SeatFlags)reader.GetInt16(7), reader.GetBoolean(8)));
        }

        return seats;
    }
}
