using System.Globalization;
using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using Notifications.Api.Model;

namespace Notifications.Api.IntegrationEvents;

/// <summary>What each event tells the people it concerns: the notification's kind, words and link (not yet addressed).</summary>
public static class NotificationTexts
{
    public static Notification Confirmed(BookingConfirmed e)
    {
        var startsAt = e.EventStartsAt.ToUniversalTime();
        var notification = About(e.EventId, e.BookingId, e.EventTitle, startsAt).Saying(NotificationKind.BookingConfirmed,
            $"Booking confirmed: {e.EventTitle}",
            $"Your booking of {Tickets(e.Quantity)} for {e.EventTitle} on {When(startsAt)} is confirmed. " +
            $"Amount paid: {Amount(e.Amount)}. Show the QR code of each ticket at the entrance.",
            $"/bookings/{e.BookingId}");
        notification.Tickets = [.. (e.Tickets ?? []).Select(t => new TicketLine(t.TicketId, t.TicketNumber, t.EntryNumber, t.Code))];
        notification.Calendar = CalendarMethod.Request;
        return notification;
    }

    public static Notification Cancelled(BookingCancelled e)
    {
        var refund = e.Refund is null ? "" : $" {Amount(e.Refund)} will be refunded to you.";
        return About(e.EventId, e.BookingId, e.EventTitle).Saying(NotificationKind.BookingCancelled, $"Booking cancelled: {e.EventTitle}",
            $"Your booking of {Tickets(e.Quantity)} for {e.EventTitle} was cancelled ({e.Reason}).{refund}", $"/bookings/{e.BookingId}");
    }

    public static Notification Expired(BookingExpired e) => About(e.EventId, e.BookingId, e.EventTitle).Saying(
        NotificationKind.BookingExpired,
        $"Booking expired: {e.EventTitle}",
        $"Your reservation of {Tickets(e.Quantity)} for {e.EventTitle} expired before it was paid, so the seats were released. You can book again while seats remain.",
        $"/events/{e.EventId}");

    public static Notification Refunded(PaymentRefunded e) => About(e.EventId, e.BookingId, eventTitle: null).Saying(
        NotificationKind.PaymentRefunded,
        $"Refund of {Amount(e.Amount)} issued",
        $"We refunded {Amount(e.Amount)} for your booking {e.BookingId} ({e.Reason}). Depending on your bank it can take a few days to show.",
        $"/bookings/{e.BookingId}");

    /// <summary>For one attendee (<paramref name="bookingId"/>: their booking) of an event that changed.</summary>
    public static Notification Updated(EventUpdated e, Guid bookingId)
    {
        var startsAt = e.StartsAt.ToUniversalTime();
        var changed = e.ChangedFields is { Count: > 0 } fields ? string.Join(", ", fields) : "details";
        var notification = About(e.EventId, bookingId, e.Title, startsAt).Saying(NotificationKind.EventUpdated, $"Event updated: {e.Title}",
            $"{e.Title} has changed ({changed}). It now takes place on {When(startsAt)} at {e.Venue}, {e.City}.", $"/events/{e.EventId}");
        notification.Calendar = CalendarMethod.Request;
        return notification;
    }

    /// <summary>For one attendee (<paramref name="bookingId"/>: their booking) of an event that was cancelled.</summary>
    public static Notification Cancelled(EventCancelled e, Guid bookingId)
    {
        var startsAt = e.StartsAt.ToUniversalTime();
        var body = $"{e.Title}, planned for {When(startsAt)}, has been cancelled ({e.Reason}). Your booking is cancelled and refunded in full.";
        var notification = About(e.EventId, bookingId, e.Title, startsAt).Saying(NotificationKind.EventCancelled, $"Event cancelled: {e.Title}", body, $"/bookings/{bookingId}");
        notification.Calendar = CalendarMethod.Cancel;
        return notification;
    }

    public static Notification Reminder(Reminder reminder) =>
        About(reminder.EventId, reminder.BookingId, reminder.EventTitle, reminder.StartsAt).Saying(NotificationKind.EventReminder,
            $"Reminder: {reminder.EventTitle} starts soon",
            $"{reminder.EventTitle} starts on {When(reminder.StartsAt)}. Have your tickets ready at the entrance.",
            $"/bookings/{reminder.BookingId}");

    private static Notification About(Guid eventId, Guid bookingId, string? eventTitle, DateTimeOffset? eventStartsAt = null) =>
        new() { EventId = eventId, BookingId = bookingId, EventTitle = eventTitle, EventStartsAt = eventStartsAt };

    private static Notification Saying(this Notification notification, string kind, string title, string body, string link)
    {
        notification.Kind = kind;
        notification.Title = title;
        notification.Body = body;
        notification.Link = link;
        return notification;
    }

    private static string Tickets(int quantity) => quantity == 1 ? "1 ticket" : $"{quantity} tickets";

    private static string When(DateTimeOffset at) => at.ToString("ddd d MMM yyyy 'at' HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Amount(Money? money) =>
        money is null ? "" : $"{money.Amount.ToString("0.00", CultureInfo.InvariantCulture)} {money.Currency}";
}
