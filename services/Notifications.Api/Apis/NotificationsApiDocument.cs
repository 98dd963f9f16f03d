namespace Notifications.Api.Apis;

/// <summary>What notifications-api's OpenAPI documents say about the service and its tags.</summary>
public static class NotificationsApiDocument
{
    public static void Describe(ApiDocumentation document)
    {
        document.Title = "EventBooking notifications-api";
        document.Description = "Notifications from booking and event changes (each stored once, emailed over SMTP, pushed live on the " +
            "SignalR hub `/hubs/notifications`), email preferences, and announcements by admins and services.";
        document.Tags["Notifications"] = "My notifications and email preferences; announcements to a person or to an event's attendees.";
        document.Tags["Messaging"] = "This service's message consumer: the dead-letter queue and the outbox backlog (admins, operator).";
    }
}
