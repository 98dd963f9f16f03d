using System.Text.Json;
using EventBooking.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Notifications.Api.Model;
using Npgsql;
using NpgsqlTypes;
using static EventBooking.ServiceDefaults.NpgsqlStatements;

namespace Notifications.Api.Infrastructure.Postgres;

/// <summary>
/// The PostgreSQL store: EF Core for reads and single-statement writes, <c>FOR UPDATE SKIP LOCKED</c> for claims; the writes
/// every booking sold makes (its notification and reminder) by hand, as one statement.
/// </summary>
public sealed class PostgresNotificationStore(NotificationsDbContext db) : INotificationStore
{
    /// <summary>
    /// The columns <see cref="TryAddAsync"/> writes: every column of <c>notifications</c> (a test compares them with the EF Core
    /// model, so a new property cannot be left out unnoticed).
    /// </summary>
    internal static readonly string[] InsertedColumns =
    [
        "Id", "UserId", "Kind", "Title", "Body", "Link", "EventId", "BookingId", "EventTitle", "EventStartsAt", "EventTimeZone", "Tickets",
        "Calendar", "CreatedAt", "ReadAt", "RecipientEmail", "RecipientName", "EmailStatus", "EmailAttempts", "EmailNextAttemptAt",
        "EmailLeaseOwner", "EmailLeaseUntil", "EmailSentAt", "EmailLastError",
    ];

    public async Task<bool> TryAddAsync(Notification notification, CancellationToken cancellationToken) =>
        await db.ExecuteAsync(InsertOf(notification), cancellationToken) == 1;

    /// <remarks>One statement: the reminder's upsert as a data-modifying CTE of the notification's INSERT.</remarks>
    public async Task<bool> TryAddAsync(Notification notification, Reminder reminder, CancellationToken cancellationToken) =>
        await db.ExecuteAsync(With("reminder", UpsertOf(reminder)).Then(InsertOf(notification)), cancellationToken) == 1;

    // One statement: the primary key (the id derives from the cause and the recipient) refuses a redelivery, quietly (ON
    // CONFLICT DO NOTHING: no error logged). Written by hand (prepared once per connection, Max Auto Prepare) as EF Core's
    // mapping writes the values: enums as their names, tickets as JSON with the web defaults.
    private static readonly string InsertSql = Insert("notifications", InsertedColumns) + """ ON CONFLICT ("Id") DO NOTHING""";

    private static NpgsqlBatchCommand InsertOf(Notification n) => new(InsertSql)
    {
        Parameters =
        {
            Value(n.Id), Value(n.UserId), Text(n.Kind), Text(n.Title), Text(n.Body), Text(n.Link), Nullable(n.EventId, NpgsqlDbType.Uuid),
            Nullable(n.BookingId, NpgsqlDbType.Uuid), Text(n.EventTitle), Nullable(n.EventStartsAt, NpgsqlDbType.TimestampTz), Text(n.EventTimeZone),
            new NpgsqlParameter { Value = JsonSerializer.Serialize(n.Tickets, JsonSerializerOptions.Web), NpgsqlDbType = NpgsqlDbType.Jsonb },
            Text(n.Calendar?.ToString()), Value(n.CreatedAt), Nullable(n.ReadAt, NpgsqlDbType.TimestampTz), Text(n.RecipientEmail), Text(n.RecipientName),
            Text(n.EmailStatus.ToString()), Value(n.EmailAttempts), Nullable(n.EmailNextAttemptAt, NpgsqlDbType.TimestampTz), Text(n.EmailLeaseOwner),
            Nullable(n.EmailLeaseUntil, NpgsqlDbType.TimestampTz), Nullable(n.EmailSentAt, NpgsqlDbType.TimestampTz), Text(n.EmailLastError),
        },
    };

    public Task<Notification?> FindAsync(Guid userId, Guid id, CancellationToken cancellationToken) =>
        db.Notifications.AsNoTracking().SingleOrDefaultAsync(n => n.Id == id && n.UserId == userId, cancellationToken);

    public async Task<Paged<Notification>> ListAsync(Guid userId, bool unreadOnly, int page, int pageSize, CancellationToken cancellationToken)
    {
        var mine = db.Notifications.AsNoTracking().Where(n => n.UserId == userId);
        var selected = unreadOnly ? mine.Where(n => n.ReadAt == null) : mine;
        var items = await selected
            .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .ToListAsync(cancellationToken);
        return new Paged<Notification>(items, page, pageSize, await selected.LongCountAsync(cancellationToken));
    }

