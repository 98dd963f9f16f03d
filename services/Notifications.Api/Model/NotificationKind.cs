namespace Notifications.Api.Model;

/// <summary>What a notification is about; users switch email on or off per kind.</summary>
public static class NotificationKind
{
    public const string BookingConfirmed = "booking-confirmed";
    public const string BookingCancelled = "booking-cancelled";
    public const string BookingExpired = "booking-expired";
    public const string PaymentRefunded = "payment-refunded";
    public const string EventUpdated = "event-updated";
    public const string EventCancelled = "event-cancelled";
    public const string EventReminder = "event-reminder";
    /// <summary>For an attendee: the event's organizer moved their booking to other seats.</summary>
    public const string BookingSeatsMoved = "booking-seats-moved";
    /// <summary>For an organizer: one of their webhook endpoints kept failing and was disabled.</summary>
    public const string WebhookDisabled = "webhook-disabled";
    /// <summary>For a buyer on a sold-out event's waiting list: seats are held for them until the offer expires.</summary>
    public const string WaitlistOffered = "waitlist-offered";
    /// <summary>A message an admin or another service sent through <c>POST /api/notifications</c>.</summary>
    public const string Announcement = "announcement";

    public static readonly IReadOnlyList<string> All =
        [BookingConfirmed, BookingCancelled, BookingExpired, BookingSeatsMoved, PaymentRefunded, EventUpdated, EventCancelled, EventReminder, WebhookDisabled, WaitlistOffered, Announcement];

    public static bool IsKnown(string? kind) => kind is not null && All.Contains(kind, StringComparer.Ordinal);
}
