using Notifications.Api.Email;
using Notifications.Api.Hubs;
using Notifications.Api.Infrastructure;
using Notifications.Api.Model;

namespace Notifications.Api.Services;

/// <summary>
/// Delivers a new notification, whatever caused it (an API call, an integration event, a reminder): stores it once (its
/// id is derived from its cause and recipient), with its email queued (<see cref="Notification.Accept"/>: the user's preferences
/// are asked when it is due), then wakes the email sender and pushes it live.
/// </summary>
public sealed class NotificationWriter(INotificationStore store, EmailQueueSignal emailQueue, NotificationPush push, TimeProvider time)
{
    /// <summary>True when the notification was new; false when it had been stored before (a redelivery).</summary>
    /// <param name="reminder">Stored with it (<see cref="INotificationStore.UpsertReminderAsync"/>), when its cause schedules one.</param>
    public async Task<bool> WriteAsync(Notification notification, CancellationToken cancellationToken, Reminder? reminder = null)
    {
        notification.Accept(time.GetUtcNow());
        var added = reminder is null
            ? await store.TryAddAsync(notification, cancellationToken)
            : await store.TryAddAsync(notification, reminder, cancellationToken);
        if (!added)
        {
            return false;
        }

        emailQueue.Notify();

        await push.PushAsync(notification, cancellationToken);
        return true;
    }
}
