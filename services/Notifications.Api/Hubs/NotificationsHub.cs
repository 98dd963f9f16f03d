using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Notifications.Api.Apis;
using Notifications.Api.Model;

namespace Notifications.Api.Hubs;

/// <summary>
/// Live push of new notifications to the signed-in user's connections (the web app's bell). Clients only listen:
/// the server calls <see cref="INotificationsClient.Notification"/> on the user's connections.
/// </summary>
[Authorize(Policy = Policies.User)]
public sealed class NotificationsHub(HubSessions sessions) : Hub<INotificationsClient>
{
    public const string Path = "/hubs/notifications";

    public override Task OnConnectedAsync()
    {
        sessions.Opened(Context);
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        sessions.Closed(Context);
        return base.OnDisconnectedAsync(exception);
    }
}

public interface INotificationsClient
{
    /// <summary>A notification for this user was just stored.</summary>
    Task Notification(NotificationView notification);
}

/// <summary>SignalR addresses users by the token's <c>sub</c> claim (end users only, never service identities).</summary>
public sealed class SubjectUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) => connection.User.UserId()?.ToString();
}

/// <summary>Pushes stored notifications to their owner's open connections.</summary>
public sealed class NotificationPush(IHubContext<NotificationsHub, INotificationsClient> hub)
{
    public Task PushAsync(Notification notification, CancellationToken cancellationToken) =>
        hub.Clients.User(notification.UserId.ToString()).Notification(NotificationView.From(notification)).WaitAsync(cancellationToken);
}
