using System.Text.Json;
using Events.Api.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Events.Api.Infrastructure.Postgres;

/// <summary>
/// The seat inventory on PostgreSQL: hand-written SQL, where every statement is conditional on the counters and the
/// <c>ck_inventory_no_oversell</c> check constraint backs I1 (and <c>ck_ticket_types_no_oversell</c> I1 per ticket type). Whether an event is on sale or bookable is read from the
/// columns the catalog writes from the model (<c>on_sale_until</c>, <c>is_bookable</c>), never restated here. Placing
/// holds and confirming them (a batch in one transaction, a lone one in one statement) are in
/// <c>PostgresInventoryStore.PlaceHolds.cs</c> and <c>PostgresInventoryStore.ConfirmHolds.cs</c>. Every change locks in one
/// order: the hold rows (in id order), the event's counters row, its ticket types' rows (in id order); a statement that
/// changes both levels makes its type update depend on its counters update, so the order holds inside one statement too.
/// </summary>
public sealed partial class PostgresInventoryStore(EventsDbContext db) : IInventoryStore
{
    /// <summary>A hold's columns and its lines as JSON, of the holds table aliased <c>h</c>, read by <see cref="ReadHold"/>.</summary>
    private const string HoldColumns = "h.hold_id, h.event_id, h.quantity, h.status, h.expires_at, h.created_at, " +
        "(SELECT coalesce(json_agg(l ORDER BY l.ticket_type_id), '[]')::text FROM hold_lines l WHERE l.hold_id = h.hold_id)";

    private static readonly JsonSerializerOptions RowJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The columns of <see cref="HoldEvent"/>, of the events table aliased <c>e</c>, read by <see cref="ReadHoldEvent"/>.</summary>
    private const string HoldEventColumns =
        "e.title, e.price, e.currency, e.starts_at, e.organizer_id, e.time_zone, EXISTS (SELECT 1 FROM event_seating es WHERE es.event_id = e.id) AS seated";

    public async Task<Inventory?> GetInventoryAsync(Guid eventId, CancellationToken cancellationToken) =>
        (await db.Inventory.AsNoTracking().FirstOrDefaultAsync(i => i.EventId == eventId, cancellationToken))?.ToInventory();

    public async Task<IReadOnlyDictionary<Guid, int>> GetSeatsAvailableAsync(IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken)
    {
        if (eventIds.Count == 0)
        {
            return new Dictionary<Guid, int>();
        }

        var ids = eventIds.ToArray();
        return await db.Inventory.AsNoTracking().Where(i => ids.Contains(i.EventId))
            .Select(i => new { i.EventId, Available = i.Capacity - i.Held - i.Sold })
            .ToDictionaryAsync(i => i.EventId, i => i.Available, cancellationToken);
    }

    public Task<ReleaseHoldResult> ReleaseHoldAsync(Guid eventId, Guid holdId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Held seats go back from held, confirmed ones from sold (a cancellation), and a seated hold's seats back to sale;
        // anything else is already settled. The counters
        // written are computed from the rows locked first (the hold, its event's counters, its types in id order), never as a
        // sum on the rows the UPDATEs read as of the statement's snapshot: PostgreSQL checks the no-oversell constraints on that
        // computed row before it finds the row changed since, so a confirmation committed after the snapshot ("sold - quantity"
        // on a sold that lacked it) made the release fail instead of returning the seats.
        const string sql = """
            WITH h AS (
                SELECT hold_id, event_id, quantity, status FROM holds
                WHERE hold_id = $1 AND event_id = $2 AND status IN (0, 1) FOR UPDATE),
            inv AS (
                SELECT i.event_id, i.held, i.sold FROM h JOIN event_inventory i ON i.event_id = h.event_id FOR UPDATE OF i),
            tt AS (
                SELECT t.id, t.held, t.sold, l.quantity
                FROM inv JOIN hold_lines l ON l.hold_id = $1 JOIN ticket_types t ON t.id = l.ticket_type_id
                ORDER BY t.id FOR UPDATE OF t),
            returned AS (
                UPDATE event_inventory i
                SET held = inv.held - CASE WHEN h.status = 0 THEN h.quantity ELSE 0 END,
                    sold = inv.sold - CASE WHEN h.status = 1 THEN h.quantity ELSE 0 END
                FROM h, inv WHERE i.event_id = inv.event_id
                RETURNING h.status),
            typed AS (
                UPDATE ticket_types t
                SET held = tt.held - CASE WHEN r.status = 0 THEN tt.quantity ELSE 0 END,
                    sold = tt.sold - CASE WHEN r.status = 1 THEN tt.quantity ELSE 0 END
                FROM returned r, tt WHERE t.id = tt.id),
            marked AS (
                UPDATE holds SET status = 2, updated_at = $3 FROM returned WHERE holds.hold_id = $1 RETURNING holds.hold_id),
            freed AS (
                UPDATE event_seats s SET status = 0, hold_id = NULL, booking_id = NULL, updated_at = $3 FROM marked m
                WHERE s.event_id = $2 AND s.hold_id = m.hold_id AND s.status IN (1, 2) RETURNING 1),
            freed_version AS (
                UPDATE event_seating SET version = version + 1, updated_at = $3 WHERE event_id = $2 AND EXISTS (SELECT 1 FROM freed))
            SELECT count(*) FROM marked
            """;
        return db.OnConnectionAsync(async (connection, ct) =>
        {
            await using var command = HoldChange(sql, connection, holdId, eventId, now);
            var released = (long)(await command.ExecuteScalarAsync(ct) ?? 0L);
            return released > 0 ? ReleaseHoldResult.Released : ReleaseHoldResult.NothingToRelease;
        }, cancellationToken);
    }

