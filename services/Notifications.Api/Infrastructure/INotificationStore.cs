using Notifications.Api.Model;

namespace Notifications.Api.Infrastructure;

/// <summary>A claim on due work (emails, reminders) held by one replica until its lease runs out.</summary>
public sealed record Lease(string Owner, DateTimeOffset Now, TimeSpan Duration)
{
    public DateTimeOffset Until => Now + Duration;
}

/// <summary>
/// Everything notifications-api stores, behind one interface with a PostgreSQL and a MongoDB implementation
/// (one contract test suite covers both). Every operation is a single atomic write, so neither store needs a
/// multi-document transaction, and every claim is safe with several replicas.
/// </summary>
public interface INotificationStore
{
    /// <summary>Stores the notification unless one with the same id exists. True when it was new.</summary>
    Task<bool> TryAddAsync(Notification notification, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="UpsertReminderAsync"/> and <see cref="TryAddAsync(Notification, CancellationToken)"/> together (a booking's
    /// confirmation brings both); true when the notification was new.
    /// </summary>
    Task<bool> TryAddAsync(Notification notification, Reminder reminder, CancellationToken cancellationToken);

    /// <summary>The notification when it belongs to <paramref name="userId"/>; null otherwise (never another user's).</summary>
    Task<Notification?> FindAsync(Guid userId, Guid id, CancellationToken cancellationToken);

    /// <summary>A page of the user's notifications (only the unread ones when <paramref name="unreadOnly"/>), newest first.</summary>
    Task<Paged<Notification>> ListAsync(Guid userId, bool unreadOnly, int page, int pageSize, CancellationToken cancellationToken);

    /// <summary>How many of the user's notifications are unread.</summary>
    Task<long> CountUnreadAsync(Guid userId, CancellationToken cancellationToken);

    /// <summary>Marks one of the user's notifications read (idempotent); false when the user has no such notification.</summary>
    Task<bool> MarkReadAsync(Guid userId, Guid id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks every unread notification of the user read; returns how many changed.</summary>
    Task<long> MarkAllReadAsync(Guid userId, DateTimeOffset now, CancellationToken cancellationToken);

    Task<NotificationPreferences> GetPreferencesAsync(Guid userId, CancellationToken cancellationToken);

    /// <summary>The stored preferences of each of <paramref name="userIds"/> that has some (one read for a batch of emails).</summary>
    Task<IReadOnlyDictionary<Guid, NotificationPreferences>> GetPreferencesAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken);

    Task SavePreferencesAsync(NotificationPreferences preferences, CancellationToken cancellationToken);

    /// <summary>
    /// Leases up to <paramref name="max"/> pending emails that are due and not leased by anyone else
    /// (PostgreSQL: <c>FOR UPDATE SKIP LOCKED</c>; MongoDB: one atomic find-and-modify per email).
    /// </summary>
    Task<IReadOnlyList<Notification>> ClaimDueEmailsAsync(Lease lease, int max, CancellationToken cancellationToken);

    /// <summary>Records a sent email, if the lease is still ours; sets the address it went to.</summary>
    Task MarkEmailSentAsync(Guid id, string leaseOwner, string recipient, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records a failed attempt: back to pending at <paramref name="nextAttemptAt"/>, or failed for good.</summary>
    Task MarkEmailFailedAsync(Guid id, string leaseOwner, EmailStatus status, DateTimeOffset? nextAttemptAt, string error, CancellationToken cancellationToken);

    /// <summary>Creates the reminder of a confirmed booking (never revives a cancelled one).</summary>
    Task UpsertReminderAsync(Reminder reminder, CancellationToken cancellationToken);

    /// <summary>
    /// Cancels the booking's reminder and leaves a tombstone, so a late redelivery of its <c>booking.confirmed</c>
    /// cannot bring it back.
    /// </summary>
    Task CancelReminderAsync(Guid bookingId, Guid eventId, Guid userId, CancellationToken cancellationToken);

    /// <summary>
    /// After <see cref="CancelReminderAsync"/>: true when the booking had been confirmed (its reminder was scheduled, so its
    /// holder got the event's calendar invitation) and the user holds no other confirmed booking of the event — the event
    /// leaves their calendar. The same answer on every redelivery.
    /// </summary>
    Task<bool> LeftEventAsync(Guid bookingId, Guid eventId, Guid userId, CancellationToken cancellationToken);

    Task RemoveEventRemindersAsync(Guid eventId, CancellationToken cancellationToken);

    /// <summary>Moves every reminder of the event to its new start (and title, and time zone unless null: an older message).</summary>
    Task RescheduleEventRemindersAsync(Guid eventId, string title, DateTimeOffset startsAt, string? timeZone, CancellationToken cancellationToken);

    /// <summary>Leases reminders that are due, not yet sent for their current start, and whose event has not started.</summary>
    Task<IReadOnlyList<Reminder>> ClaimDueRemindersAsync(Lease lease, int max, CancellationToken cancellationToken);

    /// <summary>Records the reminder sent for <paramref name="startsAt"/>, if the lease is still ours.</summary>
    Task CompleteReminderAsync(Guid bookingId, string leaseOwner, DateTimeOffset startsAt, CancellationToken cancellationToken);
}
