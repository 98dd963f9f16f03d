using System.Security.Cryptography;
using System.Text;
using EventBooking.Messaging;

namespace Notifications.Api.Model;

/// <summary>Where a notification's email stands in the durable email queue.</summary>
public enum EmailStatus
{
    /// <summary>Waiting for (another) attempt.</summary>
    Pending,
    /// <summary>Accepted by the SMTP server.</summary>
    Sent,
    /// <summary>Every attempt failed, or the recipient has no address; nothing more will be tried.</summary>
    Failed,
    /// <summary>The user switched email off for this kind.</summary>
    Skipped,
}

/// <summary>One ticket as the confirmation email shows it; <c>TicketTypeName</c> is null for tickets confirmed before ticket types.</summary>
/// <remarks><c>Seat</c>: the reserved seat the ticket admits to (null for general admission and for notifications stored before reserved seating).</remarks>
public sealed record TicketLine(Guid TicketId, string TicketNumber, int EntryNumber, string Code, string? TicketTypeName = null, TicketSeat? Seat = null);

/// <summary>A ticket's reserved seat as the booking's confirmation named it: its area (the plan's area id), row and number.</summary>
public sealed record TicketSeat(string Area, string Row, string Number);

/// <summary>
/// One message for one user, which doubles as the email outbox row: the email's status, attempts and lease
/// live on the notification so storing it and queueing its email is a single atomic write.
/// </summary>
public sealed class Notification
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public string Kind { get; set; } = NotificationKind.Announcement;
    public string Title { get; set; } = "";
    public string Body { get; set; } = "";
    public string? Link { get; set; }
    public Guid? EventId { get; set; }
    public Guid? BookingId { get; set; }
    public string? EventTitle { get; set; }
    public DateTimeOffset? EventStartsAt { get; set; }
    /// <summary>The IANA id of the event's time zone, in which <see cref="EventStartsAt"/> is written; null reads UTC.</summary>
    public string? EventTimeZone { get; set; }
    public List<TicketLine> Tickets { get; set; } = [];
    /// <summary>
    /// The calendar object the email carries for <see cref="EventId"/>: an invitation (<see cref="CalendarMethod.Request"/>, the
    /// event's current time and place, read from events-api when the email goes out) or its withdrawal
    /// (<see cref="CalendarMethod.Cancel"/>); null for none.
    /// </summary>
    public CalendarMethod? Calendar { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ReadAt { get; set; }

    public string? RecipientEmail { get; set; }
    public string? RecipientName { get; set; }
    public EmailStatus EmailStatus { get; set; }
    public int EmailAttempts { get; set; }
    public DateTimeOffset? EmailNextAttemptAt { get; set; }
    public string? EmailLeaseOwner { get; set; }
    public DateTimeOffset? EmailLeaseUntil { get; set; }
    public DateTimeOffset? EmailSentAt { get; set; }
    public string? EmailLastError { get; set; }

    public bool IsRead => ReadAt is not null;

    /// <summary>
    /// The notification id derived from what caused it and who receives it, so a redelivered message (or a retried
    /// request) maps to the same id and the store's primary key refuses the duplicate: idempotent by construction.
    /// A name-based UUID (RFC 9562 version 8, SHA-256 of the source key and the user id).
    /// </summary>
    public static Guid IdFor(string sourceKey, Guid userId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceKey);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{sourceKey}|{userId:N}"), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>Source key of a notification caused by an integration event.</summary>
    public static string MessageSource(Guid messageId) => $"message:{messageId:N}";

    /// <summary>
    /// Addresses the notification to one user: its id derives from what caused it (<paramref name="sourceKey"/>) and the
    /// user (<see cref="IdFor"/>); the address and name, when known, save a lookup when the email goes out.
    /// </summary>
    public Notification To(string sourceKey, Guid userId, string? email = null, string? name = null)
    {
        Id = IdFor(sourceKey, userId);
        UserId = userId;
        RecipientEmail = email;
        RecipientName = name;
        return this;
    }

    /// <summary>
    /// Dates the new notification and queues its email. Whether the user wants it is asked when it is due (their preferences for
    /// its kind and their profile's opt-out as they are then, see <see cref="Email.EmailDispatcher"/>), so a preference changed
    /// meanwhile counts and storing a notification reads nothing.
    /// </summary>
    public void Accept(DateTimeOffset now)
    {
        CreatedAt = now;
        EmailStatus = EmailStatus.Pending;
        EmailNextAttemptAt = now;
    }
}
