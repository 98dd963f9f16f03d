using System.Text.Json;
using Events.Api.Infrastructure.Postgres;
using Events.Api.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Events.Api.Seating;

public enum SeatingChange
{
    Done,
    EventNotFound,
    HasSales,
    SeatNotFound,
    SeatNotAvailable,
    SeatsCommitted,
    NotSeated,
    HoldNotFound,
    SeatNotInHold,
    CategoryChanged,
}

/// <summary>The outcome of a seat change, with the seats it is about when refused (unknown, or held or sold).</summary>
public sealed record SeatingResult(SeatingChange Change, IReadOnlyList<string> SeatIds)
{
    public static SeatingResult Of(SeatingChange change) => new(change, []);
}

/// <summary>An event's seat map as stored: its layout, every seat in plan order, and the version of their statuses.</summary>
public sealed record StoredSeatMap(Guid PlanId, string PlanName, EventSeatingLayout Layout, long Version, IReadOnlyList<EventSeatRow> Seats);

/// <summary>Which seats are not for sale now, the version of that answer, and each general-admission area's places left.</summary>
public sealed record StoredAvailability(long Version, IReadOnlyList<string> Unavailable, IReadOnlyDictionary<string, int> AreasAvailable);

/// <summary>
/// Venue plans and seated events, in PostgreSQL (the events database; the MongoDB configuration has no seating: its API answers
/// <c>503 seating-unavailable</c>). A seat change locks the event's counters row first, then its ticket types, then its seats
/// (the order every hold takes: counters, then types), so it never deadlocks with a hold and never races one.
/// </summary>
public sealed class SeatingStore(EventsDbContext db)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    // ---- Plans ----

    public async Task CreatePlanAsync(VenuePlan plan, CancellationToken cancellationToken)
    {
        db.VenuePlans.Add(ToRow(plan));
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    public async Task<VenuePlan?> GetPlanAsync(Guid planId, CancellationToken cancellationToken) =>
        await db.VenuePlans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == planId, cancellationToken) is { } row ? ToPlan(row) : null;

    /// <summary>An organizer's plans (every plan for null), latest change first, without their seats.</summary>
    public Task<Paged<VenuePlanSummary>> ListPlansAsync(Guid? organizerId, PageQuery page, CancellationToken cancellationToken) =>
        db.VenuePlans.AsNoTracking().Where(p => organizerId == null || p.OrganizerId == organizerId)
            .OrderByDescending(p => p.UpdatedAt).ThenBy(p => p.Id)
            .Select(p => new { p.Id, p.OrganizerId, p.Name, p.SeatCount, p.Version, p.CreatedAt, p.UpdatedAt })
            .ToPagedAsync(page, PageQuery.DefaultPageSize,
                p => new VenuePlanSummary(p.Id, p.OrganizerId, p.Name, p.SeatCount, p.Version, p.CreatedAt, p.UpdatedAt), cancellationToken);

    /// <summary>Saves the plan's new content when its stored version is still <paramref name="readVersion"/>; false otherwise.</summary>
    public async Task<bool> SavePlanAsync(VenuePlan plan, int readVersion, CancellationToken cancellationToken)
    {
        var row = ToRow(plan);
        var saved = await db.VenuePlans.Where(p => p.Id == plan.Id && p.Version == readVersion).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.Name, row.Name).SetProperty(p => p.Document, row.Document).SetProperty(p => p.SeatCount, row.SeatCount)
            .SetProperty(p => p.Version, readVersion + 1).SetProperty(p => p.UpdatedAt, row.UpdatedAt), cancellationToken);
        return saved == 1;
    }

    /// <summary>Removes a plan no event uses: false when an event uses it (the foreign key refuses it too).</summary>
    public async Task<bool> DeletePlanAsync(Guid planId, CancellationToken cancellationToken)
    {
        try
        {
            await db.VenuePlans.Where(p => p.Id == planId && !db.EventSeating.Any(s => s.PlanId == planId)).ExecuteDeleteAsync(cancellationToken);
            return !await db.EventSeating.AnyAsync(s => s.PlanId == planId, cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return false;
        }
    }

    public Task<bool> PlanInUseAsync(Guid planId, CancellationToken cancellationToken) =>
        db.EventSeating.AnyAsync(s => s.PlanId == planId, cancellationToken);

    // ---- Events on a plan ----

    /// <summary>
    /// Puts the event on the plan in one transaction, while it has no seat held or sold: its ticket types become exactly the
    /// plan's (kept ones updated, the others removed, new ones added), its capacity their sum, and its seats a fresh copy.
    /// </summary>
    public Task<SeatingChange> ApplyAsync(EventSeatingPlan seating, DateTimeOffset now, CancellationToken cancellationToken) =>
        InTransactionAsync(seating.EventId, async (connection, transaction, committed, ct) =>
        {
            if (committed > 0)
            {
                return SeatingChange.HasSales;
            }

            var kept = seating.TicketTypes.Where(t => !t.IsNew).Select(t => t.Type.Id).ToArray();
            await ExecuteAsync(connection, transaction, "DELETE FROM ticket_types WHERE event_id = $1 AND NOT (id = ANY($2))", ct, seating.EventId, kept);
            // Links are unique per event: clear the kept types' before giving them their new ones (two may swap).
            await ExecuteAsync(connection, transaction, "UPDATE ticket_types SET seat_category = NULL, seating_area = NULL WHERE event_id = $1", ct,
                seating.EventId);
            foreach (var t in seating.TicketTypes.Where(t => !t.IsNew))
            {
                await ExecuteAsync(connection, transaction,
                    """
                    UPDATE ticket_types SET name = $3, price = $4, capacity = $5, seat_category = $6, seating_area = $7, updated_at = $8
                    WHERE id = $1 AND event_id = $2
                    """, ct, t.Type.Id, seating.EventId, t.Type.Name, t.Type.Price, t.Type.Capacity!.Value, Text(t.Link.Category), Text(t.Link.Area),
                    now.ToUniversalTime());
            }

            foreach (var t in seating.TicketTypes.Where(t => t.IsNew))
            {
                var row = TicketTypeRow.From(t.Type);
                row.SeatCategory = t.Link.Category;
                row.SeatingArea = t.Link.Area;
                db.TicketTypes.Add(row);
            }

            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();

            await ExecuteAsync(connection, transaction, "UPDATE event_inventory SET capacity = $2 WHERE event_id = $1", ct, seating.EventId, seating.Capacity);
            await ExecuteAsync(connection, transaction, "UPDATE events SET capacity = $2, version = version + 1 WHERE id = $1", ct, seating.EventId,
                seating.Capacity);
            await ExecuteAsync(connection, transaction, "DELETE FROM event_seating WHERE event_id = $1", ct, seating.EventId);
            await ExecuteAsync(connection, transaction,
                "INSERT INTO event_seating (event_id, plan_id, plan_name, layout, version, updated_at) VALUES ($1, $2, $3, $4::jsonb, 1, $5)", ct,
                seating.EventId, seating.PlanId, seating.PlanName, JsonSerializer.Serialize(new EventSeatingLayout(seating.Areas, seating.Categories), Json),
                now.ToUniversalTime());

            var seats = seating.Seats;
            await ExecuteAsync(connection, transaction,
                """
                INSERT INTO event_seats (event_id, seat_id, ordinal, area_id, row_label, number_label, x, y, category, rank, flags, status, updated_at)
                SELECT $1, s.id, s.ordinal, s.area, s.row_label, s.number_label, s.x, s.y, s.category, s.rank, s.flags, 0, $11
                FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::float8[], $9::text[], $10::int[], $12::smallint[])
                    AS s(id, ordinal, area, row_label, number_label, x, y, category, rank, flags)
                """, ct, seating.EventId, seats.Select(s => s.Seat.Id).ToArray(), Enumerable.Range(0, seats.Count).ToArray(),
                seats.Select(s => s.AreaId).ToArray(), seats.Select(s => s.Seat.Row).ToArray(), seats.Select(s => s.Seat.Number).ToArray(),
                seats.Select(s => s.Seat.X).ToArray(), seats.Select(s => s.Seat.Y).ToArray(), seats.Select(s => s.Seat.Category).ToArray(),
                seats.Select(s => s.Seat.Rank).ToArray(), now.ToUniversalTime(), seats.Select(s => (short)s.Seat.Flags).ToArray());
            await ExecuteAsync(connection, transaction, PostgresTicketTypeStore.FromPriceSql, ct, seating.EventId);
            return SeatingChange.Done;
        }, cancellationToken);

    /// <summary>
    /// Blocks available seats (all or none): each one leaves its ticket type's capacity and the event's, so the counters keep
    /// <c>capacity = available + held + sold</c> over the seats for sale. Refused when a seat is held or sold, or when the seats of
    /// its category still for sale are fewer than those blocked (a count-only hold has them).
    /// </summary>
    public Task<SeatingResult> BlockAsync(Guid eventId, IReadOnlyList<string> seatIds, string reason, DateTimeOffset now, CancellationToken cancellationToken) =>
        ChangeSeatsAsync(eventId, seatIds, blocking: true, reason, now, cancellationToken);

    /// <summary>Releases blocked seats back to sale (the others named are left as they are); their types' and event's capacity grow back.</summary>
    public Task<SeatingResult> ReleaseAsync(Guid eventId, IReadOnlyList<string> seatIds, DateTimeOffset now, CancellationToken cancellationToken) =>
        ChangeSeatsAsync(eventId, seatIds, blocking: false, null, now, cancellationToken);

    private async Task<SeatingResult> ChangeSeatsAsync(Guid eventId, IReadOnlyList<string> seatIds, bool blocking, string? reason, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        SeatingResult? refusal = null;
        var change = await InTransactionAsync(eventId, async (connection, transaction, _, ct) =>
        {
            var seats = new List<(string Id, SeatStatus Status, string Category)>();
            await using (var read = new NpgsqlCommand(
                "SELECT seat_id, status, category FROM event_seats WHERE event_id = $1 AND seat_id = ANY($2) ORDER BY seat_id FOR UPDATE",
                connection, transaction) { Parameters = { new() { Value = eventId }, new() { Value = seatIds.ToArray() } } })
            await using (var reader = await read.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    seats.Add((reader.GetString(0), (SeatStatus)reader.GetInt16(1), reader.GetString(2)));
                }
            }

            if (seats.Count < seatIds.Count)
            {
                if (!await ExistsAsync(connection, transaction, "SELECT 1 FROM event_seating WHERE event_id = $1", eventId, ct))
                {
                    return SeatingChange.NotSeated;
                }

                refusal = new SeatingResult(SeatingChange.SeatNotFound, [.. seatIds.Except(seats.Select(s => s.Id), StringComparer.Ordinal)]);
                return refusal.Change;
            }

            if (blocking && seats.Where(s => s.Status is SeatStatus.Held or SeatStatus.Sold).Select(s => s.Id).ToArray() is { Length: > 0 } taken)
            {
                refusal = new SeatingResult(SeatingChange.SeatNotAvailable, taken);
                return refusal.Change;
            }

            var moving = seats.Where(s => s.Status == (blocking ? SeatStatus.Available : SeatStatus.Blocked)).ToList();
            if (moving.Count == 0)
            {
                return SeatingChange.Done;
            }

            // Capacity moves by -n (block) or +n (release), per ticket type and for the event, never below the seats held and sold.
            var sign = blocking ? -1 : 1;
            foreach (var category in moving.GroupBy(s => s.Category, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var delta = sign * category.Count();
                if (await ExecuteAsync(connection, transaction,
                        """
                        UPDATE ticket_types SET capacity = capacity + $3, updated_at = $4
                        WHERE event_id = $1 AND seat_category = $2 AND held + sold <= capacity + $3
                        """, ct, eventId, category.Key, delta, now.ToUniversalTime()) == 0)
                {
                    refusal = new SeatingResult(SeatingChange.SeatsCommitted, [.. category.Select(s => s.Id)]);
                    return refusal.Change;
                }
            }

            var total = sign * moving.Count;
            if (await ExecuteAsync(connection, transaction,
                    "UPDATE event_inventory SET capacity = capacity + $2 WHERE event_id = $1 AND held + sold <= capacity + $2", ct, eventId, total) == 0)
            {
                refusal = new SeatingResult(SeatingChange.SeatsCommitted, [.. moving.Select(s => s.Id)]);
                return refusal.Change;
            }

            await ExecuteAsync(connection, transaction, "UPDATE events SET capacity = capacity + $2, version = version + 1 WHERE id = $1", ct, eventId, total);
            await ExecuteAsync(connection, transaction,
                "UPDATE event_seats SET status = $3, block_reason = $4, updated_at = $5 WHERE event_id = $1 AND seat_id = ANY($2)", ct, eventId,
                moving.Select(s => s.Id).ToArray(), (short)(blocking ? SeatStatus.Blocked : SeatStatus.Available), Text(reason), now.ToUniversalTime());
            await ExecuteAsync(connection, transaction, "UPDATE event_seating SET version = version + 1, updated_at = $2 WHERE event_id = $1", ct, eventId,
                now.ToUniversalTime());
            return SeatingChange.Done;
        }, cancellationToken);
        return refusal ?? SeatingResult.Of(change);
    }

    /// <summary>
    /// Moves seats of a live hold (held, or confirmed: a booking) to other seats of the same category, all or none: each
    /// <see cref="SeatMove.From"/> must be the hold's, each <see cref="SeatMove.To"/> available or another of the hold's seats moved
    /// away in the same change (a swap). The counters do not move (same types, same quantities), so I1/I2 and S3 stay exact; the
    /// seats left go back to sale and <c>event_seating.version</c> grows by one (S5).
    /// </summary>
    public async Task<SeatingResult> MoveHoldSeatsAsync(Guid eventId, Guid holdId, IReadOnlyList<SeatMove> moves, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        SeatingResult? refusal = null;
        var change = await InTransactionAsync(eventId, async (connection, transaction, _, ct) =>
        {
            int? holdStatus;
            await using (var hold = new NpgsqlCommand("SELECT status FROM holds WHERE hold_id = $1 AND event_id = $2 FOR UPDATE", connection, transaction)
            {
                Parameters = { new() { Value = holdId }, new() { Value = eventId } },
            })
            {
                holdStatus = await hold.ExecuteScalarAsync(ct) as int?;
            }

            if (holdStatus is not ((int)HoldStatus.Held or (int)HoldStatus.Confirmed))
            {
                return SeatingChange.HoldNotFound;
            }

            var named = moves.SelectMany(m => new[] { m.From, m.To }).Distinct(StringComparer.Ordinal).ToArray();
            var seats = new Dictionary<string, (SeatStatus Status, string Category, Guid? HoldId)>(StringComparer.Ordinal);
            await using (var read = new NpgsqlCommand(
                "SELECT seat_id, status, category, hold_id FROM event_seats WHERE event_id = $1 AND seat_id = ANY($2) ORDER BY seat_id FOR UPDATE",
                connection, transaction) { Parameters = { new() { Value = eventId }, new() { Value = named } } })
            await using (var reader = await read.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    seats[reader.GetString(0)] = ((SeatStatus)reader.GetInt16(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetGuid(3));
                }
            }

            if (seats.Count < named.Length)
            {
                if (!await ExistsAsync(connection, transaction, "SELECT 1 FROM event_seating WHERE event_id = $1", eventId, ct))
                {
                    return SeatingChange.NotSeated;
                }

                refusal = new SeatingResult(SeatingChange.SeatNotFound, [.. named.Where(id => !seats.ContainsKey(id))]);
                return refusal.Change;
            }

            // A move made already (its seat left the hold, the one it went to is the hold's) is not made again: a retry after a lost
            // answer changes nothing. A swap inside the hold cannot be told from its repetition, and is made again.
            moves = [.. moves.Where(m => !(seats[m.From].HoldId != holdId && seats[m.To].HoldId == holdId && !moves.Any(o => o.From == m.To)))];
            if (moves.Count == 0)
            {
                return SeatingChange.Done;
            }

            var leaving = moves.Select(m => m.From).ToHashSet(StringComparer.Ordinal);
            SeatingResult? Refuse(SeatingChange why, IEnumerable<string> ids) => ids.ToArray() is { Length: > 0 } list ? new SeatingResult(why, list) : null;
            refusal = Refuse(SeatingChange.SeatNotInHold, moves.Select(m => m.From).Where(id => seats[id].HoldId != holdId))
                ?? Refuse(SeatingChange.SeatNotAvailable, moves.Select(m => m.To)
                    .Where(id => seats[id].Status != SeatStatus.Available && !(seats[id].HoldId == holdId && leaving.Contains(id))))
                ?? Refuse(SeatingChange.CategoryChanged, moves.Where(m => seats[m.From].Category != seats[m.To].Category).Select(m => m.To));
            if (refusal is not null)
            {
                return refusal.Change;
            }

            var arriving = moves.Select(m => m.To).ToHashSet(StringComparer.Ordinal);
            var utc = now.ToUniversalTime();
            await ExecuteAsync(connection, transaction,
                "UPDATE event_seats SET status = 0, hold_id = NULL, booking_id = NULL, updated_at = $3 WHERE event_id = $1 AND seat_id = ANY($2)", ct,
                eventId, leaving.Except(arriving, StringComparer.Ordinal).ToArray(), utc);
            await ExecuteAsync(connection, transaction,
                "UPDATE event_seats SET status = $3, hold_id = $4, updated_at = $5 WHERE event_id = $1 AND seat_id = ANY($2)", ct,
                eventId, arriving.ToArray(), (short)(holdStatus == (int)HoldStatus.Confirmed ? SeatStatus.Sold : SeatStatus.Held), holdId, utc);
            await ExecuteAsync(connection, transaction, "UPDATE event_seating SET version = version + 1, updated_at = $2 WHERE event_id = $1", ct, eventId, utc);
            return SeatingChange.Done;
        }, cancellationToken);
        return refusal ?? SeatingResult.Of(change);
    }

    /// <summary>The event's seat map, or null when it is not on a plan.</summary>
    public async Task<StoredSeatMap?> GetSeatMapAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var seating = await db.EventSeating.AsNoTracking().FirstOrDefaultAsync(s => s.EventId == eventId, cancellationToken);
        if (seating is null)
        {
            return null;
        }

        var seats = await db.EventSeats.AsNoTracking().Where(s => s.EventId == eventId).OrderBy(s => s.Ordinal).ToListAsync(cancellationToken);
        return new StoredSeatMap(seating.PlanId, seating.PlanName, JsonSerializer.Deserialize<EventSeatingLayout>(seating.Layout, Json)!,
            seating.Version, seats);
    }

    /// <summary>One query: the unavailable seats' ids, the version, and the general-admission areas' places left; null when not seated.</summary>
    public async Task<StoredAvailability?> GetAvailabilityAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(
                """
                SELECT s.version,
                    array(SELECT seat_id FROM event_seats WHERE event_id = $1 AND status <> 0 ORDER BY ordinal),
                    array(SELECT seating_area FROM ticket_types WHERE event_id = $1 AND seating_area IS NOT NULL ORDER BY seating_area),
                    array(SELECT greatest(0, least(t.capacity - t.held - t.sold, i.capacity - i.held - i.sold))
                          FROM ticket_types t JOIN event_inventory i ON i.event_id = t.event_id
                          WHERE t.event_id = $1 AND t.seating_area IS NOT NULL ORDER BY t.seating_area)
                FROM event_seating s WHERE s.event_id = $1
                """, connection) { Parameters = { new() { Value = eventId } } };
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            var areas = reader.GetFieldValue<string[]>(2);
            var left = reader.GetFieldValue<int[]>(3);
            return new StoredAvailability(reader.GetInt64(0), reader.GetFieldValue<string[]>(1),
                areas.Zip(left).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// A hold's seats with their places, in plan order, each with its ticket type (its category's); empty for a hold without seats
    /// or one that ended (a released or expired hold's seats went back to sale). A sold seat keeps its hold: the booking's seats.
    /// </summary>
    public async Task<List<HeldSeat>> GetHoldSeatsAsync(Guid eventId, Guid holdId, CancellationToken cancellationToken)
    {
        var seats = await (from s in db.EventSeats.AsNoTracking()
                           join t in db.TicketTypes.AsNoTracking() on new { s.EventId, Category = (string?)s.Category } equals new { t.EventId, Category = t.SeatCategory }
                           where s.EventId == eventId && s.HoldId == holdId
                           orderby s.Ordinal
                           select new HeldSeat(t.Id, s.SeatId, s.AreaId, s.AreaId, s.RowLabel, s.NumberLabel)).ToListAsync(cancellationToken);
        if (seats.Count == 0)
        {
            return seats;
        }

        // The areas' names, for a ticket and an email to say "Stalls, row F, seat 12" (the layout is the event's copy of the plan's).
        var layout = await db.EventSeating.AsNoTracking().Where(e => e.EventId == eventId).Select(e => e.Layout).FirstAsync(cancellationToken);
        var names = JsonSerializer.Deserialize<EventSeatingLayout>(layout, Json)!.Areas.ToDictionary(a => a.Id, a => a.Name, StringComparer.Ordinal);
        return [.. seats.Select(s => names.TryGetValue(s.AreaId, out var name) ? s with { AreaName = name } : s)];
    }

    // ---- Plumbing ----

    private static object Text(string? value) => (object?)value ?? DBNull.Value;

    private static VenuePlanRow ToRow(VenuePlan plan) => new()
    {
        Id = plan.Id, OrganizerId = plan.OrganizerId, Name = plan.Content.Name, Document = JsonSerializer.Serialize(PlanDocument.From(plan.Content), Json),
        SeatCount = plan.Content.SeatCount, Version = plan.Version, CreatedAt = plan.CreatedAt.ToUniversalTime(), UpdatedAt = plan.UpdatedAt.ToUniversalTime(),
    };

    private static VenuePlan ToPlan(VenuePlanRow row)
    {
        var (content, errors) = PlanRules.Validate(JsonSerializer.Deserialize<PlanDocument>(row.Document, Json));
        return content is null
            ? throw new InvalidOperationException($"The stored plan {row.Id} is not valid: {string.Join("; ", errors.Keys)}")
            : new VenuePlan(row.Id, row.OrganizerId, content, row.Version, row.CreatedAt, row.UpdatedAt);
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct,
        params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in values)
        {
            command.Parameters.Add(value is DBNull ? new NpgsqlParameter { Value = value, NpgsqlDbType = NpgsqlDbType.Text } : new NpgsqlParameter { Value = value });
        }

        return await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, Guid id, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction) { Parameters = { new() { Value = id } } };
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    /// <summary>
    /// One transaction that locks the event's counters row first (<see cref="SeatingChange.EventNotFound"/> without one) and gives
    /// the change its seats held + sold; commits only when the change is done.
    /// </summary>
    private Task<SeatingChange> InTransactionAsync(Guid eventId,
        Func<NpgsqlConnection, NpgsqlTransaction, int, CancellationToken, Task<SeatingChange>> change, CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            var npgsqlTransaction = (NpgsqlTransaction)transaction.GetDbTransaction();
            int committed;
            await using (var lockEvent = new NpgsqlCommand("SELECT held + sold FROM event_inventory WHERE event_id = $1 FOR UPDATE", connection, npgsqlTransaction)
            {
                Parameters = { new() { Value = eventId } },
            })
            {
                if (await lockEvent.ExecuteScalarAsync(ct) is not int c)
                {
                    return SeatingChange.EventNotFound;
                }

                committed = c;
            }

            var result = await change(connection, npgsqlTransaction, committed, ct);
            if (result == SeatingChange.Done)
            {
                await transaction.CommitAsync(ct);
            }

            return result;
        }, cancellationToken);
}

/// <summary>One seat of a hold moved to another (of the same category).</summary>
public sealed record SeatMove(string From, string To);

/// <summary>A seat of a hold: its ticket type, id and place (area id and name, row and number labels).</summary>
public sealed record HeldSeat(Guid TicketTypeId, string SeatId, string AreaId, string AreaName, string Row, string Number);

/// <summary>A plan in a list: no seats, just its size.</summary>
public sealed record VenuePlanSummary(Guid Id, Guid OrganizerId, string Name, int SeatCount, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
