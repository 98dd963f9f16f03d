using System.Data;
using Events.Api.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Events.Api.Infrastructure;

/// <summary>
/// The PostgreSQL store: EF Core for the catalog and reviews, hand-written SQL for the seat inventory, where every
/// statement is conditional on the counters and the <c>ck_inventory_no_oversell</c> check constraint backs I1.
/// </summary>
public sealed class PostgresEventStore(EventsDbContext db) : IEventStore
{
    // ---------------------------------------------------------------- catalog

    public async Task CreateAsync(CatalogEvent created, CancellationToken cancellationToken)
    {
        db.Events.Add(created);
        db.Inventory.Add(new InventoryRow { EventId = created.Id, Capacity = created.Capacity });
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    public async Task<EventWithInventory?> GetAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var row = await (from e in db.Events.AsNoTracking()
                         join i in db.Inventory.AsNoTracking() on e.Id equals i.EventId
                         where e.Id == eventId
                         select new { e, i }).FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : new EventWithInventory(row.e, ToInventory(row.i));
    }

    public async Task<SaveResult> SaveAsync(CatalogEvent changed, int expectedVersion, IReadOnlyList<OutgoingEvent> integrationEvents, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // The capacity moves only while it still covers every held and sold seat (locks the counters row).
            var capacityRows = await db.Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE event_inventory SET capacity = {changed.Capacity} WHERE event_id = {changed.Id} AND held + sold <= {changed.Capacity}", ct);
            if (capacityRows == 0)
            {
                var exists = await db.Inventory.AnyAsync(i => i.EventId == changed.Id, ct);
                return exists ? SaveResult.CapacityBelowCommitted : SaveResult.NotFound;
            }

            var entry = db.Events.Attach(changed);
            entry.State = EntityState.Modified;
            entry.Property(e => e.Version).OriginalValue = expectedVersion;
            changed.Version = expectedVersion + 1;
            foreach (var integrationEvent in integrationEvents)
            {
                // Same SaveChanges, same transaction: the change and its integration events commit together.
                integrationEvent.AddToOutbox(db);
            }

            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                changed.Version = expectedVersion;
                return await db.Events.AnyAsync(e => e.Id == changed.Id, ct) ? SaveResult.Concurrency : SaveResult.NotFound;
            }
            finally
            {
                db.ChangeTracker.Clear();
            }

