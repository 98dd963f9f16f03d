using Notifications.Api.Email;
using Notifications.Api.Hubs;
using Notifications.Api.Infrastructure;

namespace Notifications.Api.Model;

/// <summary>
/// Stores a notification once (its id is derived from its cause and recipient), queues its email when the user's
/// preference allows, wakes the email sender and pushes it live. Every path that creates notifications goes through here.
/// </summary>
public sealed class NotificationWriter(INotificationStore store, EmailQueueSignal emailQueue, NotificationPush push, TimeProvider time)
{
    /// <summary>True when the notification was new; false when it had been stored before (a redelivery).</summary>
    public async Task<bool> WriteAsync(Notification notification, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var preferences = await store.GetPreferencesAsync(notification.UserId, cancellationToken);
        notification.CreatedAt = now;
        notification.QueueEmail(preferences.WantsEmail(notification.Kind), now);
        if (!await store.TryAddAsync(notification, cancellationToken))
        {
            return false;
        }

        if (notification.EmailStatus == EmailStatus.Pending)
        {
            emailQueue.Notify();
        }

        await push.PushAsync(notification, cancellationToken);
        return true;
    }
}