    public Task<long> CountUnreadAsync(Guid userId, CancellationToken cancellationToken) =>
        db.Notifications.LongCountAsync(n => n.UserId == userId && n.ReadAt == null, cancellationToken);

    public async Task<bool> MarkReadAsync(Guid userId, Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var changed = await db.Notifications
            .Where(n => n.Id == id && n.UserId == userId && n.ReadAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(n => n.ReadAt, now), cancellationToken);
        return changed > 0 || await db.Notifications.AnyAsync(n => n.Id == id && n.UserId == userId, cancellationToken);
    }

    public async Task<long> MarkAllReadAsync(Guid userId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.Notifications
            .Where(n => n.UserId == userId && n.ReadAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(n => n.ReadAt, now), cancellationToken);

    public async Task<NotificationPreferences> GetPreferencesAsync(Guid userId, CancellationToken cancellationToken) =>
        await db.Preferences.AsNoTracking().SingleOrDefaultAsync(p => p.UserId == userId, cancellationToken)
        ?? NotificationPreferences.Default(userId);

    public async Task<IReadOnlyDictionary<Guid, NotificationPreferences>> GetPreferencesAsync(IReadOnlyCollection<Guid> userIds,
        CancellationToken cancellationToken) =>
        await db.Preferences.AsNoTracking().Where(p => userIds.Contains(p.UserId)).ToDictionaryAsync(p => p.UserId, cancellationToken);

    public async Task SavePreferencesAsync(NotificationPreferences preferences, CancellationToken cancellationToken)
    {
        var disabled = preferences.EmailDisabled.ToArray();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO notification_preferences ("UserId", "EmailDisabled", "UpdatedAt")
            VALUES ({preferences.UserId}, {disabled}, {preferences.UpdatedAt})
            ON CONFLICT ("UserId") DO UPDATE SET "EmailDisabled" = excluded."EmailDisabled", "UpdatedAt" = excluded."UpdatedAt"
            """, cancellationToken);
    }

    public async Task<IReadOnlyList<Notification>> ClaimDueEmailsAsync(Lease lease, int max, CancellationToken cancellationToken) =>
        await db.Notifications.FromSql($"""
            UPDATE notifications SET "EmailLeaseOwner" = {lease.Owner}, "EmailLeaseUntil" = {lease.Until}
            WHERE "Id" IN (
                SELECT "Id" FROM notifications
                WHERE "EmailStatus" = 'Pending' AND "EmailNextAttemptAt" <= {lease.Now}
                  AND ("EmailLeaseUntil" IS NULL OR "EmailLeaseUntil" < {lease.Now})
                ORDER BY "EmailNextAttemptAt"
                LIMIT {max}
                FOR UPDATE SKIP LOCKED)
            RETURNING *
            """).AsNoTracking().ToListAsync(cancellationToken);

    public Task MarkEmailSentAsync(Guid id, string leaseOwner, string recipient, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Notifications
            .Where(n => n.Id == id && n.EmailLeaseOwner == leaseOwner && n.EmailStatus == EmailStatus.Pending)
            .ExecuteUpdateAsync(set => set
                .SetProperty(n => n.EmailStatus, EmailStatus.Sent)
                .SetProperty(n => n.EmailSentAt, now)
                .SetProperty(n => n.RecipientEmail, recipient)
                .SetProperty(n => n.EmailAttempts, n => n.EmailAttempts + 1)
                .SetProperty(n => n.EmailNextAttemptAt, (DateTimeOffset?)null)
                .SetProperty(n => n.EmailLeaseOwner, (string?)null)
                .SetProperty(n => n.EmailLeaseUntil, (DateTimeOffset?)null)
                .SetProperty(n => n.EmailLastError, (string?)null), cancellationToken);

    public Task MarkEmailFailedAsync(Guid id, string leaseOwner, EmailStatus status, DateTimeOffset? nextAttemptAt, string error, CancellationToken cancellationToken) =>
        db.Notifications
            .Where(n => n.Id == id && n.EmailLeaseOwner == leaseOwner && n.EmailStatus == EmailStatus.Pending)
            .ExecuteUpdateAsync(set => set
                .SetProperty(n => n.EmailStatus, status)
                .SetProperty(n => n.EmailAttempts, n => n.EmailAttempts + 1)
                .SetProperty(n => n.EmailNextAttemptAt, nextAttemptAt)
                .SetProperty(n => n.EmailLeaseOwner, (string?)null)
                .SetProperty(n => n.EmailLeaseUntil, (DateTimeOffset?)null)
                .SetProperty(n => n.EmailLastError, Truncate(error, 1000)), cancellationToken);

    public async Task UpsertReminderAsync(Reminder reminder, CancellationToken cancellationToken) =>
        await db.ExecuteAsync(UpsertOf(reminder), cancellationToken);

    private const string UpsertReminderSql = """
        INSERT INTO reminders ("BookingId", "EventId", "UserId", "UserEmail", "UserName", "EventTitle", "StartsAt", "TimeZone", "DueAt", "Cancelled")
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, FALSE)
        ON CONFLICT ("BookingId") DO UPDATE SET
            "UserEmail" = COALESCE(excluded."UserEmail", reminders."UserEmail"),
            "UserName" = COALESCE(excluded."UserName", reminders."UserName")
        """;

    private static NpgsqlBatchCommand UpsertOf(Reminder r) => new(UpsertReminderSql)
    {
        Parameters =
        {
            Value(r.BookingId), Value(r.EventId), Value(r.UserId), Text(r.UserEmail), Text(r.UserName), Text(r.EventTitle), Value(r.StartsAt),
            Text(r.TimeZone), Value(r.DueAt),
        },
    };

    public async Task CancelReminderAsync(Guid bookingId, Guid eventId, Guid userId, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO reminders ("BookingId", "EventId", "UserId", "EventTitle", "StartsAt", "DueAt", "Cancelled")
            VALUES ({bookingId}, {eventId}, {userId}, '', {DateTimeOffset.UnixEpoch}, {DateTimeOffset.UnixEpoch}, TRUE)
            ON CONFLICT ("BookingId") DO UPDATE SET "Cancelled" = TRUE
            """, cancellationToken);

