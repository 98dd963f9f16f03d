using System.Globalization;
using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using EventBooking.ServiceDefaults;
using Microsoft.Extensions.Localization;
using Notifications.Api.Model;
using Notifications.Api.Resources;

namespace Notifications.Api.IntegrationEvents;

/// <summary>
/// What each event tells the people it concerns: the notification's kind, words and link (not yet addressed). The words are
/// the resources' (<see cref="NotificationResource"/>) in the current UI culture: the caller writes in the recipient's language
/// (<see cref="Services.RecipientLanguages.In{T}"/>). An event's times are written in its time zone, named ("… 19:30
/// Europe/Paris"); in UTC, named, when the message is older than the zone in the integration events.
/// </summary>
public sealed class NotificationTexts(IStringLocalizer<NotificationResource> L)
{
    public Notification Confirmed(BookingConfirmed e)
    {
        var startsAt = e.EventStartsAt.ToUniversalTime();
        var notification = About(e.EventId, e.BookingId, e.EventTitle, startsAt, e.EventTimeZone).Saying(NotificationKind.BookingConfirmed,
            L["Confirmed_Title", e.EventTitle],
            L["Confirmed_Body", Tickets(e.Quantity), e.EventTitle, When(startsAt, e.EventTimeZone), Amount(e.Amount)],
            $"/bookings/{e.BookingId}");
        notification.Tickets = [.. (e.Tickets ?? []).Select(t => new TicketLine(t.TicketId, t.TicketNumber, t.EntryNumber, t.Code, t.TicketTypeName,
            t.Seat is { } seat ? new TicketSeat(seat.Area, seat.Row, seat.Number) : null))];
        notification.Calendar = CalendarMethod.Request;
        return notification;
    }

    public Notification Cancelled(BookingCancelled e)
    {
        var refund = e.Refund is null ? "" : " " + L["Cancelled_Refund", Amount(e.Refund)];
        return About(e.EventId, e.BookingId, e.EventTitle).Saying(NotificationKind.BookingCancelled, L["Cancelled_Title", e.EventTitle],
            L["Cancelled_Body", Tickets(e.Quantity), e.EventTitle, e.Reason, refund], $"/bookings/{e.BookingId}");
    }

    /// <summary>For the attendee whose booking was moved: each seat from and to, why, and their tickets with the seats now.</summary>
    public Notification SeatsMoved(BookingSeatsMoved e)
    {
        var startsAt = e.EventStartsAt.ToUniversalTime();
        var moves = string.Join("; ", e.Moves.Select(m => L["SeatsMoved_Move", Seat(m.From), Seat(m.To)].Value));
        var reason = string.IsNullOrWhiteSpace(e.Reason) ? "" : L["SeatsMoved_Reason", e.Reason].Value;
        var notification = About(e.EventId, e.BookingId, e.EventTitle, startsAt, e.EventTimeZone).Saying(NotificationKind.BookingSeatsMoved,
            L["SeatsMoved_Title", e.EventTitle], L["SeatsMoved_Body", e.EventTitle, When(startsAt, e.EventTimeZone), moves, reason],
            $"/bookings/{e.BookingId}");
        notification.Tickets = [.. e.Tickets.Select(t => new TicketLine(t.TicketId, t.TicketNumber, t.EntryNumber, t.Code, t.TicketTypeName,
            t.Seat is { } seat ? new TicketSeat(seat.Area, seat.Row, seat.Number) : null))];
        return notification;
    }

    public Notification Expired(BookingExpired e) => About(e.EventId, e.BookingId, e.EventTitle).Saying(
        NotificationKind.BookingExpired, L["Expired_Title", e.EventTitle], L["Expired_Body", Tickets(e.Quantity), e.EventTitle], $"/events/{e.EventId}");

    public Notification Refunded(PaymentRefunded e) => About(e.EventId, e.BookingId, eventTitle: null).Saying(
        NotificationKind.PaymentRefunded, L["Refunded_Title", Amount(e.Amount)], L["Refunded_Body", Amount(e.Amount), e.BookingId, e.Reason],
        $"/bookings/{e.BookingId}");

    /// <summary>For one attendee (<paramref name="bookingId"/>: their booking) of an event that changed.</summary>
    public Notification Updated(EventUpdated e, Guid bookingId)
    {
        var startsAt = e.StartsAt.ToUniversalTime();
        var changed = e.ChangedFields is { Count: > 0 } fields
            ? string.Join(", ", fields.Select(f => L["Field_" + f] is { ResourceNotFound: false } name ? name.Value : f))
            : L["Field_details"].Value;
        var notification = About(e.EventId, bookingId, e.Title, startsAt, e.TimeZone).Saying(NotificationKind.EventUpdated, L["Updated_Title", e.Title],
            L["Updated_Body", e.Title, changed, When(startsAt, e.TimeZone), e.Venue, e.City], $"/events/{e.EventId}");
        notification.Calendar = CalendarMethod.Request;
        return notification;
    }

