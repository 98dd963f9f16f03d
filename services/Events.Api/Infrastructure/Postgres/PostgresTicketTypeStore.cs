using Events.Api.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Events.Api.Infrastructure.Postgres;

/// <summary>
/// Ticket types on PostgreSQL. Each change is one transaction that locks the event's counters row first (the order every
/// hold takes: counters, then types), so a change never races a hold being placed, and ends by setting the event's price to
/// its cheapest public type's (<see cref="FromPriceSql"/>).
/// </summary>
public sealed class PostgresTicketTypeStore(EventsDbContext db) : ITicketTypeStore
{
    /// <summary>The event's price := its cheapest public type's ($1 the event; unchanged when no type is public).</summary>
    internal const string FromPriceSql =
        "UPDATE events SET price = p.price FROM (SELECT min(price) AS price FROM ticket_types WHERE event_id = $1 AND visibility = 0) p " +
        "WHERE id = $1 AND p.price IS NOT NULL AND events.price <> p.price";

    public async Task<IReadOnlyList<TicketType>> ListAsync(Guid eventId, CancellationToken cancellationToken) =>
        (await db.TicketTypes.AsNoTracking().Where(t => t.EventId == eventId).OrderBy(t => t.SortOrder).ThenBy(t => t.Id).ToListAsync(cancellationToken))
        .Select(t => t.ToTicketType()).ToList();

    public Task<TicketTypeChange> AddAsync(TicketType created, CancellationToken cancellationToken) =>
        ChangeAsync(created.EventId, async (connection, transaction, seated, ct) =>
        {
            if (seated)
            {
                return new TicketTypeChange(TicketTypeChangeResult.Seated);
            }

            db.TicketTypes.Add(TicketTypeRow.From(created));
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            return TicketTypeChange.Done;
        }, cancellationToken);

    public Task<TicketTypeChange> UpdateAsync(TicketType changed, CancellationToken cancellationToken) =>
        ChangeAsync(changed.EventId, async (connection, transaction, seated, ct) =>
        {
            if (seated)
            {
                // A seated event's type has the capacity of its seats: the other fields change as ever.
                await using var read = new NpgsqlCommand("SELECT capacity FROM ticket_types WHERE id = $1 AND event_id = $2 FOR UPDATE", connection, transaction)
                {
                    Parameters = { new() { Value = changed.Id }, new() { Value = changed.EventId } },
                };
                if (await read.ExecuteScalarAsync(ct) is int capacity && capacity != changed.Capacity)
                {
                    return new TicketTypeChange(TicketTypeChangeResult.SeatedCapacity);
                }
            }

            await using var command = new NpgsqlCommand(
                """
                UPDATE ticket_types SET name = $3, description = $4, price = $5, currency = $6, capacity = $7, sales_start = $8,
                    sales_end = $9, max_per_order = $10, visibility = $11, sort_order = $12, updated_at = $13
                WHERE id = $1 AND event_id = $2 AND ($7::int IS NULL OR held + sold <= $7::int)
                """, connection, transaction)
            {
                Parameters =
                {
                    new() { Value = changed.Id }, new() { Value = changed.EventId }, new() { Value = changed.Name },
                    new() { Value = (object?)changed.Description ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Varchar },
                    new() { Value = changed.Price }, new() { Value = changed.Currency },
                    new() { Value = (object?)changed.Capacity ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer },
                    new() { Value = (object?)changed.SalesStart?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz },
                    new() { Value = (object?)changed.SalesEnd?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz },
                    new() { Value = changed.MaxPerOrder }, new() { Value = (short)changed.Visibility }, new() { Value = changed.SortOrder },
                    new() { Value = changed.UpdatedAt.ToUniversalTime() },
                },
            };
            if (await command.ExecuteNonQueryAsync(ct) == 1)
            {
                return TicketTypeChange.Done;
            }

            var committed = await CommittedAsync(connection, transaction, changed.EventId, changed.Id, ct);
            return committed is { } c ? new TicketTypeChange(TicketTypeChangeResult.CapacityBelowCommitted, c) : new TicketTypeChange(TicketTypeChangeResult.NotFound);
        }, cancellationToken);

    public Task<TicketTypeChange> DeleteAsync(Guid eventId, Guid ticketTypeId, CancellationToken cancellationToken) =>
        ChangeAsync(eventId, async (connection, transaction, seated, ct) =>
        {
            if (seated)
            {
                return new TicketTypeChange(TicketTypeChangeResult.Seated);
            }

            var committed = await CommittedAsync(connection, transaction, eventId, ticketTypeId, ct);
            if (committed is null)
            {
                return new TicketTypeChange(TicketTypeChangeResult.NotFound);
            }

            if (committed > 0)
            {
                return new TicketTypeChange(TicketTypeChangeResult.HasSales, committed.Value);
            }

            await using var command = new NpgsqlCommand(
                "DELETE FROM ticket_types WHERE id = $1 AND event_id = $2 AND EXISTS (SELECT 1 FROM ticket_types o WHERE o.event_id = $2 AND o.id <> $1)",
                connection, transaction) { Parameters = { new() { Value = ticketTypeId }, new() { Value = eventId } } };
            return await command.ExecuteNonQueryAsync(ct) == 1 ? TicketTypeChange.Done : new TicketTypeChange(TicketTypeChangeResult.LastType);
        }, cancellationToken);

    /// <summary>The type's seats held and sold (its row locked), or null when the event has no such type.</summary>
    private static async Task<int?> CommittedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid eventId, Guid ticketTypeId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT held + sold FROM ticket_types WHERE id = $1 AND event_id = $2 FOR UPDATE", connection, transaction)
        {
            Parameters = { new() { Value = ticketTypeId }, new() { Value = eventId } },
        };
        return await command.ExecuteScalarAsync(ct) is int committed ? committed : null;
    }

    /// <summary>
    /// One transaction: lock the event's counters row (<see cref="TicketTypeChangeResult.EventNotFound"/> when there is none),
    /// read whether it is on a venue plan (after the lock, which putting it on a plan takes too: so no plan slips in meanwhile),
    /// make the change, set the event's "from" price, commit (only when the change is done).
    /// </summary>
    private Task<TicketTypeChange> ChangeAsync(Guid eventId, Func<NpgsqlConnection, NpgsqlTransaction, bool, CancellationToken, Task<TicketTypeChange>> change,
        CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            var npgsqlTransaction = (NpgsqlTransaction)transaction.GetDbTransaction();
            await using (var lockEvent = new NpgsqlCommand("SELECT 1 FROM event_inventory WHERE event_id = $1 FOR UPDATE", connection, npgsqlTransaction)
            {
                Parameters = { new() { Value = eventId } },
            })
            {
                if (await lockEvent.ExecuteScalarAsync(ct) is null)
                {
                    return new TicketTypeChange(TicketTypeChangeResult.EventNotFound);
                }
            }

            bool seated;
            await using (var isSeated = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM event_seating WHERE event_id = $1)", connection, npgsqlTransaction)
            {
                Parameters = { new() { Value = eventId } },
            })
            {
                seated = await isSeated.ExecuteScalarAsync(ct) is true;
            }

            var result = await change(connection, npgsqlTransaction, seated, ct);
            if (result.Result != TicketTypeChangeResult.Done)
            {
                return result;
            }

            await using (var fromPrice = new NpgsqlCommand(FromPriceSql, connection, npgsqlTransaction) { Parameters = { new() { Value = eventId } } })
            {
                await fromPrice.ExecuteNonQueryAsync(ct);
            }

            await transaction.CommitAsync(ct);
            return result;
        }, cancellationToken);
}
