namespace Notifications.Api.Model;

/// <summary>
/// An upcoming event reminder for one confirmed booking, learnt from <c>booking.confirmed</c> and moved by
/// <c>event.updated</c>. It is due <see cref="ReminderSchedule.Lead"/> before the start and is sent once per
/// start time (<see cref="SentForStartsAt"/>): if the event moves, the attendee is reminded of the new time.
/// </summary>
public sealed class Reminder
{
    public Guid BookingId { get; set; }
    public Guid EventId { get; set; }
    public Guid UserId { get; set; }
    public string? UserEmail { get; set; }
    public string? UserName { get; set; }
    public string EventTitle { get; set; } = "";
    public DateTimeOffset StartsAt { get; set; }
    /// <summary>The IANA id of the event's time zone, in which the reminder names the start ("UTC" when the messages did not say).</summary>
    public string TimeZone { get; set; } = "UTC";
    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset? SentForStartsAt { get; set; }
    /// <summary>The booking was cancelled or expired: never remind (kept as a tombstone against late redeliveries).</summary>
    public bool Cancelled { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>Source key of the reminder notification: one per event, user and start time.</summary>
    public string NotificationSource => $"reminder:{EventId:N}:{StartsAt.UtcTicks}";
}

public static class ReminderSchedule
{
    public static readonly TimeSpan Lead = TimeSpan.FromHours(24);

    public static DateTimeOffset DueAt(DateTimeOffset startsAt) => startsAt - Lead;
}
