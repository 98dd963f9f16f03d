using System.Globalization;
using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using Notifications.Api.Clients;
using Notifications.Api.Infrastructure;
using Notifications.Api.Model;

namespace Notifications.Api.IntegrationEvents;

/// <summary>
/// Turns integration events into notifications (one per affected user) and keeps the reminder schedule.
/// Every notification's id derives from (message id, user id), so a redelivered message changes nothing.
/// </summary>
public sealed class NotificationIngestor(NotificationWriter writer, INotificationStore store, IAttendeeDirectory attendees)
{
    public async Task HandleAsync(BookingConfirmed e, Guid messageId, CancellationToken cancellationToken)
    {
        Require(e.BookingId, e.UserId, e.EventId);
        var startsAt = e.EventStartsAt.ToUniversalTime();
        await store.UpsertReminderAsync(new Reminder
        {
            BookingId = e.BookingId,
            EventId = e.EventId,
            UserId = e.UserId,
            UserEmail = e.UserEmail,
            UserName = e.UserName,
            EventTitle = e.EventTitle,
            StartsAt = startsAt,
            DueAt = ReminderSchedule.DueAt(startsAt),
        }, cancellationToken);

        await writer.WriteAsync(new Notification
        {
            Id = Notification.IdFor(Notification.MessageSource(messageId), e.UserId),
            UserId = e.UserId,
            Kind = NotificationKind.BookingConfirmed,
            Title = $"Booking confirmed: {e.EventTitle}",
            Body = $"Your booking of {Tickets(e.Quantity)} for {e.EventTitle} on {When(startsAt)} is confirmed. " +
                   $"Amount paid: {Amount(e.Amount)}. Show the QR code of each ticket at the entrance.",
            Link = $"/bookings/{e.BookingId}",
            EventId = e.EventId,
            BookingId = e.BookingId,
            EventTitle = e.EventTitle,
            EventStartsAt = startsAt,
            Tickets = [.. (e.Tickets ?? []).Select(t => new TicketLine(t.TicketId, t.TicketNumber, t.EntryNumber, t.Code))],
            RecipientEmail = e.UserEmail,
            RecipientName = e.UserName,
        }, cancellationToken);
    }

    public async Task HandleAsync(BookingCancelled e, Guid messageId, CancellationToken cancellationToken)
    {
        Require(e.BookingId, e.UserId, e.EventId);
        await store.CancelReminderAsync(e.BookingId, e.EventId, e.UserId, cancellationToken);
        var refund = e.Refund is null ? "" : $" {Amount(e.Refund)} will be refunded to you.";
        await writer.WriteAsync(new Notification
        {
            Id = Notification.IdFor(Notification.MessageSource(messageId), e.UserId),
            UserId = e.UserId,
            Kind = NotificationKind.BookingCancelled,
            Title = $"Booking cancelled: {e.EventTitle}",
            Body = $"Your booking of {Tickets(e.Quantity)} for {e.EventTitle} was cancelled ({e.Reason}).{refund}",
            Link = $"/bookings/{e.BookingId}",
            EventId = e.EventId,
            BookingId = e.BookingId,
            EventTitle = e.EventTitle,
            RecipientEmail = e.UserEmail,
        }, cancellationToken);
    }

    public async Task HandleAsync(BookingExpired e, Guid messageId, CancellationToken cancellationToken)
    {
        Require(e.BookingId, e.UserId, e.EventId);
        await store.CancelReminderAsync(e.BookingId, e.EventId, e.UserId, cancellationToken);
        await writer.WriteAsync(new Notification
        {
            Id = Notification.IdFor(Notification.MessageSource(messageId), e.UserId),
            UserId = e.UserId,
            Kind = NotificationKind.BookingExpired,
            Title = $"Booking expired: {e.EventTitle}",
            Body = $"Your reservation of {Tickets(e.Quantity)} for {e.EventTitle} expired before it was paid, so the seats were released. You can book again while seats remain.",
            Link = $"/events/{e.EventId}",
            EventId = e.EventId,
            BookingId = e.BookingId,
            EventTitle = e.EventTitle,
            RecipientEmail = e.UserEmail,
        }, cancellationToken);
    }

    public async Task HandleAsync(PaymentRefunded e, Guid messageId, CancellationToken cancellationToken)
    {
        Require(e.BookingId, e.UserId, e.EventId);
        await writer.WriteAsync(new Notification
        {
            Id = Notification.IdFor(Notification.MessageSource(messageId), e.UserId),
            UserId = e.UserId,
            Kind = NotificationKind.PaymentRefunded,
            Title = $"Refund of {Amount(e.Amount)} issued",
            Body = $"We refunded {Amount(e.Amount)} for your booking {e.BookingId} ({e.Reason}). Depending on your bank it can take a few days to show.",
            Link = $"/bookings/{e.BookingId}",
            EventId = e.EventId,
            BookingId = e.BookingId,
            RecipientEmail = e.UserEmail,
        }, cancellationToken);
    }

