using Notifications.Api.Model;

namespace Notifications.Api.Apis;

/// <summary>
/// A notification as its owner sees it (never the queue's lease details). <c>eventTimeZone</c>: the IANA id of the event's zone
/// (null for notifications written before it was kept: read UTC).
/// </summary>
public sealed record NotificationView(
    Guid Id, string Kind, string Title, string Body, string? Link, Guid? EventId, Guid? BookingId, string? EventTitle,
    DateTimeOffset? EventStartsAt, IReadOnlyList<TicketLine> Tickets, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt, bool IsRead,
    EmailView Email, string? EventTimeZone)
{
    public static NotificationView From(Notification n) => new(
        n.Id, n.Kind, n.Title, n.Body, n.Link, n.EventId, n.BookingId, n.EventTitle, n.EventStartsAt, n.Tickets,
        n.CreatedAt, n.ReadAt, n.IsRead, new EmailView(n.EmailStatus.ToString().ToLowerInvariant(), n.EmailAttempts, n.EmailSentAt),
        n.EventTimeZone);
}

/// <summary>The email of a notification: <c>pending</c>, <c>sent</c>, <c>failed</c> or <c>skipped</c> (switched off).</summary>
public sealed record EmailView(string Status, int Attempts, DateTimeOffset? SentAt);

/// <summary>How many of the caller's notifications are unread (the bell's figure).</summary>
public sealed record UnreadCount(long Unread);

public sealed record ReadAllResult(long Marked);

/// <summary>Email on/off per notification kind.</summary>
public sealed record PreferencesView(IReadOnlyDictionary<string, bool> Email);

/// <summary>The switches to change; kinds left out keep their setting.</summary>
public sealed record UpdatePreferencesRequest(Dictionary<string, bool>? Email);

/// <summary>
/// A notification from an admin or another service: to one user (<c>userId</c>) or to every attendee of an event
/// (<c>eventId</c>), exactly one of the two.
/// </summary>
public sealed record SendNotificationRequest(Guid? UserId, Guid? EventId, string? Title, string? Body, string? Link);

public sealed record SendNotificationResult(int Recipients, int Created);
