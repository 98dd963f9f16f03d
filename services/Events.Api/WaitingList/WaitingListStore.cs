using EventBooking.Messaging;
using Events.Api.Infrastructure;
using Events.Api.Infrastructure.Postgres;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Events.Api.WaitingList;

/// <summary>A row of <c>waiting_list</c> (see <see cref="WaitingListEntry"/>).</summary>
public sealed class WaitingListRow
{
    public Guid Id { get; set; }
    public Guid EventId { get; set; }
    public Guid UserId { get; set; }
    public int Quantity { get; set; }
    public Guid? TicketTypeId { get; set; }
    public WaitingListStatus Status { get; set; }
    public long Sequence { get; set; }
    public DateTimeOffset JoinedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public Guid? OfferId { get; set; }
    public DateTimeOffset? OfferExpiresAt { get; set; }
    public string? UserEmail { get; set; }
    public string? UserName { get; set; }

    public WaitingListEntry ToEntry() => new(Id, EventId, UserId, Quantity, TicketTypeId, Status, Sequence, JoinedAt, UpdatedAt, OfferId,
        OfferExpiresAt, UserEmail, UserName);
}

/// <summary>An active entry and, while it waits, its place (1 = next to be offered).</summary>
public sealed record WaitingListPlace(WaitingListEntry Entry, int? Position);

/// <summary>
/// The waiting lists, in PostgreSQL (the events database; the MongoDB configuration has no waiting list: its API answers
/// <c>503 waiting-list-unavailable</c>). The seats themselves are never counted here: an offer is an ordinary hold of the
/// inventory, so I1/I2 hold by construction.
/// </summary>
public sealed class WaitingListStore(EventsDbContext db)
{
    /// <summary>Adds the entry at the end of the list; false when the account already has an active place on the event's list.</summary>
    public async Task<bool> JoinAsync(WaitingListEntry entry, CancellationToken cancellationToken)
    {
        db.WaitingList.Add(new WaitingListRow
        {
            Id = entry.Id, EventId = entry.EventId, UserId = entry.UserId, Quantity = entry.Quantity, TicketTypeId = entry.TicketTypeId,
            Status = WaitingListStatus.Waiting, JoinedAt = entry.JoinedAt, UpdatedAt = entry.JoinedAt, UserEmail = entry.UserEmail,
            UserName = entry.UserName,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    /// <summary>The account's active place on the event's list, with its position while it waits.</summary>
    public async Task<WaitingListPlace?> GetPlaceAsync(Guid eventId, Guid userId, CancellationToken cancellationToken)
    {
        var row = await db.WaitingList.AsNoTracking()
            .Where(w => w.EventId == eventId && w.UserId == userId && (w.Status == WaitingListStatus.Waiting || w.Status == WaitingListStatus.Offered))
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return null;
        }

        int? position = null;
        if (row.Status == WaitingListStatus.Waiting)
        {
            position = 1 + await db.WaitingList.CountAsync(
                w => w.EventId == eventId && w.Status == WaitingListStatus.Waiting && w.Sequence < row.Sequence, cancellationToken);
        }

        return new WaitingListPlace(row.ToEntry(), position);
    }

    /// <summary>Takes the account off the event's list; the entry as it was (an offered one still holds seats: the caller releases them), or null.</summary>
    public async Task<WaitingListEntry?> LeaveAsync(Guid eventId, Guid userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var row = await db.WaitingList
            .FromSql($"SELECT * FROM waiting_list WHERE event_id = {eventId} AND user_id = {userId} AND status IN (0, 1) FOR UPDATE")
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return null;
        }

        var before = row.ToEntry();
        row.Status = WaitingListStatus.Left;
        row.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return before;
    }

    /// <summary>The event's list in order (every entry, ended ones included: the organizer sees who was offered and who booked).</summary>
    public Task<Paged<WaitingListEntry>> ListAsync(Guid eventId, PageQuery page, CancellationToken cancellationToken) =>
        Ordered(eventId).ToPagedAsync(page, PageQuery.DefaultPageSize, r => r.ToEntry(), cancellationToken);

    /// <summary>Every entry of the event's list in order (the CSV export).</summary>
    public IAsyncEnumerable<WaitingListRow> ExportAsync(Guid eventId) => Ordered(eventId).AsAsyncEnumerable();

    /// <summary>The entry whose offer placed hold <paramref name="offerId"/>.</summary>
    public async Task<WaitingListEntry?> GetByOfferAsync(Guid offerId, CancellationToken cancellationToken) =>
        (await db.WaitingList.AsNoTracking().FirstOrDefaultAsync(w => w.OfferId == offerId, cancellationToken))?.ToEntry();

    private IQueryable<WaitingListRow> Ordered(Guid eventId) =>
        db.WaitingList.AsNoTracking().Where(w => w.EventId == eventId).OrderBy(w => w.Sequence);

    // ---- The offerer's steps (WaitingListOfferer), each atomic on its own and safe to repeat. ----

    /// <summary>
    /// Ends the offers whose hold ended: confirmed → <see cref="WaitingListStatus.Booked"/>; expired or released →
    /// <see cref="WaitingListStatus.Missed"/> (the next buyer is offered). Returns how many.
    /// </summary>
    public Task<int> SettleOffersAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"""
            UPDATE waiting_list w SET status = CASE WHEN h.status = 1 THEN 2 ELSE 3 END, updated_at = {now}
            FROM holds h WHERE w.status = 1 AND h.hold_id = w.offer_id AND h.status IN (1, 2, 3)
            """, cancellationToken);

