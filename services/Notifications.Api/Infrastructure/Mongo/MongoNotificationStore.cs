using MongoDB.Bson;
using MongoDB.Driver;
using Notifications.Api.Model;

namespace Notifications.Api.Infrastructure.Mongo;

/// <summary>
/// The MongoDB store. Every write touches one document atomically (no multi-document transactions: Aspire's MongoDB
/// is a standalone server); idempotency comes from the deterministic <c>_id</c> and claims from find-and-modify.
/// </summary>
public sealed class MongoNotificationStore : INotificationStore
{
    private readonly IMongoCollection<NotificationDocument> _notifications;
    private readonly IMongoCollection<PreferencesDocument> _preferences;
    private readonly IMongoCollection<ReminderDocument> _reminders;

    public MongoNotificationStore(IMongoDatabase database)
    {
        _notifications = database.GetCollection<NotificationDocument>("notifications");
        _preferences = database.GetCollection<PreferencesDocument>("notification_preferences");
        _reminders = database.GetCollection<ReminderDocument>("reminders");
    }

    /// <summary>Creates the indexes the queries need (idempotent; run at startup).</summary>
    public async Task EnsureIndexesAsync(CancellationToken cancellationToken)
    {
        var n = Builders<NotificationDocument>.IndexKeys;
        await _notifications.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<NotificationDocument>(n.Ascending(d => d.UserId).Descending(d => d.CreatedAt)),
            new CreateIndexModel<NotificationDocument>(n.Ascending(d => d.EmailStatus).Ascending(d => d.EmailNextAttemptAt)),
        ], cancellationToken);
        var r = Builders<ReminderDocument>.IndexKeys;
        await _reminders.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<ReminderDocument>(r.Ascending(d => d.EventId)),
            new CreateIndexModel<ReminderDocument>(r.Ascending(d => d.DueAt)),
        ], cancellationToken);
    }

    /// <remarks>The reminder first, then the notification: each idempotent, so a redelivery after a failure between them completes both.</remarks>
    public async Task<bool> TryAddAsync(Notification notification, Reminder reminder, CancellationToken cancellationToken)
    {
        await UpsertReminderAsync(reminder, cancellationToken);
        return await TryAddAsync(notification, cancellationToken);
    }

    public async Task<bool> TryAddAsync(Notification notification, CancellationToken cancellationToken)
    {
        try
        {
            await _notifications.InsertOneAsync(NotificationDocument.From(notification), cancellationToken: cancellationToken);
            return true;
        }
        catch (MongoWriteException ex) when (ex.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            return false;
        }
    }

    public async Task<Notification?> FindAsync(Guid userId, Guid id, CancellationToken cancellationToken)
    {
        var document = await _notifications.Find(d => d.Id == id && d.UserId == userId).FirstOrDefaultAsync(cancellationToken);
        return document?.ToModel();
    }

    public async Task<Paged<Notification>> ListAsync(Guid userId, bool unreadOnly, int page, int pageSize, CancellationToken cancellationToken)
    {
        var selected = unreadOnly ? Unread(userId) : Builders<NotificationDocument>.Filter.Eq(d => d.UserId, userId);
        var documents = await _notifications.Find(selected)
            .SortByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
            .Skip((page - 1) * pageSize).Limit(pageSize)
            .ToListAsync(cancellationToken);
        var total = await _notifications.CountDocumentsAsync(selected, cancellationToken: cancellationToken);
        return new Paged<Notification>([.. documents.Select(d => d.ToModel())], page, pageSize, total);
    }

    public Task<long> CountUnreadAsync(Guid userId, CancellationToken cancellationToken) =>
        _notifications.CountDocumentsAsync(Unread(userId), cancellationToken: cancellationToken);

    /// <summary>
    /// Leases up to <paramref name="max"/> due documents, one atomic find-and-modify each, so two replicas never lease
    /// the same one (no multi-document transaction needed).
    /// </summary>
    private static async Task<IReadOnlyList<TModel>> ClaimAsync<TDocument, TModel>(
        IMongoCollection<TDocument> collection, FilterDefinition<TDocument> due, UpdateDefinition<TDocument> claim,
        FindOneAndUpdateOptions<TDocument> options, int max, Func<TDocument, TModel> toModel, CancellationToken cancellationToken)
    {
        var claimed = new List<TModel>();
        while (claimed.Count < max && await collection.FindOneAndUpdateAsync(due, claim, options, cancellationToken) is { } document)
        {
            claimed.Add(toModel(document));
        }

        return claimed;
    }

    private static FilterDefinition<NotificationDocument> Unread(Guid userId) =>
        Builders<NotificationDocument>.Filter.Where(d => d.UserId == userId && d.ReadAt == null);

    public async Task<bool> MarkReadAsync(Guid userId, Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var result = await _notifications.UpdateOneAsync(
            d => d.Id == id && d.UserId == userId && d.ReadAt == null,
            Builders<NotificationDocument>.Update.Set(d => d.ReadAt, now.UtcDateTime),
            cancellationToken: cancellationToken);
        return result.MatchedCount > 0
            || await _notifications.CountDocumentsAsync(d => d.Id == id && d.UserId == userId, cancellationToken: cancellationToken) > 0;
    }

    public async Task<long> MarkAllReadAsync(Guid userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Each document changes atomically on its own; together they need no transaction (read-all is idempotent).
        var result = await _notifications.UpdateManyAsync(
            d => d.UserId == userId && d.ReadAt == null,
            Builders<NotificationDocument>.Update.Set(d => d.ReadAt, now.UtcDateTime),
            cancellationToken: cancellationToken);
        return result.ModifiedCount;
    }

    public async Task<NotificationPreferences> GetPreferencesAsync(Guid userId, CancellationToken cancellationToken)
    {
        var document = await _preferences.Find(d => d.UserId == userId).FirstOrDefaultAsync(cancellationToken);
        return document is null ? NotificationPreferences.Default(userId) : PreferencesOf(document);
    }

    public async Task<IReadOnlyDictionary<Guid, NotificationPreferences>> GetPreferencesAsync(IReadOnlyCollection<Guid> userIds,
        CancellationToken cancellationToken)
    {
        var documents = await _preferences.Find(Builders<PreferencesDocument>.Filter.In(d => d.UserId, userIds)).ToListAsync(cancellationToken);
        return documents.ToDictionary(d => d.UserId, PreferencesOf);
    }

    private static NotificationPreferences PreferencesOf(PreferencesDocument document) =>
        new() { UserId = document.UserId, EmailDisabled = document.EmailDisabled, UpdatedAt = NotificationDocument.Utc(document.UpdatedAt)!.Value };

    public Task SavePreferencesAsync(NotificationPreferences preferences, CancellationToken cancellationToken) =>
        _preferences.ReplaceOneAsync(
            d => d.UserId == preferences.UserId,
            new PreferencesDocument { UserId = preferences.UserId, EmailDisabled = preferences.EmailDisabled, UpdatedAt = preferences.UpdatedAt.UtcDateTime },
            new ReplaceOptions { IsUpsert = true },
            cancellationToken);

    public async Task<IReadOnlyList<Notification>> ClaimDueEmailsAsync(Lease lease, int max, CancellationToken cancellationToken)
    {
        var f = Builders<NotificationDocument>.Filter;
        var now = lease.Now.UtcDateTime;
        var due = f.And(
            f.Eq(d => d.EmailStatus, EmailStatus.Pending),
            f.Lte(d => d.EmailNextAttemptAt, now),
            f.Or(f.Eq(d => d.EmailLeaseUntil, null), f.Lt(d => d.EmailLeaseUntil, now)));
        var claim = Builders<NotificationDocument>.Update
            .Set(d => d.EmailLeaseOwner, lease.Owner)
            .Set(d => d.EmailLeaseUntil, lease.Until.UtcDateTime);
        var options = new FindOneAndUpdateOptions<NotificationDocument>
        {
            ReturnDocument = ReturnDocument.After,
            Sort = Builders<NotificationDocument>.Sort.Ascending(d => d.EmailNextAttemptAt),
        };

        return await ClaimAsync(_notifications, due, claim, options, max, d => d.ToModel(), cancellationToken);
    }

    public Task MarkEmailSentAsync(Guid id, string leaseOwner, string recipient, DateTimeOffset now, CancellationToken cancellationToken) =>
        _notifications.UpdateOneAsync(
            d => d.Id == id && d.EmailLeaseOwner == leaseOwner && d.EmailStatus == EmailStatus.Pending,
            Builders<NotificationDocument>.Update
                .Set(d => d.EmailStatus, EmailStatus.Sent)
                .Set(d => d.EmailSentAt, now.UtcDateTime)
                .Set(d => d.RecipientEmail, recipient)
                .Inc(d => d.EmailAttempts, 1)
                .Set(d => d.EmailNextAttemptAt, null)
                .Set(d => d.EmailLeaseOwner, null)
                .Set(d => d.EmailLeaseUntil, null)
                .Set(d => d.EmailLastError, null),
            cancellationToken: cancellationToken);

    public Task MarkEmailFailedAsync(Guid id, string leaseOwner, EmailStatus status, DateTimeOffset? nextAttemptAt, string error, CancellationToken cancellationToken) =>
        _notifications.UpdateOneAsync(
            d => d.Id == id && d.EmailLeaseOwner == leaseOwner && d.EmailStatus == EmailStatus.Pending,
            Builders<NotificationDocument>.Update
                .Set(d => d.EmailStatus, status)
                .Inc(d => d.EmailAttempts, 1)
                .Set(d => d.EmailNextAttemptAt, nextAttemptAt?.UtcDateTime)
                .Set(d => d.EmailLeaseOwner, null)
                .Set(d => d.EmailLeaseUntil, null)
                .Set(d => d.EmailLastError, error.Length <= 1000 ? error : error[..1000]),
            cancellationToken: cancellationToken);

    public Task UpsertReminderAsync(Reminder reminder, CancellationToken cancellationToken) =>
        _reminders.UpdateOneAsync(
            d => d.BookingId == reminder.BookingId,
            Builders<ReminderDocument>.Update
                .SetOnInsert(d => d.EventId, reminder.EventId)
                .SetOnInsert(d => d.UserId, reminder.UserId)
                .SetOnInsert(d => d.EventTitle, reminder.EventTitle)
                .SetOnInsert(d => d.StartsAt, reminder.StartsAt.UtcDateTime)
                .SetOnInsert(d => d.TimeZone, reminder.TimeZone)
                .SetOnInsert(d => d.DueAt, reminder.DueAt.UtcDateTime)
                .SetOnInsert(d => d.SentForStartsAt, null)
                .SetOnInsert(d => d.Cancelled, false)
                .SetOnInsert(d => d.UserEmail, reminder.UserEmail)
                .SetOnInsert(d => d.UserName, reminder.UserName),
            new UpdateOptions { IsUpsert = true },
            cancellationToken);

    public Task CancelReminderAsync(Guid bookingId, Guid eventId, Guid userId, CancellationToken cancellationToken) =>
        _reminders.UpdateOneAsync(
            d => d.BookingId == bookingId,
            Builders<ReminderDocument>.Update
                .Set(d => d.Cancelled, true)
                .SetOnInsert(d => d.EventId, eventId)
                .SetOnInsert(d => d.UserId, userId)
                .SetOnInsert(d => d.EventTitle, "")
                .SetOnInsert(d => d.StartsAt, DateTime.UnixEpoch)
                .SetOnInsert(d => d.DueAt, DateTime.UnixEpoch),
            new UpdateOptions { IsUpsert = true },
            cancellationToken);

    public async Task<bool> LeftEventAsync(Guid bookingId, Guid eventId, Guid userId, CancellationToken cancellationToken) =>
        await _reminders.Find(d => d.BookingId == bookingId && d.StartsAt > DateTime.UnixEpoch).AnyAsync(cancellationToken)
        && !await _reminders.Find(d => d.EventId == eventId && d.UserId == userId && !d.Cancelled).AnyAsync(cancellationToken);

    public Task RemoveEventRemindersAsync(Guid eventId, CancellationToken cancellationToken) =>
        _reminders.DeleteManyAsync(d => d.EventId == eventId, cancellationToken);

    public Task RescheduleEventRemindersAsync(Guid eventId, string title, DateTimeOffset startsAt, string? timeZone,
        CancellationToken cancellationToken)
    {
        var update = Builders<ReminderDocument>.Update
            .Set(d => d.EventTitle, title)
            .Set(d => d.StartsAt, startsAt.UtcDateTime)
            .Set(d => d.DueAt, ReminderSchedule.DueAt(startsAt).UtcDateTime);
        return _reminders.UpdateManyAsync(d => d.EventId == eventId && !d.Cancelled,
            timeZone is null ? update : update.Set(d => d.TimeZone, timeZone), cancellationToken: cancellationToken);
    }

    public async Task<IReadOnlyList<Reminder>> ClaimDueRemindersAsync(Lease lease, int max, CancellationToken cancellationToken)
    {
        var now = lease.Now.UtcDateTime;
        FilterDefinition<ReminderDocument> due = new BsonDocument
        {
            { nameof(ReminderDocument.DueAt), new BsonDocument("$lte", now) },
            { nameof(ReminderDocument.StartsAt), new BsonDocument("$gt", now) },
            { nameof(ReminderDocument.Cancelled), false },
            { "$or", new BsonArray
                {
                    new BsonDocument(nameof(ReminderDocument.LeaseUntil), BsonNull.Value),
                    new BsonDocument(nameof(ReminderDocument.LeaseUntil), new BsonDocument("$lt", now)),
                }
            },
            { "$expr", new BsonDocument("$ne", new BsonArray { "$" + nameof(ReminderDocument.SentForStartsAt), "$" + nameof(ReminderDocument.StartsAt) }) },
        };
        var claim = Builders<ReminderDocument>.Update
            .Set(d => d.LeaseOwner, lease.Owner)
            .Set(d => d.LeaseUntil, lease.Until.UtcDateTime);
        var options = new FindOneAndUpdateOptions<ReminderDocument> { ReturnDocument = ReturnDocument.After };

        return await ClaimAsync(_reminders, due, claim, options, max, d => d.ToModel(), cancellationToken);
    }

    public Task CompleteReminderAsync(Guid bookingId, string leaseOwner, DateTimeOffset startsAt, CancellationToken cancellationToken) =>
        _reminders.UpdateOneAsync(
            d => d.BookingId == bookingId && d.LeaseOwner == leaseOwner,
            Builders<ReminderDocument>.Update
                .Set(d => d.SentForStartsAt, startsAt.UtcDateTime)
                .Set(d => d.LeaseOwner, null)
                .Set(d => d.LeaseUntil, null),
            cancellationToken: cancellationToken);
}
