using Events.Api.Model;
using Events.Api.Seating;
using Npgsql;
using NpgsqlTypes;

namespace Events.Api.Infrastructure.Postgres;

/// <summary>
/// Placing holds: a coalesced batch in one transaction (two round trips and the commit) that locks the event's counters row,
/// then its ticket types' rows (always in that order, as every other change does), and decides each request in arrival
/// order, first fit, against both levels; a lone single-line hold first tries ONE autocommit statement that takes the seats
/// only when every rule holds, and falls back to the batch path (with one request) to say why not. A seat category's type
/// (a seated event) always goes the batch path: its seats are read once the counters row is locked, picked
/// (<see cref="HoldSeatPicker"/>) and moved available → held in the statement that moves the counters.
/// </summary>
public sealed partial class PostgresInventoryStore
{
    public Task<IReadOnlyList<PlaceHoldOutcome>> PlaceHoldsAsync(Guid eventId, IReadOnlyList<HoldRequest> requests, DateTimeOffset now, CancellationToken cancellationToken) =>
        InBatchAsync(requests, (request, ct) => PlaceSingleHoldAsync(eventId, request, now, ct),
            (connection, transaction, ct) => PlaceInTransactionAsync(connection, transaction, eventId, requests, now, ct), cancellationToken);

    private static async Task<PlaceHoldOutcome[]> PlaceInTransactionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid eventId,
        IReadOnlyList<HoldRequest> requests, DateTimeOffset now, CancellationToken ct)
    {
        var ids = requests.Select(r => r.HoldId).Distinct().ToArray();

        // Round trip 1: lock the event's counters, then its ticket types (in id order), and read the holds that already exist.
        Inventory? inventory = null;
        HoldEvent? heldEvent = null;
        var onSale = false;
        var types = new List<TicketType>();
        var existing = new Dictionary<Guid, Hold>();
        var seatedTypes = new HashSet<Guid>();
        IReadOnlyList<SeatForSale> seats;
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                $"SELECT i.capacity, i.held, i.sold, e.on_sale_until, {HoldEventColumns} FROM event_inventory i JOIN events e ON e.id = i.event_id WHERE i.event_id = $1 FOR UPDATE OF i")
            { Parameters = { new() { Value = eventId } } });
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                "SELECT row_to_json(t)::text, t.seat_category IS NOT NULL FROM ticket_types t WHERE t.event_id = $1 ORDER BY t.id FOR UPDATE")
            { Parameters = { new() { Value = eventId } } });
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT {HoldColumns} FROM holds h WHERE h.hold_id = ANY($1)")
            { Parameters = { new() { Value = ids } } });
            batch.BatchCommands.Add(SeatsForSaleCommand(eventId, requests));
            await using var reader = await batch.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                inventory = new Inventory(eventId, reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
                onSale = CatalogEvent.IsOnSaleAt(ReadInstant(reader, 3), now);
                heldEvent = ReadHoldEvent(reader, first: 4);
            }

            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                types.Add(ParseTicketType(reader.GetString(0)));
                if (reader.GetBoolean(1))
                {
                    seatedTypes.Add(types[^1].Id);
                }
            }

            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var hold = ReadHold(reader);
                existing[hold.HoldId] = hold;
            }

            await reader.NextResultAsync(ct);
            seats = await ReadSeatsForSaleAsync(reader, ct);
        }

        var picker = new HoldSeatPicker(seatedTypes, seats);

        // Decide in arrival order, first fit, against the locked counters of the event and of each type.
        types.Sort((a, b) => a.SortOrder != b.SortOrder ? a.SortOrder.CompareTo(b.SortOrder) : a.Id.CompareTo(b.Id));
        var typeLeft = types.Where(t => t.Capacity is not null).ToDictionary(t => t.Id, t => t.Capacity!.Value - t.Committed);
        var outcomes = new PlaceHoldOutcome[requests.Count];
        var toInsert = new List<(int Index, Hold Hold)>();
        var available = inventory?.Available ?? 0;
        var decided = new Dictionary<Guid, int>();
        for (var index = 0; index < requests.Count; index++)
        {
            var request = requests[index];
            if (existing.TryGetValue(request.HoldId, out var known))
            {
                outcomes[index] = ExistingOutcome(known, eventId);
            }
            else if (decided.ContainsKey(request.HoldId))
            {
                // The same hold id twice in one batch: settled below from the first one's outcome.
            }
            else if (inventory is null)
            {
                outcomes[index] = new PlaceHoldOutcome(PlaceHoldResult.EventNotFound, null);
            }
            else if (!onSale)
            {
                outcomes[index] = new PlaceHoldOutcome(PlaceHoldResult.NotOnSale, null);
            }
            else
            {
                outcomes[index] = Decide(request, out var hold)!;
                if (hold is not null)
                {
                    toInsert.Add((index, hold));
                }
            }

            decided.TryAdd(request.HoldId, index);
        }

        // The request's lines (HoldRules), its seats, then the seats on the event and on each capped type: taken (null outcome) or refused.
        PlaceHoldOutcome? Decide(HoldRequest request, out Hold? hold)
        {
            hold = null;
            var (lines, refusal) = HoldRules.ResolveLines(request, types, now);
            if (lines is null)
            {
                return new PlaceHoldOutcome(refusal, null);
            }

            // The seats of each seated type's line (all or none), from the seats read under the counters lock: a named seat gone is
            // said as such even when its type has no seats left at all.
            var pick = picker.Pick(request, lines);
            if (pick.Refusal is { } noSeats)
            {
                return new PlaceHoldOutcome(noSeats, null) { SeatIds = pick.RefusedSeatIds, TicketTypeId = pick.RefusedLine };
            }

            if (request.Quantity > available || lines.Any(l => typeLeft.TryGetValue(l.TicketTypeId, out var left) && l.Quantity > left))
            {
                return new PlaceHoldOutcome(PlaceHoldResult.SoldOut, null);
            }

            picker.Take(pick);
            available -= request.Quantity;
            foreach (var line in lines.Where(l => typeLeft.ContainsKey(l.TicketTypeId)))
            {
                typeLeft[line.TicketTypeId] -= line.Quantity;
            }

            lines = lines.Select(l => pick.LineSeats.TryGetValue(l.TicketTypeId, out var taken) ? l with { SeatIds = taken } : l).ToList();
            hold = new Hold(request.HoldId, eventId, request.Quantity, HoldStatus.Held, request.ExpiresAt, now) { Lines = lines };
            return null;
        }

        if (toInsert.Count > 0)
        {
            var inserted = await InsertHoldsAsync(connection, transaction, eventId, toInsert.Select(x => x.Hold).ToList(), now, ct);
            foreach (var (index, hold) in toInsert)
            {
                outcomes[index] = inserted.Contains(hold.HoldId)
                    ? new PlaceHoldOutcome(PlaceHoldResult.Created, hold, heldEvent)
                    : await RaceLostOutcomeAsync(connection, transaction, eventId, hold.HoldId, ct);
            }
        }

        for (var index = 0; index < requests.Count; index++)
        {
            if (outcomes[index] is null)
            {
                var first = outcomes[decided[requests[index].HoldId]];
                outcomes[index] = first.Result == PlaceHoldResult.Created ? first with { Result = PlaceHoldResult.Existing } : first;
            }
        }

        return outcomes;
    }

    /// <summary>
    /// Round trip 2 of a batch: insert the accepted holds and their lines, and add exactly what was inserted to the event's
    /// held counter and to each type's (a hold id inserted meanwhile by another replica is skipped, and not counted).
    /// </summary>
    private static async Task<HashSet<Guid>> InsertHoldsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid eventId,
        IReadOnlyList<Hold> holds, DateTimeOffset now, CancellationToken ct)
    {
        var lines = holds.SelectMany(h => h.Lines.Select(l => (h.HoldId, Line: l))).ToList();
        var seats = lines.SelectMany(x => x.Line.SeatIds.Select(seatId => (x.HoldId, SeatId: seatId))).ToList();
        await using var command = new NpgsqlCommand(
            """
            WITH inserted AS (
                INSERT INTO holds (hold_id, event_id, quantity, status, expires_at, created_at, updated_at)
                SELECT t.hold_id, $2, t.quantity, 0, t.expires_at, $5, $5
                FROM unnest($1::uuid[], $3::int[], $4::timestamptz[]) AS t(hold_id, quantity, expires_at)
                ON CONFLICT (hold_id) DO NOTHING
                RETURNING hold_id, quantity),
            lines AS (
                INSERT INTO hold_lines (hold_id, ticket_type_id, name, quantity, unit_price)
                SELECT l.hold_id, l.ticket_type_id, l.name, l.quantity, l.unit_price
                FROM unnest($6::uuid[], $7::uuid[], $8::text[], $9::int[], $10::numeric[]) AS l(hold_id, ticket_type_id, name, quantity, unit_price)
                JOIN inserted i ON i.hold_id = l.hold_id
                RETURNING ticket_type_id, quantity),
            counted AS (
                UPDATE event_inventory SET held = held + (SELECT coalesce(sum(quantity), 0) FROM inserted)
                WHERE event_id = $2),
            per_type AS (
                SELECT ticket_type_id, sum(quantity)::int AS quantity FROM lines GROUP BY ticket_type_id),
            typed AS (
                UPDATE ticket_types t SET held = t.held + p.quantity FROM per_type p WHERE t.id = p.ticket_type_id),
            seated AS (
                UPDATE event_seats s SET status = 1, hold_id = x.hold_id, updated_at = $5
                FROM unnest($11::uuid[], $12::text[]) AS x(hold_id, seat_id) JOIN inserted i ON i.hold_id = x.hold_id
                WHERE s.event_id = $2 AND s.seat_id = x.seat_id AND s.status = 0
                RETURNING s.hold_id),
            versioned AS (
                UPDATE event_seating SET version = version + 1, updated_at = $5 WHERE event_id = $2 AND EXISTS (SELECT 1 FROM seated))
            SELECT i.hold_id, (SELECT count(*) FROM seated s WHERE s.hold_id = i.hold_id) FROM inserted i
            """, connection, transaction)
        {
            Parameters =
            {
                new() { Value = holds.Select(h => h.HoldId).ToArray() },
                new() { Value = eventId },
                new() { Value = holds.Select(h => h.Quantity).ToArray() },
                new() { Value = holds.Select(h => h.ExpiresAt.ToUniversalTime()).ToArray() },
                new() { Value = now.ToUniversalTime() },
                new() { Value = lines.Select(x => x.HoldId).ToArray() },
                new() { Value = lines.Select(x => x.Line.TicketTypeId).ToArray() },
                new() { Value = lines.Select(x => x.Line.Name).ToArray() },
                new() { Value = lines.Select(x => x.Line.Quantity).ToArray() },
                new() { Value = lines.Select(x => x.Line.UnitPrice).ToArray() },
                new() { Value = seats.Select(x => x.HoldId).ToArray() },
                new() { Value = seats.Select(x => x.SeatId).ToArray() },
            },
        };
        var inserted = new HashSet<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            // The seats were read available under the counters lock, which every change of a seat's status holds: one that moved
            // anyway is a broken invariant (S1), and throwing rolls the whole batch back rather than count seats a hold lacks.
            var hold = holds.First(h => h.HoldId == reader.GetGuid(0));
            if (reader.GetInt64(1) != hold.Lines.Sum(l => l.SeatIds.Count))
            {
                throw new InvalidOperationException($"Hold {hold.HoldId} found fewer of its seats available than it read under the event's lock.");
            }

            inserted.Add(hold.HoldId);
        }

        return inserted;
    }

    /// <summary>
    /// A lone hold of one line (or of the event's only type) as ONE autocommit statement, the fast path: lock the counters
    /// row when the event is on sale and has the seats, then the type's row when it is the one asked for (or the event's only
    /// one), visible to this hold, in its sales window, within its per-order limit and with the seats; take them on both,
    /// insert the hold and its line. Any other case (a refusal, several lines, a seat category's type: its condition is re-checked
    /// on the locked type row, so a plan put on the event meanwhile is seen) goes through the batch path, which says why.
    /// A concurrent insert of the same hold id makes the whole statement fail on the primary key (nothing counted).
    /// </summary>
    private async Task<PlaceHoldOutcome> PlaceSingleHoldAsync(Guid eventId, HoldRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (request.Lines.Count > 1 || request.Lines.Any(l => l.SeatIds is not null || l.BestAvailable is not null))
        {
            return (await InTransactionAsync((c, t, ct) => PlaceInTransactionAsync(c, t, eventId, [request], now, ct), cancellationToken))[0];
        }

        const string sql = $"""
            WITH ev AS (SELECT on_sale_until, {HoldEventColumns} FROM events e WHERE id = $2),
            inv AS (
                SELECT i.event_id FROM event_inventory i
                WHERE i.event_id = $2 AND i.capacity - i.held - i.sold >= $3
                  AND NOT EXISTS (SELECT 1 FROM holds WHERE hold_id = $1)
                  AND EXISTS (SELECT 1 FROM ev WHERE ev.on_sale_until > $5)
                FOR UPDATE),
            tt AS (
                SELECT t.id, t.name, t.price FROM inv JOIN ticket_types t ON t.event_id = inv.event_id
                WHERE (t.id = $6 OR ($6 IS NULL AND NOT EXISTS (SELECT 1 FROM ticket_types o WHERE o.event_id = $2 AND o.id <> t.id)))
                  AND ($6 IS NULL OR t.visibility = 0 OR t.id = ANY($7))
                  AND (t.sales_start IS NULL OR t.sales_start <= $5) AND (t.sales_end IS NULL OR $5 < t.sales_end)
                  AND $3 <= t.max_per_order
                  AND (t.capacity IS NULL OR t.capacity - t.held - t.sold >= $3)
                  AND t.seat_category IS NULL
                FOR UPDATE OF t),
            taken AS (
                UPDATE event_inventory i SET held = i.held + $3 FROM tt WHERE i.event_id = $2 RETURNING i.event_id),
            typed AS (
                UPDATE ticket_types t SET held = t.held + $3 FROM taken, tt WHERE t.id = tt.id RETURNING t.id),
            inserted AS (
                INSERT INTO holds (hold_id, event_id, quantity, status, expires_at, created_at, updated_at)
                SELECT $1, event_id, $3, 0, $4, $5, $5 FROM taken
                RETURNING hold_id),
            line AS (
                INSERT INTO hold_lines (hold_id, ticket_type_id, name, quantity, unit_price)
                SELECT i.hold_id, tt.id, tt.name, $3, tt.price FROM inserted i, tt
                RETURNING ticket_type_id, name, unit_price)
            SELECT (SELECT count(*) FROM typed), l.ticket_type_id, l.name, l.unit_price,
                ev.title, ev.price, ev.currency, ev.starts_at, ev.organizer_id, ev.time_zone, ev.seated
            FROM (SELECT 1) AS one LEFT JOIN line l ON true LEFT JOIN ev ON true
            """;
        var outcome = await db.OnConnectionAsync(async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(sql, connection)
            {
                Parameters =
                {
                    new() { Value = request.HoldId }, new() { Value = eventId }, new() { Value = request.Quantity },
                    new() { Value = request.ExpiresAt.ToUniversalTime() }, new() { Value = now.ToUniversalTime() },
                    new() { Value = request.Lines.Count == 1 ? request.Lines[0].TicketTypeId : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid },
                    new() { Value = request.UnlockedTicketTypeIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid },
                },
            };
            try
            {
                await using var reader = await command.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                if (reader.GetInt64(0) != 1 || reader.IsDBNull(1))
                {
                    return null; // not taken: the batch path decides (and says why)
                }

                var line = new HoldLine(reader.GetGuid(1), reader.GetString(2), request.Quantity, reader.GetDecimal(3));
                return new PlaceHoldOutcome(PlaceHoldResult.Created,
                    new Hold(request.HoldId, eventId, request.Quantity, HoldStatus.Held, request.ExpiresAt, now) { Lines = [line] },
                    ReadHoldEvent(reader, first: 4));
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                return await RaceLostOutcomeAsync(connection, null, eventId, request.HoldId, ct);
            }
        }, cancellationToken);
        return outcome
            ?? (await InTransactionAsync((c, t, ct) => PlaceInTransactionAsync(c, t, eventId, [request], now, ct), cancellationToken))[0];
    }

    /// <summary>Another replica inserted the same hold id concurrently (a retried request): report its hold.</summary>
    private static async Task<PlaceHoldOutcome> RaceLostOutcomeAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid eventId, Guid holdId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"SELECT {HoldColumns} FROM holds h WHERE h.hold_id = $1", connection, transaction)
        {
            Parameters = { new() { Value = holdId } },
        };
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ExistingOutcome(ReadHold(reader), eventId) : new PlaceHoldOutcome(PlaceHoldResult.HoldIdConflict, null);
    }

    /// <summary>A hold id is global (it is the booking id): one that exists is the first result, or another event's.</summary>
    private static PlaceHoldOutcome ExistingOutcome(Hold known, Guid eventId) =>
        known.EventId == eventId ? new PlaceHoldOutcome(PlaceHoldResult.Existing, known) : new PlaceHoldOutcome(PlaceHoldResult.HoldIdConflict, null);
}
