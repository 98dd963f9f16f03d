using EventBooking.Messaging;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using Notifications.Api.Model;

namespace Notifications.Api.Infrastructure.Mongo;

// The MongoDB shapes of the model: explicit about Guid representation and UTC dates, so no global serializer
// registration is needed and the documents read the same from any driver. Every document skips fields it does not know:
// during a rolling deploy an older replica reads what a newer one wrote (e.g. a notification's calendar object).

[BsonIgnoreExtraElements]
internal sealed class NotificationDocument
{
    [BsonId, BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid Id { get; set; }
    [BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid UserId { get; set; }
    public string Kind { get; set; } = "";
    public string Title { get; set; } = "";
    public string Body { get; set; } = "";
    public string? Link { get; set; }
    [BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid? EventId { get; set; }
    [BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid? BookingId { get; set; }
    public string? EventTitle { get; set; }
    public DateTime? EventStartsAt { get; set; }
    public string? EventTimeZone { get; set; }
    public List<TicketDocument> Tickets { get; set; } = [];
    [BsonRepresentation(BsonType.String)] public CalendarMethod? Calendar { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ReadAt { get; set; }
    public string? RecipientEmail { get; set; }
    public string? RecipientName { get; set; }
    [BsonRepresentation(BsonType.String)] public EmailStatus EmailStatus { get; set; }
    public int EmailAttempts { get; set; }
    public DateTime? EmailNextAttemptAt { get; set; }
    public string? EmailLeaseOwner { get; set; }
    public DateTime? EmailLeaseUntil { get; set; }
    public DateTime? EmailSentAt { get; set; }
    public string? EmailLastError { get; set; }

    public static NotificationDocument From(Notification n) => new()
    {
        Id = n.Id, UserId = n.UserId, Kind = n.Kind, Title = n.Title, Body = n.Body, Link = n.Link,
        EventId = n.EventId, BookingId = n.BookingId, EventTitle = n.EventTitle, EventStartsAt = n.EventStartsAt?.UtcDateTime,
        EventTimeZone = n.EventTimeZone,
        Tickets = [.. n.Tickets.Select(t => new TicketDocument { TicketId = t.TicketId, TicketNumber = t.TicketNumber, EntryNumber = t.EntryNumber, Code = t.Code, TicketTypeName = t.TicketTypeName })],
        Calendar = n.Calendar, CreatedAt = n.CreatedAt.UtcDateTime, ReadAt = n.ReadAt?.UtcDateTime,
        RecipientEmail = n.RecipientEmail, RecipientName = n.RecipientName,
        EmailStatus = n.EmailStatus, EmailAttempts = n.EmailAttempts, EmailNextAttemptAt = n.EmailNextAttemptAt?.UtcDateTime,
        EmailLeaseOwner = n.EmailLeaseOwner, EmailLeaseUntil = n.EmailLeaseUntil?.UtcDateTime, EmailSentAt = n.EmailSentAt?.UtcDateTime,
        EmailLastError = n.EmailLastError,
    };

    public Notification ToModel() => new()
    {
        Id = Id, UserId = UserId, Kind = Kind, Title = Title, Body = Body, Link = Link,
        EventId = EventId, BookingId = BookingId, EventTitle = EventTitle, EventStartsAt = Utc(EventStartsAt),
        EventTimeZone = EventTimeZone,
        Tickets = [.. Tickets.Select(t => new TicketLine(t.TicketId, t.TicketNumber, t.EntryNumber, t.Code, t.TicketTypeName))],
        Calendar = Calendar, CreatedAt = Utc(CreatedAt)!.Value, ReadAt = Utc(ReadAt),
        RecipientEmail = RecipientEmail, RecipientName = RecipientName,
        EmailStatus = EmailStatus, EmailAttempts = EmailAttempts, EmailNextAttemptAt = Utc(EmailNextAttemptAt),
        EmailLeaseOwner = EmailLeaseOwner, EmailLeaseUntil = Utc(EmailLeaseUntil), EmailSentAt = Utc(EmailSentAt),
        EmailLastError = EmailLastError,
    };

    internal static DateTimeOffset? Utc(DateTime? value) =>
        value is DateTime v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}

[BsonIgnoreExtraElements]
internal sealed class TicketDocument
{
    [BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid TicketId { get; set; }
    public string TicketNumber { get; set; } = "";
    public int EntryNumber { get; set; }
    public string Code { get; set; } = "";
    public string? TicketTypeName { get; set; }
}

[BsonIgnoreExtraElements]
internal sealed class PreferencesDocument
{
    [BsonId, BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid UserId { get; set; }
    public List<string> EmailDisabled { get; set; } = [];
    public DateTime UpdatedAt { get; set; }
}

[BsonIgnoreExtraElements]
internal sealed class ReminderDocument
{
    [BsonId, BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid BookingId { get; set; }
    [BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid EventId { get; set; }
    [BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid UserId { get; set; }
    public string? UserEmail { get; set; }
    public string? UserName { get; set; }
    public string EventTitle { get; set; } = "";
    public DateTime StartsAt { get; set; }
    public string? TimeZone { get; set; }
    public DateTime DueAt { get; set; }
    public DateTime? SentForStartsAt { get; set; }
    public bool Cancelled { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }

    public Reminder ToModel() => new()
    {
        BookingId = BookingId, EventId = EventId, UserId = UserId, UserEmail = UserEmail, UserName = UserName,
        EventTitle = EventTitle, StartsAt = NotificationDocument.Utc(StartsAt)!.Value,
        TimeZone = TimeZone ?? "UTC", DueAt = NotificationDocument.Utc(DueAt)!.Value,
        SentForStartsAt = NotificationDocument.Utc(SentForStartsAt), Cancelled = Cancelled, LeaseOwner = LeaseOwner, LeaseUntil = NotificationDocument.Utc(LeaseUntil),
    };
}
