namespace EventBooking.AppHost;

/// <summary>The resource names of the architecture document: the same under containers and local executables.</summary>
public static class ResourceNames
{
    public const string Postgres = "postgres";
    public const string Mongo = "mongo";
    public const string Messaging = "messaging";
    public const string Smtp = "smtp";
    public const string Cache = "cache";

    public const string UsersDb = "usersdb";
    public const string BookingsDb = "bookingsdb";
    public const string EventsDb = "eventsdb";
    public const string NotificationsDb = "notificationsdb";

    public const string UsersApi = "users-api";
    public const string EventsApi = "events-api";
    public const string BookingsApi = "bookings-api";
    public const string NotificationsApi = "notifications-api";
    public const string Web = "web";

    /// <summary>The four APIs (each may run as several replicas).</summary>
    public static readonly IReadOnlyList<string> Apis = [UsersApi, EventsApi, BookingsApi, NotificationsApi];
}
