namespace EventBooking.ServiceDefaults;

/// <summary>
/// The event types an organizer's webhook endpoint can subscribe to, as they appear in a delivery's <c>type</c> (the integration
/// events' own names). bookings-api sends them; the web offers them.
/// </summary>
public static class WebhookEventTypes
{
    public const string BookingConfirmed = "booking.confirmed";
    public const string BookingCancelled = "booking.cancelled";
    public const string BookingSeatsMoved = "booking.seats-moved";
    public const string PaymentRefunded = "payment.refunded";
    public const string EventUpdated = "event.updated";
    public const string EventCancelled = "event.cancelled";
    /// <summary>Sent only by "send test event"; every endpoint gets it, whatever it subscribed to.</summary>
    public const string Test = "webhook.test";

    public static readonly IReadOnlyList<string> Subscribable =
        [BookingConfirmed, BookingCancelled, BookingSeatsMoved, PaymentRefunded, EventUpdated, EventCancelled];
}
