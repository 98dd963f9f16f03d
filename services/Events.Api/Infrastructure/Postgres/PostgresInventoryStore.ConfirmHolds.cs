using Events.Api.Model;
using Npgsql;

namespace Events.Api.Infrastructure.Postgres;

/// <summary>Confirming holds: a coalesced batch in one transaction (two round trips and the commit), a lone one in one statement.</summary>
public sealed partial class PostgresInventoryStore
{
    public Task<IReadOnlyList<ConfirmHoldOutcome>> ConfirmHoldsAsync(Guid eventId, IReadOnlyList<Guid> holdIds, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        InBatchAsync(holdIds, (holdId, ct) => ConfirmSingleHoldAsync(eventId, holdId, now, ct), async (connection, npgsqlTransaction, ct) =>
        {
            // Round trip 1: lock the holds (in id order), then the event's counters, then its ticket types (in id order) — the
            // order a lone confirmation, a release and the expiry sweep lock them in, so batches and single statements never deadlock.
            var holds = new Dictionary<Guid, Hold>();
            Inventory? inventory = null;
            HoldEvent? heldEvent = null;
            var bookable = false;
            var types = new Dictionary<Guid, TicketType>();
            var seatedTypes = new HashSet<Guid>();
            await using (var batch = new NpgsqlBatch(connection, npgsqlTransaction))
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(
                    $"SELECT {HoldColumns} FROM holds h WHERE h.hold_id = ANY($1) AND h.event_id = $2 ORDER BY h.hold_id FOR UPDATE OF h")
                { Parameters = { new() { Value = holdIds.Distinct().ToArray() }, new() { Value = eventId } } });
                batch.BatchCommands.Add(new NpgsqlBatchCommand(
                    $"SELECT i.capacity, i.held, i.sold, e.is_bookable, {HoldEventColumns} FROM event_inventory i JOIN events e ON e.id = i.event_id WHERE i.event_id = $1 FOR UPDATE OF i")
                { Parameters = { new() { Value = eventId } } });
                batch.BatchCommands.Add(new NpgsqlBatchCommand(
                    "SELECT row_to_json(t)::text, t.seat_category IS NOT NULL FROM ticket_types t WHERE t.event_id = $1 ORDER BY t.id FOR UPDATE")
                { Parameters = { new() { Value = eventId } } });
                await using var reader = await batch.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var hold = ReadHold(reader);
                    holds[hold.HoldId] = hold;
                }

                await reader.NextResultAsync(ct);
                if (await reader.ReadAsync(ct))
                {
                    inventory = new Inventory(eventId, reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
                    bookable = reader.GetBoolean(3);
                    heldEvent = ReadHoldEvent(reader, first: 4);
                }

                await reader.NextResultAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var type = ParseTicketType(reader.GetString(0));
                    types[type.Id] = type;
                    if (reader.GetBoolean(1))
                    {
                        seatedTypes.Add(type.Id);
                    }
                }
            }

            // Decide in arrival order against the locked counters, as the lone statement would one after the other.
            var outcomes = new ConfirmHoldOutcome[holdIds.Count];
            var available = inventory?.Available ?? 0;
            var (heldDelta, soldDelta) = (0, 0);
            var typeDeltas = new Dictionary<Guid, (int Held, int Sold)>();
            var sold = new List<Guid>();
            for (var index = 0; index < holdIds.Count; index++)
            {
                if (!holds.TryGetValue(holdIds[index], out var hold))
                {
                    outcomes[index] = new ConfirmHoldOutcome(ConfirmHoldResult.HoldNotFound, null);
                    continue;
                }

                var takesSeats = hold.Status == HoldStatus.Held
                    || (hold.Status == HoldStatus.Expired && bookable && available >= hold.Quantity && TypesHaveSeats(hold, types, typeDeltas)
                        && !hold.Lines.Any(l => seatedTypes.Contains(l.TicketTypeId)));
                if (takesSeats)
                {
                    var wasHeld = hold.Status == HoldStatus.Held;
                    if (wasHeld)
                    {
                        heldDelta += hold.Quantity;
                    }
                    else
                    {
                        available -= hold.Quantity;
                    }

                    soldDelta += hold.Quantity;
                    foreach (var line in hold.Lines)
                    {
                        var (h, s) = typeDeltas.GetValueOrDefault(line.TicketTypeId);
                        typeDeltas[line.TicketTypeId] = (h + (wasHeld ? line.Quantity : 0), s + line.Quantity);
                    }

                    sold.Add(hold.HoldId);
                    holds[hold.HoldId] = hold = hold with { Status = HoldStatus.Confirmed };
                }

                outcomes[index] = hold.Status switch
                {
                    HoldStatus.Confirmed => new ConfirmHoldOutcome(ConfirmHoldResult.Confirmed, hold, heldEvent),
                    HoldStatus.Released => new ConfirmHoldOutcome(ConfirmHoldResult.Released, hold),
                    _ => new ConfirmHoldOutcome(ConfirmHoldResult.Expired, hold),
                };
            }