    public async Task HandleAsync(EventUpdated e, Guid messageId, CancellationToken cancellationToken)
    {
        Require(e.EventId, e.OrganizerId);
        var startsAt = e.StartsAt.ToUniversalTime();
        await store.RescheduleEventRemindersAsync(e.EventId, e.Title, startsAt, cancellationToken);
        var changed = e.ChangedFields is { Count: > 0 } fields ? string.Join(", ", fields) : "details";
        await NotifyAttendeesAsync(e.EventId, messageId, attendee => new Notification
        {
            Kind = NotificationKind.EventUpdated,
            Title = $"Event updated: {e.Title}",
            Body = $"{e.Title} has changed ({changed}). It now takes place on {When(startsAt)} at {e.Venue}, {e.City}.",
            Link = $"/events/{e.EventId}",
            EventId = e.EventId,
            BookingId = attendee.BookingId,
            EventTitle = e.Title,
            EventStartsAt = startsAt,
        }, cancellationToken);
    }

    public async Task HandleAsync(EventCancelled e, Guid messageId, CancellationToken cancellationToken)
    {
        Require(e.EventId, e.OrganizerId);
        await store.RemoveEventRemindersAsync(e.EventId, cancellationToken);
        var startsAt = e.StartsAt.ToUniversalTime();
        await NotifyAttendeesAsync(e.EventId, messageId, attendee => new Notification
        {
            Kind = NotificationKind.EventCancelled,
            Title = $"Event cancelled: {e.Title}",
            Body = $"{e.Title}, planned for {When(startsAt)}, has been cancelled ({e.Reason}). Your booking is cancelled and refunded in full.",
            Link = $"/bookings/{attendee.BookingId}",
            EventId = e.EventId,
            BookingId = attendee.BookingId,
            EventTitle = e.Title,
            EventStartsAt = startsAt,
        }, cancellationToken);
    }

    /// <summary>The reminder for one booking, 24 h before its event (source key: event, start time; so one per user).</summary>
    public Task<bool> RemindAsync(Reminder reminder, CancellationToken cancellationToken) =>
        writer.WriteAsync(new Notification
        {
            Id = Notification.IdFor(reminder.NotificationSource, reminder.UserId),
            UserId = reminder.UserId,
            Kind = NotificationKind.EventReminder,
            Title = $"Reminder: {reminder.EventTitle} starts soon",
            Body = $"{reminder.EventTitle} starts on {When(reminder.StartsAt)}. Have your tickets ready at the entrance.",
            Link = $"/bookings/{reminder.BookingId}",
            EventId = reminder.EventId,
            BookingId = reminder.BookingId,
            EventTitle = reminder.EventTitle,
            EventStartsAt = reminder.StartsAt,
            RecipientEmail = reminder.UserEmail,
            RecipientName = reminder.UserName,
        }, cancellationToken);

    private async Task NotifyAttendeesAsync(Guid eventId, Guid messageId, Func<EventAttendee, Notification> compose, CancellationToken cancellationToken)
    {
        var list = await attendees.AttendeesOfAsync(eventId, cancellationToken);
        // One notification per user, even with several bookings (the id would dedupe them anyway).
        foreach (var attendee in list.Where(a => a.UserId != Guid.Empty).DistinctBy(a => a.UserId))
        {
            var notification = compose(attendee);
            notification.Id = Notification.IdFor(Notification.MessageSource(messageId), attendee.UserId);
            notification.UserId = attendee.UserId;
            notification.RecipientEmail = attendee.Email;
            notification.RecipientName = attendee.Name;
            await writer.WriteAsync(notification, cancellationToken);
        }
    }

    private static void Require(params Guid[] ids)
    {
        if (ids.Any(id => id == Guid.Empty))
        {
            throw new PoisonMessageException("The message lacks a required id.");
        }
    }

    private static string Tickets(int quantity) => quantity == 1 ? "1 ticket" : $"{quantity} tickets";

    private static string When(DateTimeOffset at) => at.ToString("ddd d MMM yyyy 'at' HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Amount(Money? money) =>
        money is null ? "" : $"{money.Amount.ToString("0.00", CultureInfo.InvariantCulture)} {money.Currency}";
}
