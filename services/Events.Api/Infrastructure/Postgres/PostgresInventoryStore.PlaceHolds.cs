using System.Data;
using Events.Api.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Events.Api.Infrastructure.Postgres;

/// <summary>Placing holds: a coalesced batch in one transaction (two round trips), a lone hold in one statement.</summary>
public sealed partial class PostgresInventoryStore
{
    public Task<IReadOnlyList<PlaceHoldOutcome>> PlaceHoldsAsync(Guid eventId, IReadOnlyList<HoldRequest> requests, DateTimeOffset now, CancellationToken cancellationToken) =>
        InBatchAsync(requests, (request, ct) => PlaceSingleHoldAsync(eventId, request, now, ct), async (connection, npgsqlTransaction, ct) =>
        {
            var ids = requests.Select(r => r.HoldId).Distinct().ToArray();

            // Round trip 1: lock the event's counters and read the holds that already exist (idempotency).
            Inventory? inventory = null;
            HoldEvent? heldEvent = null;
            var onSale = false;
            var existing = new Dictionary<Guid, Hold>();
            await using (var batch = new NpgsqlBatch(connection, npgsqlTransaction))
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(
                    $"SELECT i.capacity, i.held, i.sold, e.on_sale_until, {HoldEventColumns} FROM event_inventory i JOIN events e ON e.id = i.event_id WHERE i.event_id = $1 FOR UPDATE OF i")
                { Parameters = { new() { Value = eventId } } });
                batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT {HoldColumns} FROM holds WHERE hold_id = ANY($1)")
                { Parameters = { new() { Value = ids } } });
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
                    var hold = ReadHold(reader);
                    existing[hold.HoldId] = hold;
                }
            }

            // Decide in arrival order, first fit, against the locked counters.
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
                else if (request.Quantity > available)
                {
                    outcomes[index] = new PlaceHoldOutcome(PlaceHoldResult.SoldOut, null);
                }
                else
                {
                    available -= request.Quantity;
                    toInsert.Add((index, new Hold(request.HoldId, eventId, request.Quantity, HoldStatus.Held, request.ExpiresAt, now)));
                }

                decided.TryAdd(request.HoldId, index);
            }

            if (toInsert.Count > 0)
            {
                // Round trip 2: insert the accepted holds and add exactly what was inserted to the held counter.
                await using var command = new NpgsqlCommand(
                    """
                    WITH inserted AS (
                        INSERT INTO holds (hold_id, event_id, quantity, status, expires_at, created_at, updated_at)
                        SELECT t.hold_id, $2, t.quantity, 0, t.expires_at, $5, $5
                        FROM unnest($1::uuid[], $3::int[], $4::timestamptz[]) AS t(hold_id, quantity, expires_at)
                        ON CONFLICT (hold_id) DO NOTHING
                        RETURNING hold_id, quantity),
                    counted AS (
                        UPDATE event_inventory SET held = held + (SELECT coalesce(sum(quantity), 0) FROM inserted)
                        WHERE event_id = $2)
                    SELECT hold_id FROM inserted
                    """, connection, npgsqlTransaction)
                {
                    Parameters =
                    {
                        new() { Value = toInsert.Select(x => x.Hold.HoldId).ToArray() },
                        new() { Value = eventId },
                        new() { Value = toInsert.Select(x => x.Hold.Quantity).ToArray() },
                        new() { Value = toInsert.Select(x => x.Hold.ExpiresAt.ToUniversalTime()).ToArray() },
                        new() { Value = now.ToUniversalTime() },
                    },
                };
                var inserted = new HashSet<Guid>();
                await using (var reader = await command.ExecuteReaderAsync(ct))
                {
                    while (await reader.ReadAsync(ct))
                    {
                        inserted.Add(reader.GetGuid(0));
                    }
                }

                foreach (var (index, hold) in toInsert)
                {
                    outcomes[index] = inserted.Contains(hold.HoldId)
                        ? new PlaceHoldOutcome(PlaceHoldResult.Created, hold, heldEvent)
                        : await RaceLostOutcomeAsync(connection, npgsqlTransaction, eventId, hold.HoldId, ct);
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
        }, cancellationToken);

    /// <summary>
    /// A lone hold as ONE autocommit statement (one round trip, the counters row locked only for it): take the seats if
    /// they remain, the event is on sale and the hold id is new, and insert the hold. A concurrent insert of the same
    /// hold id makes the whole statement fail on the primary key (nothing counted), and the existing hold is returned.
    /// </summary>
    private Task<PlaceHoldOutcome> PlaceSingleHoldAsync(Guid eventId, HoldRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string sql = $"""
            WITH ev AS (SELECT on_sale_until, {HoldEventColumns} FROM events e WHERE id = $2),
            existing AS (SELECT {HoldColumns} FROM holds WHERE hold_id = $1),
            taken AS (
                UPDATE event_inventory SET held = held + $3
                WHERE event_id = $2 AND capacity - held - sold >= $3
                  AND NOT EXISTS (SELECT 1 FROM existing)
                  AND EXISTS (SELECT 1 FROM ev WHERE ev.on_sale_until > $5)
                RETURNING event_id),
            inserted AS (
                INSERT INTO holds (hold_id, event_id, quantity, status, expires_at, created_at, updated_at)
                SELECT $1, event_id, $3, 0, $4, $5, $5 FROM taken
                RETURNING hold_id)
            SELECT (SELECT count(*) FROM inserted), EXISTS (SELECT 1 FROM ev), (SELECT on_sale_until FROM ev), x.*,
                ev.title, ev.price, ev.currency, ev.starts_at, ev.organizer_id
            FROM (SELECT 1) AS one LEFT JOIN existing x ON true LEFT JOIN ev ON true
            """;
        return OnConnectionAsync(async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(sql, connection)
            {
                Parameters =
                {
                    new() { Value = request.HoldId }, new() { Value = eventId }, new() { Value = request.Quantity },
                    new() { Value = request.ExpiresAt.ToUniversalTime() }, new() { Value = now.ToUniversalTime() },
                },
            };
            try
            {
                await using var reader = await command.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                if (reader.GetInt64(0) == 1)
                {
                    return new PlaceHoldOutcome(PlaceHoldResult.Created,
                        new Hold(request.HoldId, eventId, request.Quantity, HoldStatus.Held, request.ExpiresAt, now), ReadHoldEvent(reader, first: 9));
                }

                if (!reader.IsDBNull(3))
                {
                    return ExistingOutcome(ReadHold(reader, first: 3), eventId);
                }

                if (!reader.GetBoolean(1))
                {
                    return new PlaceHoldOutcome(PlaceHoldResult.EventNotFound, null);
                }

                var onSale = CatalogEvent.IsOnSaleAt(ReadInstant(reader, 2), now);
                return new PlaceHoldOutcome(onSale ? PlaceHoldResult.SoldOut : PlaceHoldResult.NotOnSale, null);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                return await RaceLostOutcomeAsync(connection, null, eventId, request.HoldId, ct);
            }
        }, cancellationToken);
    }

    /// <summary>Another replica inserted the same hold id concurrently (a retried request): report its hold.</summary>
    private static async Task<PlaceHoldOutcome> RaceLostOutcomeAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid eventId, Guid holdId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"SELECT {HoldColumns} FROM holds WHERE hold_id = $1", connection, transaction)
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
