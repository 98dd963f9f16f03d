using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using Notifications.Api.Caching;
using Notifications.Api.Clients;
using Notifications.Api.Infrastructure;
using Notifications.Api.Model;
using Notifications.Api.Services;

namespace Notifications.Api.IntegrationEvents;

/// <summary>
/// Turns integration events into notifications (one per affected user; their words are in <see cref="NotificationTexts"/>, in
/// each recipient's preferred language: the one a booking event carries (<c>Language</c>, from the buyer's token), else users-api's,
/// remembered for a minute by <see cref="RecipientLanguageCache"/>: at most one lookup per message) and keeps the reminder schedule. Every
/// notification's id derives from (message id, user id), so a redelivered message changes nothing.
/// </summary>
public sealed class NotificationIngestor(NotificationWriter writer, INotificationStore store, IAttendeeDirectory attendees, IUserDirectory users,
    NotificationTexts texts, RecipientLanguages languages, RecipientLanguageCache languageCache, ILogger<NotificationIngestor> logger)
{
    /// <summary>Applies one event: the reminder schedule and the notifications (a confirmation's reminder is stored with its notification).</summary>
    public async Task IngestAsync(IIntegrationEvent message, Guid messageId, CancellationToken cancellationToken)
    {
        var source = Notification.MessageSource(messageId);
        switch (message)
        {
            case BookingConfirmed e:
                Require(e.BookingId, e.UserId, e.EventId);
                var confirmed = await InLanguageOfAsync(e.UserId, e.Language, () => texts.Confirmed(e), cancellationToken);
                await writer.WriteAsync(confirmed.To(source, e.UserId, e.UserEmail, e.UserName), cancellationToken, ReminderOf(e));
                break;
            case BookingCancelled e:
                var cancelled = await InLanguageOfAsync(e.UserId, e.Language, () => texts.Cancelled(e), cancellationToken);
                await BookingEndedAsync(e.BookingId, e.EventId, cancelled.To(source, e.UserId, e.UserEmail), cancellationToken);
                break;
            case BookingExpired e:
                var expired = await InLanguageOfAsync(e.UserId, e.Language, () => texts.Expired(e), cancellationToken);
                await BookingEndedAsync(e.BookingId, e.EventId, expired.To(source, e.UserId, e.UserEmail), cancellationToken);
                break;
            case BookingSeatsMoved e:
                Require(e.BookingId, e.UserId, e.EventId);
                var moved = await InLanguageOfAsync(e.UserId, e.Language, () => texts.SeatsMoved(e), cancellationToken);
                await writer.WriteAsync(moved.To(source, e.UserId, e.UserEmail), cancellationToken);
                break;
            case PaymentRefunded e:
                Require(e.BookingId, e.UserId, e.EventId);
                var refunded = await InLanguageOfAsync(e.UserId, e.Language, () => texts.Refunded(e), cancellationToken);
                await writer.WriteAsync(refunded.To(source, e.UserId, e.UserEmail), cancellationToken);
                break;
            case EventUpdated e:
                Require(e.EventId, e.OrganizerId);
                await store.RescheduleEventRemindersAsync(e.EventId, e.Title, e.StartsAt.ToUniversalTime(), e.TimeZone, cancellationToken);
                await NotifyAttendeesAsync(e.EventId, source, attendee => texts.Updated(e, attendee.BookingId), cancellationToken);
                break;
            case EventCancelled e:
                Require(e.EventId, e.OrganizerId);
                await store.RemoveEventRemindersAsync(e.EventId, cancellationToken);
                await NotifyAttendeesAsync(e.EventId, source, attendee => texts.Cancelled(e, attendee.BookingId), cancellationToken);
                break;
            case WebhookEndpointDisabled e:
                Require(e.EndpointId, e.OrganizerId);
                var disabled = await InLanguageOfAsync(e.OrganizerId, null, () => texts.WebhookDisabled(e), cancellationToken);
                await writer.WriteAsync(disabled.To(source, e.OrganizerId), cancellationToken);
                break;
            case WaitingListOffered e:
                Require(e.OfferId, e.UserId, e.EventId);
                var offered = await InLanguageOfAsync(e.UserId, null, () => texts.Offered(e), cancellationToken);
                await writer.WriteAsync(offered.To(source, e.UserId, e.UserEmail, e.UserName), cancellationToken);
                break;
            default:
                throw new PoisonMessageException($"notifications-api does not consume {message.GetType().Name}.");
        }
    }

    /// <summary>The reminder for one booking, 24 h before its event (source key: event, start time; so one per user).</summary>
    public async Task<bool> RemindAsync(Reminder reminder, CancellationToken cancellationToken)
    {
        var notification = await InLanguageOfAsync(reminder.UserId, null, () => texts.Reminder(reminder), cancellationToken);
        return await writer.WriteAsync(notification.To(reminder.NotificationSource, reminder.UserId, reminder.UserEmail, reminder.UserName), cancellationToken);
    }

    /// <summary>
    /// Writes a notification in <paramref name="userId"/>'s preferred language: <paramref name="carried"/> when the message carries
    /// it (no users-api call), else users-api's (messages written before they carried it, events raised without the buyer's token;
    /// the default when users-api does not know it or cannot be asked).
    /// </summary>
    private async Task<Notification> InLanguageOfAsync(Guid userId, string? carried, Func<Notification> compose, CancellationToken cancellationToken)
    {
        var language = !string.IsNullOrWhiteSpace(carried)
            ? carried
            : (await users.LanguagesAsync([userId], languageCache, logger, cancellationToken)).GetValueOrDefault(userId);
        return languages.In(language, compose);
    }

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
        // One notification per user, even with several bookings (the id would dedupe them anyway), each in its own language.
        var recipients = list.Where(a => a.UserId != Guid.Empty).DistinctBy(a => a.UserId).ToList();
        var spoken = recipients.Count == 0
            ? new Dictionary<Guid, string?>()
            : await users.LanguagesAsync([.. recipients.Select(a => a.UserId)], languageCache, logger, cancellationToken);
        foreach (var attendee in recipients)
        {
            var notification = languages.In(spoken.GetValueOrDefault(attendee.UserId), () => compose(attendee));
            await writer.WriteAsync(notification.To(source, attendee.UserId, attendee.Email, attendee.Name), cancellationToken);
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
            TimeZone = e.EventTimeZone ?? "UTC",
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