    public async Task<bool> LeftEventAsync(Guid bookingId, Guid eventId, Guid userId, CancellationToken cancellationToken) =>
        await db.Database.SqlQuery<bool>($"""
            SELECT EXISTS (SELECT 1 FROM reminders WHERE "BookingId" = {bookingId} AND "StartsAt" > {DateTimeOffset.UnixEpoch})
               AND NOT EXISTS (SELECT 1 FROM reminders WHERE "EventId" = {eventId} AND "UserId" = {userId} AND NOT "Cancelled") AS "Value"
            """).SingleAsync(cancellationToken);

    public async Task RemoveEventRemindersAsync(Guid eventId, CancellationToken cancellationToken) =>
        await db.Reminders.Where(r => r.EventId == eventId).ExecuteDeleteAsync(cancellationToken);

    public async Task RescheduleEventRemindersAsync(Guid eventId, string title, DateTimeOffset startsAt, string? timeZone,
        CancellationToken cancellationToken)
    {
        var dueAt = ReminderSchedule.DueAt(startsAt);
        await db.Reminders.Where(r => r.EventId == eventId && !r.Cancelled)
            .ExecuteUpdateAsync(set => set
                .SetProperty(r => r.EventTitle, title)
                .SetProperty(r => r.StartsAt, startsAt)
                .SetProperty(r => r.TimeZone, r => timeZone ?? r.TimeZone)
                .SetProperty(r => r.DueAt, dueAt), cancellationToken);
    }

    public async Task<IReadOnlyList<Reminder>> ClaimDueRemindersAsync(Lease lease, int max, CancellationToken cancellationToken) =>
        await db.Reminders.FromSql($"""
            UPDATE reminders SET "LeaseOwner" = {lease.Owner}, "LeaseUntil" = {lease.Until}
            WHERE "BookingId" IN (
                SELECT "BookingId" FROM reminders
                WHERE "DueAt" <= {lease.Now} AND "StartsAt" > {lease.Now} AND NOT "Cancelled"
                  AND ("SentForStartsAt" IS NULL OR "SentForStartsAt" <> "StartsAt")
                  AND ("LeaseUntil" IS NULL OR "LeaseUntil" < {lease.Now})
                ORDER BY "DueAt"
                LIMIT {max}
                FOR UPDATE SKIP LOCKED)
            RETURNING *
            """).AsNoTracking().ToListAsync(cancellationToken);

    public async Task CompleteReminderAsync(Guid bookingId, string leaseOwner, DateTimeOffset startsAt, CancellationToken cancellationToken) =>
        await db.Reminders.Where(r => r.BookingId == bookingId && r.LeaseOwner == leaseOwner)
            .ExecuteUpdateAsync(set => set
                .SetProperty(r => r.SentForStartsAt, startsAt)
                .SetProperty(r => r.LeaseOwner, (string?)null)
                .SetProperty(r => r.LeaseUntil, (DateTimeOffset?)null), cancellationToken);

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