            await transaction.CommitAsync(ct);
            return SaveResult.Saved;
        }, cancellationToken);
    }

    public async Task<DeleteResult> DeleteAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // Lock the counters first: a hold being placed right now either commits before (and blocks the delete) or waits.
            var committed = await db.Database
                .SqlQuery<int>($"SELECT held + sold AS \"Value\" FROM event_inventory WHERE event_id = {eventId} FOR UPDATE")
                .ToListAsync(ct);
            if (committed.Count == 0)
            {
                return DeleteResult.NotFound;
            }

            if (committed[0] > 0)
            {
                return DeleteResult.HasSeatsCommitted;
            }

            await db.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM events WHERE id = {eventId}", ct);
            await transaction.CommitAsync(ct);
            return DeleteResult.Deleted;
        }, cancellationToken);
    }

    public async Task<PageOf<EventWithInventory>> SearchAsync(EventQuery query, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var events = db.Events.AsNoTracking().Where(e => e.Status == EventStatus.Published);
        events = query.From is { } from ? events.Where(e => e.StartsAt >= from) : events.Where(e => e.StartsAt > now);
        if (query.To is { } to)
        {
            events = events.Where(e => e.StartsAt <= to);
        }

        if (!string.IsNullOrWhiteSpace(query.Category))
        {
            events = events.Where(e => e.Category == query.Category);
        }

        if (!string.IsNullOrWhiteSpace(query.City))
        {
            var city = EscapeLike(query.City.Trim());
            events = events.Where(e => EF.Functions.ILike(e.City, city, "\\"));
        }

        if (!string.IsNullOrWhiteSpace(query.Venue))
        {
            var venue = "%" + EscapeLike(query.Venue.Trim()) + "%";
            events = events.Where(e => EF.Functions.ILike(e.Venue, venue, "\\"));
        }

        if (query.MinPrice is { } min)
        {
            events = events.Where(e => e.Price >= min);
        }

        if (query.MaxPrice is { } max)
        {
            events = events.Where(e => e.Price <= max);
        }

        var text = string.IsNullOrWhiteSpace(query.Text) ? null : query.Text.Trim();
        if (text is not null)
        {
            events = events.Where(e => EF.Property<NpgsqlTsVector>(e, EventsDbContext.SearchVector).Matches(EF.Functions.WebSearchToTsQuery("english", text)));
        }

        var joined = from e in events
                     join i in db.Inventory.AsNoTracking() on e.Id equals i.EventId
                     select new { e, i };
        if (query.OnlyAvailable)
        {
            joined = joined.Where(x => x.i.Capacity - x.i.Held - x.i.Sold > 0);
        }

        var total = await joined.LongCountAsync(cancellationToken);
        var ordered = query.Sort switch
        {
            EventSort.DateDescending => joined.OrderByDescending(x => x.e.StartsAt).ThenBy(x => x.e.Id),
            EventSort.Price => joined.OrderBy(x => x.e.Price).ThenBy(x => x.e.StartsAt).ThenBy(x => x.e.Id),
            EventSort.PriceDescending => joined.OrderByDescending(x => x.e.Price).ThenBy(x => x.e.StartsAt).ThenBy(x => x.e.Id),
            EventSort.Title => joined.OrderBy(x => x.e.Title).ThenBy(x => x.e.Id),
            EventSort.Relevance when text is not null => joined
                .OrderByDescending(x => EF.Property<NpgsqlTsVector>(x.e, EventsDbContext.SearchVector).Rank(EF.Functions.WebSearchToTsQuery("english", text)))
                .ThenBy(x => x.e.StartsAt).ThenBy(x => x.e.Id),
            _ => joined.OrderBy(x => x.e.StartsAt).ThenBy(x => x.e.Id),
        };
        var rows = await ordered.Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToListAsync(cancellationToken);
        return new PageOf<EventWithInventory>(rows.Select(x => new EventWithInventory(x.e, ToInventory(x.i))).ToList(), query.Page, query.PageSize, total);
    }

    public async Task<IReadOnlyList<EventWithInventory>> ListByOrganizerAsync(Guid organizerId, CancellationToken cancellationToken)
    {
        var rows = await (from e in db.Events.AsNoTracking()
                          join i in db.Inventory.AsNoTracking() on e.Id equals i.EventId
                          where e.OrganizerId == organizerId
                          orderby e.StartsAt descending, e.Id
                          select new { e, i }).ToListAsync(cancellationToken);
        return rows.Select(x => new EventWithInventory(x.e, ToInventory(x.i))).ToList();
    }

    public async Task<Inventory?> GetInventoryAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var row = await db.Inventory.AsNoTracking().FirstOrDefaultAsync(i => i.EventId == eventId, cancellationToken);
        return row is null ? null : ToInventory(row);
    }

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

    // ---------------------------------------------------------------- inventory

    private const string HoldColumns = "hold_id, event_id, quantity, status, expires_at, created_at";

    public async Task<IReadOnlyList<PlaceHoldOutcome>> PlaceHoldsAsync(Guid eventId, IReadOnlyList<HoldRequest> requests, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (requests.Count == 0)
        {
            return [];
        }

        if (requests.Count == 1)
        {
            return [await PlaceSingleHoldAsync(eventId, requests[0], now, cancellationToken)];
        }

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            var npgsqlTransaction = (NpgsqlTransaction)transaction.GetDbTransaction();
            var ids = requests.Select(r => r.HoldId).Distinct().ToArray();

            // Round trip 1: lock the event's counters and read the holds that already exist (idempotency).
            Inventory? inventory = null;
            var onSale = false;
            var existing = new Dictionary<Guid, Hold>();
            await using (var batch = new NpgsqlBatch(connection, npgsqlTransaction))
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(
                    "SELECT i.capacity, i.held, i.sold, e.status, e.starts_at FROM event_inventory i JOIN events e ON e.id = i.event_id WHERE i.event_id = $1 FOR UPDATE OF i")
                { Parameters = { new() { Value = eventId } } });
                batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT {HoldColumns} FROM holds WHERE hold_id = ANY($1)")
                { Parameters = { new() { Value = ids } } });
                await using var reader = await batch.ExecuteReaderAsync(ct);
                if (await reader.ReadAsync(ct))
                {
                    inventory = new Inventory(eventId, reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
                    onSale = (EventStatus)reader.GetInt32(3) == EventStatus.Published && reader.GetFieldValue<DateTimeOffset>(4) > now;
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
                    outcomes[index] = known.EventId == eventId
                        ? new PlaceHoldOutcome(PlaceHoldResult.Existing, known)
                        : new PlaceHoldOutcome(PlaceHoldResult.HoldIdConflict, null);
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
                        ? new PlaceHoldOutcome(PlaceHoldResult.Created, hold)
                        : await RaceLostOutcomeAsync(connection, npgsqlTransaction, eventId, hold.HoldId, ct);
                }
            }

            await transaction.CommitAsync(ct);

            for (var index = 0; index < requests.Count; index++)
            {
                if (outcomes[index] is null)
                {
                    var first = outcomes[decided[requests[index].HoldId]];
                    outcomes[index] = first.Result == PlaceHoldResult.Created ? first with { Result = PlaceHoldResult.Existing } : first;
                }
            }

            return (IReadOnlyList<PlaceHoldOutcome>)outcomes;
        }, cancellationToken);
    }

    /// <summary>
    /// A lone hold as ONE autocommit statement (one round trip, the counters row locked only for it): take the seats if
    /// they remain, the event is on sale and the hold id is new, and insert the hold. A concurrent insert of the same
    /// hold id makes the whole statement fail on the primary key (nothing counted), and the existing hold is returned.
    /// </summary>
    private async Task<PlaceHoldOutcome> PlaceSingleHoldAsync(Guid eventId, HoldRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string sql = $"""
            WITH ev AS (SELECT status, starts_at FROM events WHERE id = $2),
            existing AS (SELECT {HoldColumns} FROM holds WHERE hold_id = $1),
            taken AS (
                UPDATE event_inventory SET held = held + $3
                WHERE event_id = $2 AND capacity - held - sold >= $3
                  AND NOT EXISTS (SELECT 1 FROM existing)
                  AND EXISTS (SELECT 1 FROM ev WHERE ev.status = 1 AND ev.starts_at > $5)
                RETURNING event_id),
            inserted AS (
                INSERT INTO holds (hold_id, event_id, quantity, status, expires_at, created_at, updated_at)
                SELECT $1, event_id, $3, 0, $4, $5, $5 FROM taken
                RETURNING hold_id)
            SELECT (SELECT count(*) FROM inserted), (SELECT status FROM ev), (SELECT starts_at FROM ev), x.*
            FROM (SELECT 1) AS one LEFT JOIN existing x ON true
            """;
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            var connection = await OpenAsync(ct);
            try
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
                            new Hold(request.HoldId, eventId, request.Quantity, HoldStatus.Held, request.ExpiresAt, now));
                    }

                    if (!reader.IsDBNull(3))
                    {
                        var known = new Hold(reader.GetGuid(3), reader.GetGuid(4), reader.GetInt32(5), (HoldStatus)reader.GetInt32(6),
                            reader.GetFieldValue<DateTimeOffset>(7), reader.GetFieldValue<DateTimeOffset>(8));
                        return known.EventId == eventId
                            ? new PlaceHoldOutcome(PlaceHoldResult.Existing, known)
                            : new PlaceHoldOutcome(PlaceHoldResult.HoldIdConflict, null);
                    }

                    if (reader.IsDBNull(1))
                    {
                        return new PlaceHoldOutcome(PlaceHoldResult.EventNotFound, null);
                    }

                    var onSale = (EventStatus)reader.GetInt32(1) == EventStatus.Published && reader.GetFieldValue<DateTimeOffset>(2) > now;
                    return new PlaceHoldOutcome(onSale ? PlaceHoldResult.SoldOut : PlaceHoldResult.NotOnSale, null);
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
                {
                    return await RaceLostOutcomeAsync(connection, null, eventId, request.HoldId, ct);
                }
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
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
        if (!await reader.ReadAsync(ct))
        {
            return new PlaceHoldOutcome(PlaceHoldResult.HoldIdConflict, null);
        }

        var hold = ReadHold(reader);
        return hold.EventId == eventId ? new PlaceHoldOutcome(PlaceHoldResult.Existing, hold) : new PlaceHoldOutcome(PlaceHoldResult.HoldIdConflict, null);
    }

    public async Task<ConfirmHoldOutcome> ConfirmHoldAsync(Guid eventId, Guid holdId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // One autocommit statement: lock the hold, move its seats to sold (a held hold, even past its expiry, still owns
        // its seats; an expired one re-acquires them only if they remain and the event is still published), mark it.
        const string sql = """
            WITH h AS (
                SELECT hold_id, event_id, quantity, status, expires_at, created_at FROM holds
                WHERE hold_id = $1 AND event_id = $2 FOR UPDATE),
            moved AS (
                UPDATE event_inventory i
                SET held = i.held - CASE WHEN h.status = 0 THEN h.quantity ELSE 0 END,
                    sold = i.sold + h.quantity
                FROM h
                WHERE i.event_id = h.event_id
                  AND (h.status = 0
                       OR (h.status = 3 AND i.capacity - i.held - i.sold >= h.quantity
                           AND EXISTS (SELECT 1 FROM events e WHERE e.id = h.event_id AND e.status = 1)))
                RETURNING i.event_id),
            marked AS (
                UPDATE holds SET status = 1, updated_at = $3 FROM moved WHERE holds.hold_id = $1 RETURNING holds.hold_id)
            SELECT h.hold_id, h.event_id, h.quantity, h.status, h.expires_at, h.created_at, (SELECT count(*) FROM marked)
            FROM h
            """;
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            var connection = await OpenAsync(ct);
            try
            {
                await using var command = new NpgsqlCommand(sql, connection)
                {
                    Parameters = { new() { Value = holdId }, new() { Value = eventId }, new() { Value = now.ToUniversalTime() } },
                };
                await using var reader = await command.ExecuteReaderAsync(ct);
                if (!await reader.ReadAsync(ct))
                {
                    return new ConfirmHoldOutcome(ConfirmHoldResult.HoldNotFound, null);
                }

                var hold = ReadHold(reader);
                var marked = reader.GetInt64(6) > 0;
                return hold.Status switch
                {
                    HoldStatus.Confirmed => new ConfirmHoldOutcome(ConfirmHoldResult.Confirmed, hold),
                    _ when marked => new ConfirmHoldOutcome(ConfirmHoldResult.Confirmed, hold with { Status = HoldStatus.Confirmed }),
                    HoldStatus.Released => new ConfirmHoldOutcome(ConfirmHoldResult.Released, hold),
                    _ => new ConfirmHoldOutcome(ConfirmHoldResult.Expired, hold),
                };
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }, cancellationToken);
    }

    public async Task<ReleaseHoldResult> ReleaseHoldAsync(Guid eventId, Guid holdId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Held seats go back from held, confirmed ones from sold (a cancellation); anything else is already settled.
        const string sql = """
            WITH h AS (
                SELECT hold_id, event_id, quantity, status FROM holds
                WHERE hold_id = $1 AND event_id = $2 AND status IN (0, 1) FOR UPDATE),
            returned AS (
                UPDATE event_inventory i
                SET held = i.held - CASE WHEN h.status = 0 THEN h.quantity ELSE 0 END,
                    sold = i.sold - CASE WHEN h.status = 1 THEN h.quantity ELSE 0 END
                FROM h WHERE i.event_id = h.event_id
                RETURNING i.event_id),
            marked AS (
                UPDATE holds SET status = 2, updated_at = $3 FROM returned WHERE holds.hold_id = $1 RETURNING holds.hold_id)
            SELECT count(*) FROM marked
            """;
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            var connection = await OpenAsync(ct);
            try
            {
                await using var command = new NpgsqlCommand(sql, connection)
                {
                    Parameters = { new() { Value = holdId }, new() { Value = eventId }, new() { Value = now.ToUniversalTime() } },
                };
                var released = (long)(await command.ExecuteScalarAsync(ct) ?? 0L);
                return released > 0 ? ReleaseHoldResult.Released : ReleaseHoldResult.NothingToRelease;
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }, cancellationToken);
    }

    public async Task<Hold?> GetHoldAsync(Guid holdId, CancellationToken cancellationToken)
    {
        var row = await db.Holds.AsNoTracking().FirstOrDefaultAsync(h => h.HoldId == holdId, cancellationToken);
        return row is null ? null : new Hold(row.HoldId, row.EventId, row.Quantity, row.Status, row.ExpiresAt, row.CreatedAt);
    }

    public async Task<InventorySnapshot?> GetInventorySnapshotAsync(Guid eventId, CancellationToken cancellationToken)
    {
        // One statement sees one snapshot: the counters and the holds cannot be read from two different moments.
        const string sql = """
            SELECT i.capacity, i.held, i.sold, h.hold_id, h.event_id, h.quantity, h.status, h.expires_at, h.created_at
            FROM event_inventory i LEFT JOIN holds h ON h.event_id = i.event_id AND h.status IN (0, 1)
            WHERE i.event_id = $1
            ORDER BY h.created_at
            """;
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            var connection = await OpenAsync(ct);
            try
            {
                await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = eventId } } };
                await using var reader = await command.ExecuteReaderAsync(ct);
                Inventory? inventory = null;
                var holds = new List<Hold>();
                while (await reader.ReadAsync(ct))
                {
                    inventory ??= new Inventory(eventId, reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
                    if (!reader.IsDBNull(3))
                    {
                        holds.Add(new Hold(reader.GetGuid(3), reader.GetGuid(4), reader.GetInt32(5), (HoldStatus)reader.GetInt32(6),
                            reader.GetFieldValue<DateTimeOffset>(7), reader.GetFieldValue<DateTimeOffset>(8)));
                    }
                }

                return inventory is null ? null : new InventorySnapshot(inventory, holds);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }, cancellationToken);
    }

    public async Task<int> ExpireHoldsAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken)
    {
        // SKIP LOCKED: replicas sweeping at once take disjoint holds, and a hold being confirmed right now is left alone.
        const string sql = """
            WITH due AS (
                SELECT hold_id FROM holds WHERE status = 0 AND expires_at <= $1
                ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED),
            expired AS (
                UPDATE holds h SET status = 3, updated_at = $1 FROM due WHERE h.hold_id = due.hold_id
                RETURNING h.event_id, h.quantity),
            per_event AS (
                SELECT event_id, sum(quantity)::int AS quantity FROM expired GROUP BY event_id),
            returned AS (
                UPDATE event_inventory i SET held = i.held - p.quantity FROM per_event p WHERE i.event_id = p.event_id
                RETURNING i.event_id)
            SELECT count(*)::int FROM expired
            """;
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            var connection = await OpenAsync(ct);
            try
            {
                await using var command = new NpgsqlCommand(sql, connection)
                {
                    Parameters = { new() { Value = now.ToUniversalTime() }, new() { Value = batchSize } },
                };
                return (int)(await command.ExecuteScalarAsync(ct) ?? 0);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }, cancellationToken);
    }

    // ---------------------------------------------------------------- attendance and reviews

    public async Task RecordAttendanceAsync(Attendance attendance, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO attendance (booking_id, event_id, user_id, confirmed, changed_at)
            VALUES ({attendance.BookingId}, {attendance.EventId}, {attendance.UserId}, {attendance.Confirmed}, {attendance.ChangedAt.ToUniversalTime()})
            ON CONFLICT (booking_id) DO UPDATE
            SET confirmed = attendance.confirmed AND EXCLUDED.confirmed, changed_at = GREATEST(attendance.changed_at, EXCLUDED.changed_at)
            """, cancellationToken);

    public Task<bool> HasConfirmedBookingAsync(Guid eventId, Guid userId, CancellationToken cancellationToken) =>
        db.Attendance.AnyAsync(a => a.EventId == eventId && a.UserId == userId && a.Confirmed, cancellationToken);

    public async Task<(Review Review, bool Created)> UpsertReviewAsync(Guid eventId, Guid userId, string? userName, int rating, string text, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = await db.Database.SqlQuery<ReviewUpsertRow>(
            $"""
            INSERT INTO reviews (id, event_id, user_id, user_name, rating, text, created_at, updated_at)
            VALUES ({Guid.CreateVersion7()}, {eventId}, {userId}, {userName}, {rating}, {text}, {now.ToUniversalTime()}, {now.ToUniversalTime()})
            ON CONFLICT (event_id, user_id) DO UPDATE
            SET rating = EXCLUDED.rating, text = EXCLUDED.text, user_name = EXCLUDED.user_name, updated_at = EXCLUDED.updated_at
            RETURNING id AS "Id", created_at AS "CreatedAt", (xmax = 0) AS "Inserted"
            """).ToListAsync(cancellationToken);
        var row = rows[0];
        return (new Review(row.Id, eventId, userId, userName, rating, text, row.CreatedAt, now), row.Inserted);
    }

    public async Task<(PageOf<Review> Page, ReviewStats Stats)> GetEventReviewsAsync(Guid eventId, int page, int pageSize, CancellationToken cancellationToken)
    {
        var reviews = db.Reviews.AsNoTracking().Where(r => r.EventId == eventId);
        var stats = await reviews.GroupBy(_ => 1)
            .Select(g => new { Count = g.Count(), Average = g.Average(r => (double)r.Rating) })
            .FirstOrDefaultAsync(cancellationToken);
        var items = await reviews.OrderByDescending(r => r.UpdatedAt).ThenBy(r => r.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        var count = stats?.Count ?? 0;
        return (new PageOf<Review>(items.Select(ToReview).ToList(), page, pageSize, count),
            new ReviewStats(count == 0 ? null : Math.Round(stats!.Average, 2), count));
    }

    public async Task<PageOf<Review>> GetUserReviewsAsync(Guid userId, int page, int pageSize, CancellationToken cancellationToken)
    {
        var reviews = db.Reviews.AsNoTracking().Where(r => r.UserId == userId);
        var total = await reviews.LongCountAsync(cancellationToken);
        var items = await reviews.OrderByDescending(r => r.UpdatedAt).ThenBy(r => r.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return new PageOf<Review>(items.Select(ToReview).ToList(), page, pageSize, total);
    }

    // ---------------------------------------------------------------- helpers

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        return (NpgsqlConnection)db.Database.GetDbConnection();
    }

    private static Hold ReadHold(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetGuid(1), reader.GetInt32(2), (HoldStatus)reader.GetInt32(3),
        reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5));

    private static Inventory ToInventory(InventoryRow row) => new(row.EventId, row.Capacity, row.Held, row.Sold);

    private static Review ToReview(ReviewRow row) => new(row.Id, row.EventId, row.UserId, row.UserName, row.Rating, row.Text, row.CreatedAt, row.UpdatedAt);

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private sealed class ReviewUpsertRow
    {
        public Guid Id { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public bool Inserted { get; set; }
    }
}