    public Task<Hold?> GetHoldAsync(Guid holdId, CancellationToken cancellationToken) =>
        db.OnConnectionAsync(async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"SELECT {HoldColumns} FROM holds h WHERE h.hold_id = $1", connection)
            {
                Parameters = { new() { Value = holdId } },
            };
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? ReadHold(reader) : null;
        }, cancellationToken);

    public Task<InventorySnapshot?> GetInventorySnapshotAsync(Guid eventId, CancellationToken cancellationToken)
    {
        // One statement sees one snapshot: the counters and the holds cannot be read from two different moments.
        const string sql = $"""
            WITH types AS (
                SELECT coalesce(json_agg(t ORDER BY t.sort_order, t.id), '[]')::text AS types FROM ticket_types t WHERE t.event_id = $1),
            seats AS (
                SELECT array_agg(t.id) AS ids, array_agg(c.held) AS held, array_agg(c.sold) AS sold
                FROM ticket_types t CROSS JOIN LATERAL (
                    SELECT count(*) FILTER (WHERE s.status = 1)::int AS held, count(*) FILTER (WHERE s.status = 2)::int AS sold
                    FROM event_seats s WHERE s.event_id = t.event_id AND s.category = t.seat_category) c
                WHERE t.event_id = $1 AND t.seat_category IS NOT NULL),
            stray AS (
                SELECT count(*)::int AS seats FROM event_seats s
                WHERE s.event_id = $1 AND s.status IN (1, 2)
                  AND NOT EXISTS (SELECT 1 FROM holds x WHERE x.hold_id = s.hold_id AND x.event_id = s.event_id AND x.status = s.status - 1))
            SELECT i.capacity, i.held, i.sold, types.types, seats.ids, seats.held, seats.sold, stray.seats, {HoldColumns},
                (SELECT array_agg(s.seat_id ORDER BY s.ordinal) FROM event_seats s WHERE s.event_id = h.event_id AND s.hold_id = h.hold_id)
            FROM event_inventory i CROSS JOIN types CROSS JOIN seats CROSS JOIN stray
                LEFT JOIN holds h ON h.event_id = i.event_id AND h.status IN (0, 1)
            WHERE i.event_id = $1
            ORDER BY h.created_at
            """;
        return db.OnConnectionAsync(async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = eventId } } };
            await using var reader = await command.ExecuteReaderAsync(ct);
            Inventory? inventory = null;
            IReadOnlyList<TicketType> types = [];
            var seats = new Dictionary<Guid, (int Held, int Sold)>();
            var holds = new List<Hold>();
            var holdSeats = new Dictionary<Guid, IReadOnlyList<string>>();
            var straySeats = 0;
            while (await reader.ReadAsync(ct))
            {
                if (inventory is null)
                {
                    inventory = new Inventory(eventId, reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
                    types = ParseTicketTypes(reader.GetString(3));
                    if (!reader.IsDBNull(4))
                    {
                        var (ids, held, sold) = (reader.GetFieldValue<Guid[]>(4), reader.GetFieldValue<int[]>(5), reader.GetFieldValue<int[]>(6));
                        for (var k = 0; k < ids.Length; k++)
                        {
                            seats[ids[k]] = (held[k], sold[k]);
                        }
                    }

                    straySeats = reader.GetInt32(7);
                }

                if (!reader.IsDBNull(8))
                {
                    var hold = ReadHold(reader, first: 8);
                    holds.Add(hold);
                    if (!reader.IsDBNull(15))
                    {
                        holdSeats[hold.HoldId] = reader.GetFieldValue<string[]>(15);
                    }
                }
            }

            return inventory is null
                ? null
                : new InventorySnapshot(inventory, holds) { TicketTypes = types, SeatCounts = seats, HoldSeats = holdSeats, StraySeats = straySeats };
        }, cancellationToken);
    }

    public Task<int> ExpireHoldsAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken)
    {
        // SKIP LOCKED: replicas sweeping at once take disjoint holds, and a hold being confirmed right now is left alone.
        const string sql = """
            WITH due AS (
                SELECT hold_id FROM holds WHERE status = 0 AND expires_at <= $1
                ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED),
            expired AS (
                UPDATE holds h SET status = 3, updated_at = $1 FROM due WHERE h.hold_id = due.hold_id
                RETURNING h.hold_id, h.event_id, h.quantity),
            per_event AS (
                SELECT event_id, sum(quantity)::int AS quantity FROM expired GROUP BY event_id),
            returned AS (
                UPDATE event_inventory i SET held = i.held - p.quantity FROM per_event p WHERE i.event_id = p.event_id
                RETURNING i.event_id),
            per_type AS (
                -- Grouped after every counters row is updated (and locked): the types' rows are locked after their events'.
                SELECT l.ticket_type_id, sum(l.quantity)::int AS quantity
                FROM expired x JOIN hold_lines l ON l.hold_id = x.hold_id JOIN returned r ON r.event_id = x.event_id
                GROUP BY l.ticket_type_id),
            typed AS (
                UPDATE ticket_types t SET held = t.held - p.quantity FROM per_type p WHERE t.id = p.ticket_type_id),
            freed AS (
                -- The seats go back to sale after their event's counters row is locked (joined to returned), as every seat change does.
                UPDATE event_seats s SET status = 0, hold_id = NULL, updated_at = $1
                FROM expired x JOIN returned r ON r.event_id = x.event_id
                WHERE s.event_id = x.event_id AND s.hold_id = x.hold_id AND s.status = 1
                RETURNING s.event_id),
            freed_version AS (
                UPDATE event_seating v SET version = v.version + 1, updated_at = $1 FROM (SELECT DISTINCT event_id FROM freed) f
                WHERE v.event_id = f.event_id)
            SELECT count(*)::int FROM expired
            """;
        return db.OnConnectionAsync(async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(sql, connection)
            {
                Parameters = { new() { Value = now.ToUniversalTime() }, new() { Value = batchSize } },
            };
            return (int)(await command.ExecuteScalarAsync(ct) ?? 0);
        }, cancellationToken);
    }

    /// <summary>
    /// A batch of changes to one event: none does nothing, one is its single statement, more run in one transaction (retried
    /// as a whole by the execution strategy) that <paramref name="batch"/> fills and that commits when it returns.
    /// </summary>
    private async Task<IReadOnlyList<TOutcome>> InBatchAsync<TRequest, TOutcome>(IReadOnlyList<TRequest> requests,
        Func<TRequest, CancellationToken, Task<TOutcome>> single,
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<TOutcome[]>> batch,
        CancellationToken cancellationToken)
    {
        if (requests.Count == 0)
        {
            return [];
        }

        if (requests.Count == 1)
        {
            return [await single(requests[0], cancellationToken)];
        }

        return await InTransactionAsync(batch, cancellationToken);
    }

    /// <summary>One read-committed transaction that <paramref name="work"/> fills and that commits when it returns (retried as a whole).</summary>
    private Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct);
            var result = await work((NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction(), ct);
            await transaction.CommitAsync(ct);
            return result;
        }, cancellationToken);

    /// <summary>A statement that changes one hold: $1 the hold, $2 its event, $3 the time of the change.</summary>
    private static NpgsqlCommand HoldChange(string sql, NpgsqlConnection connection, Guid holdId, Guid eventId, DateTimeOffset now) =>
        new(sql, connection) { Parameters = { new() { Value = holdId }, new() { Value = eventId }, new() { Value = now.ToUniversalTime() } } };

    /// <summary>A hold from <see cref="HoldColumns"/>, starting at column <paramref name="first"/>.</summary>
    private static Hold ReadHold(NpgsqlDataReader reader, int first = 0) => new(
        reader.GetGuid(first), reader.GetGuid(first + 1), reader.GetInt32(first + 2), (HoldStatus)reader.GetInt32(first + 3),
        reader.GetFieldValue<DateTimeOffset>(first + 4), reader.GetFieldValue<DateTimeOffset>(first + 5))
    {
        Lines = (JsonSerializer.Deserialize<HoldLineRow[]>(reader.GetString(first + 6), RowJson) ?? [])
            .Select(l => new HoldLine(l.TicketTypeId, l.Name, l.Quantity, l.UnitPrice)).ToList(),
    };

    /// <summary>A ticket type from its row as JSON (<c>row_to_json(t)</c>).</summary>
    internal static TicketType ParseTicketType(string json) => JsonSerializer.Deserialize<TicketTypeRow>(json, RowJson)!.ToTicketType();

    /// <summary>Ticket types from a JSON array of their rows (<c>json_agg(t)</c>).</summary>
    internal static IReadOnlyList<TicketType> ParseTicketTypes(string json) =>
        (JsonSerializer.Deserialize<TicketTypeRow[]>(json, RowJson) ?? []).Select(r => r.ToTicketType()).ToList();

    /// <summary>A hold's event from <see cref="HoldEventColumns"/>, starting at column <paramref name="first"/>; null when the row had no event.</summary>
    private static HoldEvent? ReadHoldEvent(NpgsqlDataReader reader, int first) => reader.IsDBNull(first)
        ? null
        : new HoldEvent(reader.GetString(first), reader.GetDecimal(first + 1), reader.GetString(first + 2),
            reader.GetFieldValue<DateTimeOffset>(first + 3), reader.GetGuid(first + 4), reader.GetString(first + 5), reader.GetBoolean(first + 6));

    private static DateTimeOffset? ReadInstant(NpgsqlDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : reader.GetFieldValue<DateTimeOffset>(column);
}
