namespace EventBooking.LocalHost;

/// <summary>The resource names of the architecture document, identical under LocalHost and AppHost.</summary>
public static class ResourceNames
{
    public const string Postgres = "postgres";
    public const string Mongo = "mongo";
    public const string Messaging = "messaging";
    public const string Smtp = "smtp";

    public const string UsersDb = "usersdb";
    public const string BookingsDb = "bookingsdb";
    public const string EventsDb = "eventsdb";
    public const string NotificationsDb = "notificationsdb";

    public const string UsersApi = "users-api";
    public const string EventsApi = "events-api";
    public const string BookingsApi = "bookings-api";
    public const string NotificationsApi = "notifications-api";
    public const string Web = "web";
}

/// <summary>One project resource: what it references, like <c>WithReference</c> in the AppHost.</summary>
public sealed record ServiceDefinition(
    string Name,
    string[] PostgresDatabases,
    string[] DocumentDatabases,
    bool UsesMessaging,
    bool UsesSmtp,
    string[] ServiceReferences,
    int StartWave);

public static class ServiceCatalog
{
    /// <summary>The services in start order; a wave starts once the previous one is healthy.</summary>
    public static readonly IReadOnlyList<ServiceDefinition> All =
    [
        new(ResourceNames.UsersApi, [ResourceNames.UsersDb], [], UsesMessaging: false, UsesSmtp: false, [], StartWave: 0),
        new(ResourceNames.EventsApi, [], [ResourceNames.EventsDb], UsesMessaging: true, UsesSmtp: false, [ResourceNames.UsersApi], StartWave: 1),
        new(ResourceNames.BookingsApi, [ResourceNames.BookingsDb], [], UsesMessaging: true, UsesSmtp: false, [ResourceNames.UsersApi, ResourceNames.EventsApi], StartWave: 2),
        new(ResourceNames.NotificationsApi, [], [ResourceNames.NotificationsDb], UsesMessaging: true, UsesSmtp: true, [ResourceNames.UsersApi, ResourceNames.EventsApi, ResourceNames.BookingsApi], StartWave: 2),
        new(ResourceNames.Web, [], [], UsesMessaging: false, UsesSmtp: false,
            [ResourceNames.UsersApi, ResourceNames.EventsApi, ResourceNames.BookingsApi, ResourceNames.NotificationsApi], StartWave: 3),
    ];

    /// <summary>Services that call others with a service identity (OAuth2 client credentials).</summary>
    public static IEnumerable<string> ServiceClients => All.Where(s => s.Name != ResourceNames.UsersApi).Select(s => s.Name);
}