            if (sold.Count > 0)
            {
                // Round trip 2: move the seats on both levels and mark the holds (the check constraints still back I1).
                await using var batch = new NpgsqlBatch(connection, npgsqlTransaction);
                batch.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE event_inventory SET held = held - $2, sold = sold + $3 WHERE event_id = $1")
                { Parameters = { new() { Value = eventId }, new() { Value = heldDelta }, new() { Value = soldDelta } } });
                batch.BatchCommands.Add(new NpgsqlBatchCommand(
                    """
                    UPDATE ticket_types t SET held = t.held - d.held, sold = t.sold + d.sold
                    FROM unnest($1::uuid[], $2::int[], $3::int[]) AS d(id, held, sold) WHERE t.id = d.id
                    """)
                {
                    Parameters =
                    {
                        new() { Value = typeDeltas.Keys.ToArray() },
                        new() { Value = typeDeltas.Values.Select(d => d.Held).ToArray() },
                        new() { Value = typeDeltas.Values.Select(d => d.Sold).ToArray() },
                    },
                });
                batch.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE holds SET status = 1, updated_at = $2 WHERE hold_id = ANY($1)")
                { Parameters = { new() { Value = sold.ToArray() }, new() { Value = now.ToUniversalTime() } } });
                batch.BatchCommands.Add(new NpgsqlBatchCommand(
                    """
                    WITH seats AS (
                        UPDATE event_seats SET status = 2, updated_at = $3 WHERE event_id = $1 AND hold_id = ANY($2) AND status = 1 RETURNING 1)
                    UPDATE event_seating SET version = version + 1, updated_at = $3 WHERE event_id = $1 AND EXISTS (SELECT 1 FROM seats)
                    """)
                { Parameters = { new() { Value = eventId }, new() { Value = sold.ToArray() }, new() { Value = now.ToUniversalTime() } } });
                await batch.ExecuteNonQueryAsync(ct);
            }

            return outcomes;
        }, cancellationToken);

    /// <summary>Whether each capped type of an expired hold's lines still has its seats, after the batch's earlier decisions.</summary>
    private static bool TypesHaveSeats(Hold hold, Dictionary<Guid, TicketType> types, Dictionary<Guid, (int Held, int Sold)> decided) =>
        hold.Lines.All(l => !types.TryGetValue(l.TicketTypeId, out var type) || type.Capacity is not { } cap
            || cap - type.Committed - (decided.GetValueOrDefault(l.TicketTypeId).Sold - decided.GetValueOrDefault(l.TicketTypeId).Held) >= l.Quantity);

    /// <summary>A lone confirmation as ONE autocommit statement (one round trip, the counters and type rows locked only for it).</summary>
    private Task<ConfirmHoldOutcome> ConfirmSingleHoldAsync(Guid eventId, Guid holdId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // One autocommit statement: lock the hold; a held hold (even past its expiry, it still owns its seats) moves its seats
        // to sold on the event and on each line's type; an expired one re-acquires them only if the event is still bookable and
        // both the event and every capped type of its lines have them, read from their locked rows (event first, then types), and
        // it has no reserved seats (those went back to sale at expiry, and may be someone else's now). A held hold's seats are sold.
        // The counters written are computed from those locked rows, never as a sum on the rows the UPDATEs read: under READ
        // COMMITTED an UPDATE reads a row as of the statement's snapshot and PostgreSQL checks ck_inventory_no_oversell (and
        // ck_ticket_types_no_oversell) on the row computed from it BEFORE it finds the row changed since and recomputes it from
        // the newest one. A hold swept after that snapshot still has its seat held there, so "sold + quantity" re-acquiring it
        // was refused (an error, not a refusal) although the seat was free.
        const string sql = $"""
            WITH h AS (
                SELECT {HoldColumns} FROM holds h
                WHERE h.hold_id = $1 AND h.event_id = $2 FOR UPDATE OF h),
            inv AS (
                SELECT i.event_id, i.held, i.sold, i.capacity - i.held - i.sold AS available
                FROM h JOIN event_inventory i ON i.event_id = h.event_id WHERE h.status IN (0, 3)
                FOR UPDATE OF i),
            tt AS (
                SELECT t.id, t.held, t.sold, t.capacity - t.held - t.sold AS available, t.capacity, l.quantity, t.seat_category IS NOT NULL AS seated
                FROM inv JOIN hold_lines l ON l.hold_id = $1 JOIN ticket_types t ON t.id = l.ticket_type_id
                ORDER BY t.id FOR UPDATE OF t),
            ok AS (
                SELECT h.status, h.quantity, inv.held, inv.sold FROM h JOIN inv ON inv.event_id = h.event_id
                WHERE h.status = 0
                   OR (h.status = 3
                       AND inv.available >= h.quantity
                       AND NOT EXISTS (SELECT 1 FROM tt WHERE (tt.capacity IS NOT NULL AND tt.available < tt.quantity) OR tt.seated)
                       AND EXISTS (SELECT 1 FROM events e WHERE e.id = h.event_id AND e.is_bookable))),
            moved AS (
                UPDATE event_inventory i
                SET held = ok.held - CASE WHEN ok.status = 0 THEN ok.quantity ELSE 0 END,
                    sold = ok.sold + ok.quantity
                FROM ok WHERE i.event_id = $2
                RETURNING ok.status),
            typed AS (
                UPDATE ticket_types t
                SET held = tt.held - CASE WHEN m.status = 0 THEN tt.quantity ELSE 0 END,
                    sold = tt.sold + tt.quantity
                FROM moved m, tt WHERE t.id = tt.id),
            marked AS (
                UPDATE holds SET status = 1, updated_at = $3 FROM moved WHERE holds.hold_id = $1 RETURNING holds.hold_id),
            seats AS (
                UPDATE event_seats s SET status = 2, updated_at = $3 FROM marked m
                WHERE s.event_id = $2 AND s.hold_id = m.hold_id AND s.status = 1 RETURNING 1),
            seats_version AS (
                UPDATE event_seating SET version = version + 1, updated_at = $3 WHERE event_id = $2 AND EXISTS (SELECT 1 FROM seats))
            SELECT h.*, (SELECT count(*) FROM marked), {HoldEventColumns}
            FROM h LEFT JOIN events e ON e.id = h.event_id
            """;
        return db.OnConnectionAsync(async (connection, ct) =>
        {
            await using var command = HoldChange(sql, connection, holdId, eventId, now);
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return new ConfirmHoldOutcome(ConfirmHoldResult.HoldNotFound, null);
            }

            var hold = ReadHold(reader);
            var marked = reader.GetInt64(7) > 0;
            var heldEvent = ReadHoldEvent(reader, first: 8);
            return hold.Status switch
            {
                HoldStatus.Confirmed => new ConfirmHoldOutcome(ConfirmHoldResult.Confirmed, hold, heldEvent),
                _ when marked => new ConfirmHoldOutcome(ConfirmHoldResult.Confirmed, hold with { Status = HoldStatus.Confirmed }, heldEvent),
                HoldStatus.Released => new ConfirmHoldOutcome(ConfirmHoldResult.Released, hold),
                _ => new ConfirmHoldOutcome(ConfirmHoldResult.Expired, hold),
            };
        }, cancellationToken);
    }
}