    /// <summary>For one attendee (<paramref name="bookingId"/>: their booking) of an event that was cancelled.</summary>
    public Notification Cancelled(EventCancelled e, Guid bookingId)
    {
        var startsAt = e.StartsAt.ToUniversalTime();
        var notification = About(e.EventId, bookingId, e.Title, startsAt, e.TimeZone).Saying(NotificationKind.EventCancelled, L["EventCancelled_Title", e.Title],
            L["EventCancelled_Body", e.Title, When(startsAt, e.TimeZone), e.Reason], $"/bookings/{bookingId}");
        notification.Calendar = CalendarMethod.Cancel;
        return notification;
    }

    public Notification Reminder(Reminder reminder) =>
        About(reminder.EventId, reminder.BookingId, reminder.EventTitle, reminder.StartsAt, reminder.TimeZone).Saying(NotificationKind.EventReminder,
            L["Reminder_Title", reminder.EventTitle], L["Reminder_Body", reminder.EventTitle, When(reminder.StartsAt, reminder.TimeZone)],
            $"/bookings/{reminder.BookingId}");

    /// <summary>For the organizer whose endpoint was disabled: where, why, and how to get the deliveries back.</summary>
    public Notification WebhookDisabled(WebhookEndpointDisabled e) => new Notification().Saying(NotificationKind.WebhookDisabled,
        L["WebhookDisabled_Title"], L["WebhookDisabled_Body", e.Url, When(e.DisabledAt), e.Reason], $"/organizer/webhooks/{e.EndpointId}");

    /// <summary>
    /// For the buyer offered seats from a waiting list: how many, for which event, until when (on the event's clocks), and the
    /// link to the event's page with the offer, where they book it.
    /// </summary>
    public Notification Offered(WaitingListOffered e)
    {
        var startsAt = e.EventStartsAt.ToUniversalTime();
        return About(e.EventId, e.OfferId, e.EventTitle, startsAt, e.EventTimeZone).Saying(NotificationKind.WaitlistOffered,
            L["WaitlistOffered_Title", e.EventTitle],
            L["WaitlistOffered_Body", Tickets(e.Quantity), e.EventTitle, When(startsAt, e.EventTimeZone), When(e.ExpiresAt.ToUniversalTime(), e.EventTimeZone)],
            $"/events/{e.EventId}?waitingListOffer={e.OfferId}");
    }

    private static Notification About(Guid eventId, Guid bookingId, string? eventTitle, DateTimeOffset? eventStartsAt = null, string? timeZone = null) =>
        new() { EventId = eventId, BookingId = bookingId, EventTitle = eventTitle, EventStartsAt = eventStartsAt, EventTimeZone = timeZone };

    private string Seat(SeatInfo seat) => L["Email_Seat", seat.Area, seat.Row, seat.Number];

    private string Tickets(int quantity) => L[quantity == 1 ? "Tickets_One" : "Tickets_Other", quantity.ToString("N0", CultureInfo.CurrentCulture)];

    private string When(DateTimeOffset at, string? timeZone = null) => L.When(at, timeZone, "When_Pattern");

    private string Amount(Money? money) =>
        money is null ? "" : L["Amount", money.Amount.ToString("N2", CultureInfo.CurrentCulture), money.Currency];
}

internal static class NotificationWording
{
    /// <summary>
    /// <paramref name="at"/> on the clocks of <paramref name="timeZone"/> (an IANA id, as events carry it; UTC when null or
    /// unknown here) in the pattern of resource <paramref name="pattern"/>, the zone named as people read it:
    /// "Sat 6 Mar 2027 at 19:30 America/New York".
    /// </summary>
    public static string When(this IStringLocalizer L, DateTimeOffset at, string? timeZone, string pattern)
    {
        var (local, zone) = EventTimes.InZone(at, timeZone);
        return L["When_InZone", local.ToString(L[pattern], CultureInfo.CurrentCulture), zone];
    }

    public static Notification Saying(this Notification notification, string kind, string title, string body, string link)
    {
        notification.Kind = kind;
        notification.Title = title;
        notification.Body = body;
        notification.Link = link;
        return notification;
    }
}
