using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using Notifications.Api.Clients;
using Notifications.Api.Infrastructure;
using Notifications.Api.Model;
using Notifications.Api.Services;

namespace Notifications.Api.IntegrationEvents;

/// <summary>
/// Turns integration events into notifications (one per affected user; their words are in <see cref="NotificationTexts"/>)
/// and keeps the reminder schedule. Every notification's id derives from (message id, user id), so a redelivered message
/// changes nothing.
/// </summary>
public sealed class NotificationIngestor(NotificationWriter writer, INotificationStore store, IAttendeeDirectory attendees)
{
    /// <summary>Applies one event: the reminder schedule first, then the notifications.</summary>
    public async Task IngestAsync(IIntegrationEvent message, Guid messageId, CancellationToken cancellationToken)
    {
        var source = Notification.MessageSource(messageId);
        switch (message)
        {
            case BookingConfirmed e:
                Require(e.BookingId, e.UserId, e.EventId);
                await store.UpsertReminderAsync(ReminderOf(e), cancellationToken);
                await writer.WriteAsync(NotificationTexts.Confirmed(e).To(source, e.UserId, e.UserEmail, e.UserName), cancellationToken);
                break;
            case BookingCancelled e:
                await BookingEndedAsync(e.BookingId, e.EventId, NotificationTexts.Cancelled(e).To(source, e.UserId, e.UserEmail), cancellationToken);
                break;
            case BookingExpired e:
                await BookingEndedAsync(e.BookingId, e.EventId, NotificationTexts.Expired(e).To(source, e.UserId, e.UserEmail), cancellationToken);
                break;
            case PaymentRefunded e:
                Require(e.BookingId, e.UserId, e.EventId);
                await writer.WriteAsync(NotificationTexts.Refunded(e).To(source, e.UserId, e.UserEmail), cancellationToken);
                break;
            case EventUpdated e:
                Require(e.EventId, e.OrganizerId);
                await store.RescheduleEventRemindersAsync(e.EventId, e.Title, e.StartsAt.ToUniversalTime(), cancellationToken);
                await NotifyAttendeesAsync(e.EventId, source, attendee => NotificationTexts.Updated(e, attendee.BookingId), cancellationToken);
                break;
            case EventCancelled e:
                Require(e.EventId, e.OrganizerId);
                await store.RemoveEventRemindersAsync(e.EventId, cancellationToken);
                await NotifyAttendeesAsync(e.EventId, source, attendee => NotificationTexts.Cancelled(e, attendee.BookingId), cancellationToken);
                break;
            default:
                throw new PoisonMessageException($"notifications-api does not consume {message.GetType().Name}.");
        }
    }

    /// <summary>The reminder for one booking, 24 h before its event (source key: event, start time; so one per user).</summary>
    public Task<bool> RemindAsync(Reminder reminder, CancellationToken cancellationToken) =>
        writer.WriteAsync(NotificationTexts.Reminder(reminder).To(reminder.NotificationSource, reminder.UserId, reminder.UserEmail, reminder.UserName),
            cancellationToken);

    /// <summary>
    /// A booking ended before its event (cancelled or expired): its reminder goes, its holder is told — and, when it was their
    /// last confirmed booking of the event, the email withdraws the calendar invitation the confirmation carried.
    /// </summary>
    private async Task BookingEndedAsync(Guid bookingId, Guid eventId, Notification notification, CancellationToken cancellationToken)
    {
        Require(bookingId, notification.UserId, eventId);
        await store.CancelReminderAsync(bookingId, eventId, notification.UserId, cancellationToken);
        if (await store.LeftEventAsync(bookingId, eventId, notification.UserId, cancellationToken))
        {
            notification.Calendar = CalendarMethod.Cancel;
        }

        await writer.WriteAsync(notification, cancellationToken);
    }

    private async Task NotifyAttendeesAsync(Guid eventId, string source, Func<EventAttendee, Notification> compose, CancellationToken cancellationToken)
    {
        var list = await attendees.AttendeesOfAsync(eventId, cancellationToken);
        // One notification per user, even with several bookings (the id would dedupe them anyway).
        foreach (var attendee in list.Where(a => a.UserId != Guid.Empty).DistinctBy(a => a.UserId))
        {
            await writer.WriteAsync(compose(attendee).To(source, attendee.UserId, attendee.Email, attendee.Name), cancellationToken);
        }
    }

    private static Reminder ReminderOf(BookingConfirmed e)
    {
        var startsAt = e.EventStartsAt.ToUniversalTime();
        return new Reminder
        {
            BookingId = e.BookingId,
            EventId = e.EventId,
            UserId = e.UserId,
            UserEmail = e.UserEmail,
            UserName = e.UserName,
            EventTitle = e.EventTitle,
            StartsAt = startsAt,
            DueAt = ReminderSchedule.DueAt(startsAt),
        };
    }

    private static void Require(params Guid[] ids)
    {
        if (ids.Any(id => id == Guid.Empty))
        {
            throw new PoisonMessageException("The message lacks a required id.");
        }
    }
}
