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
            // Round trip 1: lock the holds (in id order), then the event's counters — the order a lone confirmation, a
            // release and the expiry sweep lock them in, so batches and single statements never deadlock.
            var holds = new Dictionary<Guid, Hold>();
            Inventory? inventory = null;
            HoldEvent? heldEvent = null;
            var bookable = false;
            await using (var batch = new NpgsqlBatch(connection, npgsqlTransaction))
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(
                    $"SELECT {HoldColumns} FROM holds WHERE hold_id = ANY($1) AND event_id = $2 ORDER BY hold_id FOR UPDATE")
                { Parameters = { new() { Value = holdIds.Distinct().ToArray() }, new() { Value = eventId } } });
                batch.BatchCommands.Add(new NpgsqlBatchCommand(
                    $"SELECT i.capacity, i.held, i.sold, e.is_bookable, {HoldEventColumns} FROM event_inventory i JOIN events e ON e.id = i.event_id WHERE i.event_id = $1 FOR UPDATE OF i")
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
            }

            // Decide in arrival order against the locked counters, as the lone statement would one after the other.
            var outcomes = new ConfirmHoldOutcome[holdIds.Count];
            var available = inventory?.Available ?? 0;
            var (heldDelta, soldDelta) = (0, 0);
            var sold = new List<Guid>();
            for (var index = 0; index < holdIds.Count; index++)
            {
                if (!holds.TryGetValue(holdIds[index], out var hold))
                {
                    outcomes[index] = new ConfirmHoldOutcome(ConfirmHoldResult.HoldNotFound, null);
                    continue;
                }

                var takesSeats = hold.Status == HoldStatus.Held || (hold.Status == HoldStatus.Expired && bookable && available >= hold.Quantity);
                if (takesSeats)
                {
                    if (hold.Status == HoldStatus.Held)
                    {
                        heldDelta += hold.Quantity;
                    }
                    else
                    {
                        available -= hold.Quantity;
                    }

                    soldDelta += hold.Quantity;
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
                // Round trip 2: move the seats and mark the holds (ck_inventory_no_oversell still backs I1).
                await using var batch = new NpgsqlBatch(connection, npgsqlTransaction);
                batch.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE event_inventory SET held = held - $2, sold = sold + $3 WHERE event_id = $1")
                { Parameters = { new() { Value = eventId }, new() { Value = heldDelta }, new() { Value = soldDelta } } });
                batch.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE holds SET status = 1, updated_at = $2 WHERE hold_id = ANY($1)")
                { Parameters = { new() { Value = sold.ToArray() }, new() { Value = now.ToUniversalTime() } } });
                await batch.ExecuteNonQueryAsync(ct);
            }

            return outcomes;
        }, cancellationToken);

    /// <summary>A lone confirmation as ONE autocommit statement (one round trip, the counters row locked only for it).</summary>
    private Task<ConfirmHoldOutcome> ConfirmSingleHoldAsync(Guid eventId, Guid holdId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // One autocommit statement: lock the hold, move its seats to sold (a held hold, even past its expiry, still owns
        // its seats; an expired one re-acquires them only if they remain and the event is still bookable), mark it.
        const string sql = $"""
            WITH h AS (
                SELECT {HoldColumns} FROM holds
                WHERE hold_id = $1 AND event_id = $2 FOR UPDATE),
            moved AS (
                UPDATE event_inventory i
                SET held = i.held - CASE WHEN h.status = 0 THEN h.quantity ELSE 0 END,
                    sold = i.sold + h.quantity
                FROM h
                WHERE i.event_id = h.event_id
                  AND (h.status = 0
                       OR (h.status = 3 AND i.capacity - i.held - i.sold >= h.quantity
                           AND EXISTS (SELECT 1 FROM events e WHERE e.id = h.event_id AND e.is_bookable)))
                RETURNING i.event_id),
            marked AS (
                UPDATE holds SET status = 1, updated_at = $3 FROM moved WHERE holds.hold_id = $1 RETURNING holds.hold_id)
            SELECT h.*, (SELECT count(*) FROM marked), {HoldEventColumns}
            FROM h LEFT JOIN events e ON e.id = h.event_id
            """;
        return OnConnectionAsync(async (connection, ct) =>
        {
            await using var command = HoldChange(sql, connection, holdId, eventId, now);
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return new ConfirmHoldOutcome(ConfirmHoldResult.HoldNotFound, null);
            }

            var hold = ReadHold(reader);
            var marked = reader.GetInt64(6) > 0;
            var heldEvent = ReadHoldEvent(reader, first: 7);
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