    /// <summary>The events whose list has buyers waiting.</summary>
    public Task<List<Guid>> EventsWithWaitingAsync(CancellationToken cancellationToken) =>
        db.WaitingList.AsNoTracking().Where(w => w.Status == WaitingListStatus.Waiting).Select(w => w.EventId).Distinct().ToListAsync(cancellationToken);

    /// <summary>The first waiting entry of the event's list, with an offer id (given it here, once, so a retry places the same hold).</summary>
    public async Task<WaitingListEntry?> HeadAsync(Guid eventId, CancellationToken cancellationToken)
    {
        // Read afresh: the steps that update in SQL (renew, close) leave tracked copies behind.
        db.ChangeTracker.Clear();
        var row = await db.WaitingList.Where(w => w.EventId == eventId && w.Status == WaitingListStatus.Waiting)
            .OrderBy(w => w.Sequence).FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return null;
        }

        if (row.OfferId is null)
        {
            row.OfferId = Guid.CreateVersion7();
            await db.SaveChangesAsync(cancellationToken);
        }

        return row.ToEntry();
    }

    /// <summary>Gives a waiting entry a fresh offer id (its previous offer's hold ended before the entry was marked offered).</summary>
    public Task RenewOfferIdAsync(Guid entryId, CancellationToken cancellationToken) =>
        db.WaitingList.Where(w => w.Id == entryId && w.Status == WaitingListStatus.Waiting)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.OfferId, Guid.CreateVersion7()), cancellationToken);

    /// <summary>Marks the waiting entry offered (its hold is placed) and writes the announcement to the outbox, in one transaction.</summary>
    public async Task<bool> MarkOfferedAsync(Guid entryId, DateTimeOffset expiresAt, OutgoingEvent announcement, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        // One conditional UPDATE (it waits for a concurrent leave's row lock and then re-checks the status), and the outbox row in
        // the same transaction: an entry left meanwhile is never marked offered, and no announcement goes out for it.
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var marked = await db.WaitingList.Where(w => w.Id == entryId && w.Status == WaitingListStatus.Waiting)
                .ExecuteUpdateAsync(u => u.SetProperty(w => w.Status, WaitingListStatus.Offered)
                    .SetProperty(w => w.OfferExpiresAt, expiresAt).SetProperty(w => w.UpdatedAt, now), ct);
            if (marked == 0)
            {
                return false;
            }

            announcement.AddToOutbox(db);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return true;
        }, cancellationToken);
    }

    /// <summary>Ends a waiting entry that can no longer be offered.</summary>
    public Task CloseAsync(Guid entryId, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WaitingList.Where(w => w.Id == entryId && w.Status == WaitingListStatus.Waiting)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.Status, WaitingListStatus.Closed).SetProperty(w => w.UpdatedAt, now), cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> while holding the offerer's PostgreSQL advisory lock (one offerer at a time across replicas);
    /// false when another replica holds it. The lock is the session's, released at the end (or with the connection).
    /// </summary>
    public async Task<bool> UnderOffererLockAsync(Func<Task> work, CancellationToken cancellationToken)
    {
        const long key = 0x5741_4954_4C49_5354; // "WAITLIST"
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using (var take = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection) { Parameters = { new() { Value = key } } })
            {
                if (await take.ExecuteScalarAsync(cancellationToken) is not true)
                {
                    return false;
                }
            }

            try
            {
                await work();
                return true;
            }
            finally
            {
                await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection) { Parameters = { new() { Value = key } } };
                await release.ExecuteScalarAsync(CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
