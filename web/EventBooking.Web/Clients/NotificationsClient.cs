namespace EventBooking.Web.Clients;

// notifications-api DTOs: services/Notifications.Api/Apis/Dtos.cs (TicketLine: services/Notifications.Api/Model/Notification.cs).
public sealed record TicketLine(Guid TicketId, string TicketNumber, int EntryNumber, string Code);

public sealed record EmailView(string Status, int Attempts, DateTimeOffset? SentAt);

public sealed record NotificationView(
    Guid Id, string Kind, string Title, string Body, string? Link, Guid? EventId, Guid? BookingId, string? EventTitle,
    DateTimeOffset? EventStartsAt, IReadOnlyList<TicketLine>? Tickets, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt, bool IsRead, EmailView? Email);

/// <summary>How many of the user's notifications are unread.</summary>
public sealed record UnreadCount(long Unread);

/// <summary>notifications-api: the user's notifications (the live push comes over its SignalR hub).</summary>
public sealed class NotificationsClient(HttpClient http)
{
    public const string HubPath = "/hubs/notifications";
    private const string Service = "Service_Notifications";

    /// <summary>The user's notifications, newest first.</summary>
    public Task<ApiResult<Paged<NotificationView>>> ListAsync(int page, int pageSize, CancellationToken cancellationToken) =>
        Api.GetAsync<Paged<NotificationView>>(http, $"/api/notifications?page={page}&pageSize={pageSize}", Service, cancellationToken);

    public Task<ApiResult<UnreadCount>> GetUnreadCountAsync(CancellationToken cancellationToken) =>
        Api.GetAsync<UnreadCount>(http, "/api/notifications/unread-count", Service, cancellationToken);

    public Task<ApiResult<NoBody>> MarkReadAsync(Guid id, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<NoBody>(http, HttpMethod.Post, $"/api/notifications/{id}/read", null, Service, cancellationToken);

    public Task<ApiResult<NoBody>> MarkAllReadAsync(CancellationToken cancellationToken) =>
        Api.SendJsonAsync<NoBody>(http, HttpMethod.Post, "/api/notifications/read-all", null, Service, cancellationToken);
}

// EventBooking.Messaging's dead-letter admin API (EventBooking.Messaging/Apis/DeadLetterApi.cs, README.md), mapped by each consuming service.
public sealed record DeadLetter(string MessageId, string? Type, string? Source, DateTimeOffset? Time, string? Reason, string? Error, int? Attempts,
    DateTimeOffset? DeadLetteredAt, System.Text.Json.JsonElement? Data);

public sealed record DeadLetterList(long Count, IReadOnlyList<DeadLetter> Messages);

public sealed record ReplayResult(int Replayed);

/// <summary>The dead-letter queue of one service (events-api, bookings-api or notifications-api).</summary>
public sealed class DeadLettersClient(Func<string, HttpClient> clientFor)
{
    public static readonly IReadOnlyList<string> Services = ["bookings-api", "events-api", "notifications-api"];

    public Task<ApiResult<DeadLetterList>> ListAsync(string service, CancellationToken cancellationToken) =>
        Api.GetAsync<DeadLetterList>(clientFor(service), "/api/admin/dead-letters?limit=100", service, cancellationToken);

    public Task<ApiResult<ReplayResult>> ReplayAsync(string service, string messageId, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<ReplayResult>(clientFor(service), HttpMethod.Post, $"/api/admin/dead-letters/{Uri.EscapeDataString(messageId)}/replay", null, service, cancellationToken);

    public Task<ApiResult<ReplayResult>> ReplayAllAsync(string service, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<ReplayResult>(clientFor(service), HttpMethod.Post, "/api/admin/dead-letters/replay", null, service, cancellationToken);
}
