using EventBooking.AppHost;

namespace EventBooking.Security.Tests;

/// <summary>Who may call a route.</summary>
public enum Access
{
    /// <summary>Anyone, no token.</summary>
    Anonymous,
    /// <summary>Any signed-in person; the answer is about the caller only (never a service identity).</summary>
    User,
    /// <summary>A signed-in person, on an object they own (another's is 403/404: see <see cref="ObjectLevelTests"/>).</summary>
    Owner,
    /// <summary>An organizer or an admin; an event's own organizer (or an admin) for one event.</summary>
    OrganizerOwner,
    Admin,
    /// <summary>Service identities (client credentials) only; every end-user token is refused.</summary>
    ServiceIdentity,
    AdminOrServiceIdentity,
}

/// <param name="MayBeMissing">Catalogued ahead of its branch landing: absent from the OpenAPI document is fine.</param>
/// <param name="CallWhenAllowed">False where a call as an allowed caller would change shared state (key rotation, ending the shared admin's sessions).</param>
public sealed record Route(string Service, string Method, string Path, Access Access, bool MayBeMissing = false, bool CallWhenAllowed = true)
{
    public string Key => $"{Service} {Method} {Path}";

    public override string ToString() => $"{Key} [{Access}]";
}

/// <summary>Every route of every service with the access it expects. A route in an OpenAPI document but not here fails the suite.</summary>
public static class RouteCatalogue
{
    public static readonly IReadOnlyList<Route> All =
    [
        // users-api
        new(ResourceNames.UsersApi, "GET", "/.well-known/openid-configuration", Access.Anonymous),
        new(ResourceNames.UsersApi, "GET", "/.well-known/jwks.json", Access.Anonymous),
        new(ResourceNames.UsersApi, "POST", "/connect/token", Access.Anonymous),
        new(ResourceNames.UsersApi, "GET", "/api/signing-keys", Access.Admin),
        new(ResourceNames.UsersApi, "POST", "/api/signing-keys/rotate", Access.Admin, CallWhenAllowed: false),
        new(ResourceNames.UsersApi, "POST", "/api/users/register", Access.Anonymous),
        new(ResourceNames.UsersApi, "POST", "/api/users/login", Access.Anonymous),
        new(ResourceNames.UsersApi, "POST", "/api/users/refresh", Access.Anonymous),
        new(ResourceNames.UsersApi, "POST", "/api/users/logout", Access.Anonymous),
        // Allowed callers are not called: it would end every session of the suite's shared admin (RevocationTests cover it).
        new(ResourceNames.UsersApi, "POST", "/api/users/logout-all", Access.User, CallWhenAllowed: false),
        new(ResourceNames.UsersApi, "GET", "/api/users/me", Access.User),
        new(ResourceNames.UsersApi, "PUT", "/api/users/me", Access.User),
        new(ResourceNames.UsersApi, "POST", "/api/users/me/password", Access.User),
        new(ResourceNames.UsersApi, "GET", "/api/users", Access.Admin),
        new(ResourceNames.UsersApi, "GET", "/api/users/{id}", Access.Owner),
        new(ResourceNames.UsersApi, "PUT", "/api/users/{id}/roles", Access.Admin),
        new(ResourceNames.UsersApi, "PUT", "/api/users/{id}/disabled", Access.Admin),
        new(ResourceNames.UsersApi, "POST", "/api/users/verify-email", Access.Anonymous),
        new(ResourceNames.UsersApi, "POST", "/api/users/me/verification-email", Access.User),
        new(ResourceNames.UsersApi, "POST", "/api/users/forgot-password", Access.Anonymous),
        new(ResourceNames.UsersApi, "POST", "/api/users/reset-password", Access.Anonymous),
        new(ResourceNames.UsersApi, "POST", "/api/users/{id}/verify-email", Access.Admin),
        new(ResourceNames.UsersApi, "POST", "/api/users/me/api-tokens", Access.OrganizerOwner),
        new(ResourceNames.UsersApi, "GET", "/api/users/me/api-tokens", Access.OrganizerOwner),
        new(ResourceNames.UsersApi, "DELETE", "/api/users/me/api-tokens/{id}", Access.OrganizerOwner),
        new(ResourceNames.UsersApi, "POST", "/internal/api-tokens/introspect", Access.ServiceIdentity),
        new(ResourceNames.UsersApi, "GET", "/internal/users/{id}", Access.ServiceIdentity),
        new(ResourceNames.UsersApi, "POST", "/internal/users/contacts", Access.ServiceIdentity),

        // events-api
        new(ResourceNames.EventsApi, "GET", "/api/events", Access.Anonymous),
        new(ResourceNames.EventsApi, "GET", "/api/events/{id}", Access.Anonymous),
        new(ResourceNames.EventsApi, "GET", "/api/events/{id}/availability", Access.Anonymous),
        new(ResourceNames.EventsApi, "GET", "/api/events/{id}/calendar.ics", Access.Anonymous),
        new(ResourceNames.EventsApi, "POST", "/api/events", Access.OrganizerOwner),
        new(ResourceNames.EventsApi, "PUT", "/api/events/{id}", Access.OrganizerOwner),
        new(ResourceNames.EventsApi, "DELETE", "/api/events/{id}", Access.OrganizerOwner),
        new(ResourceNames.EventsApi, "POST", "/api/events/{id}/publish", Access.OrganizerOwner),
        new(ResourceNames.EventsApi, "POST", "/api/events/{id}/cancel", Access.OrganizerOwner),
        new(ResourceNames.EventsApi, "GET", "/api/organizers/me/events", Access.OrganizerOwner),
        new(ResourceNames.EventsApi, "GET", "/api/events/{id}/ticket-types", Access.Anonymous),
        new(ResourceNames.EventsApi, "POST", "/api/events/{id}/ticket-types", Access.OrganizerOwner),
        new(ResourceNames.EventsApi, "PUT", "/api/events/{id}/ticket-types/{typeId}", Access.OrganizerOwner),
        new(ResourceNames.EventsApi, "DELETE", "/api/events/{id}/ticket-types/{typeId}", Access.OrganizerOwner),
        new(ResourceNames.EventsApi, "GET", "/api/events/{id}/queue", Access.Anonymous),
        new(ResourceNames.EventsApi, "PUT", "/api/events/{id}/queue", Access.OrganizerOwner),
        new(ResourceNames.EventsApi, "POST", "/api/events/{id}/queue", Access.User),
        new(ResourceNames.EventsApi, "GET", "/api/events/{id}/queue/me", Access.User),
        new(ResourceNames.EventsApi, "DELETE", "/api/events/{id}/queue/me", Access.User),
        new(ResourceNames.EventsApi, "POST", "/api/events/{id}/waiting-list", Access.User),
        new(ResourceNames.EventsApi, "GET", "/api/events/{id}/waiting-list/me", Access.User),
        new(ResourceNames.EventsApi, "DELETE", "/api/events/{id}/waiting-list/me", Access.User),
        new(ResourceNames.EventsApi, "GET", "/api/events/{id}/waiting-list", Access.OrganizerOwner),
        new(ResourceNames.EventsApi, "GET", "/api/events/{id}/waiting-list/export", Access.OrganizerOwner),
        new(ResourceNames.EventsApi, "POST", "/api/venue-plans", Access.OrganizerOwner),
        new(ResourceNames.EventsApi, "GET", "/api/venue-plans", Access.OrganizerOwner),
        new(ResourceNames.EventsApi, "GET", "/api/venue-plans/{planId}", Access.OrganizerOwner),
        new(ResourceNames.EventsApi, "PUT", "/api/venue-plans/{planId}", Access.OrganizerOwner),
        new(ResourceNames.EventsApi, "DELETE", "/api/venue-plans/{planId}", Access.OrganizerOwner),
        new(ResourceNames.EventsApi, "GET", "/api/venue-plans/{planId}/export", Access.OrganizerOwner),
        new(ResourceNames.EventsApi, "POST", "/api/venue-plans/{planId}/areas", Access.OrganizerOwner),
        new(ResourceNames.EventsApi, "PATCH", "/api/venue-plans/{planId}/seats", Access.OrganizerOwner),
        new(ResourceNames.EventsApi, "PUT", "/api/events/{id}/seating", Access.OrganizerOwner),
        new(ResourceNames.EventsApi, "GET", "/api/events/{id}/seating", Access.Anonymous),
        new(ResourceNames.EventsApi, "GET", "/api/events/{id}/seating/availability", Access.Anonymous),
        new(ResourceNames.EventsApi, "GET", "/api/events/{id}/seating/blocked", Access.OrganizerOwner),
        new(ResourceNames.EventsApi, "POST", "/api/events/{id}/seating/block", Access.OrganizerOwner),
        new(ResourceNames.EventsApi, "POST", "/api/events/{id}/seating/release", Access.OrganizerOwner),
        new(ResourceNames.EventsApi, "GET", "/api/categories", Access.Anonymous),
        new(ResourceNames.EventsApi, "POST", "/api/events/{id}/reviews", Access.User),
        new(ResourceNames.EventsApi, "GET", "/api/events/{id}/reviews", Access.Anonymous),
        new(ResourceNames.EventsApi, "GET", "/api/events/{id}/reviews/summary", Access.Anonymous),
        new(ResourceNames.EventsApi, "GET", "/api/users/{userId}/reviews", Access.Anonymous),
        new(ResourceNames.EventsApi, "GET", "/api/events/{id}/analytics", Access.OrganizerOwner),
        new(ResourceNames.EventsApi, "GET", "/api/me/activity", Access.User),
        new(ResourceNames.EventsApi, "GET", "/api/users/{userId}/activity", Access.Admin),
        new(ResourceNames.EventsApi, "GET", "/internal/events/{eventId}", Access.ServiceIdentity),
        new(ResourceNames.EventsApi, "PUT", "/internal/events/{eventId}/holds/{holdId}", Access.ServiceIdentity),
        new(ResourceNames.EventsApi, "POST", "/internal/events/{eventId}/holds/{holdId}/confirm", Access.ServiceIdentity),
        new(ResourceNames.EventsApi, "DELETE", "/internal/events/{eventId}/holds/{holdId}", Access.ServiceIdentity),
        new(ResourceNames.EventsApi, "POST", "/internal/events/{eventId}/holds/{holdId}/seats/move", Access.ServiceIdentity),
        new(ResourceNames.EventsApi, "GET", "/internal/events/{eventId}/inventory", Access.ServiceIdentity),
        new(ResourceNames.EventsApi, "GET", "/api/admin/dead-letters", Access.AdminOrServiceIdentity),
        new(ResourceNames.EventsApi, "POST", "/api/admin/dead-letters/{messageId}/replay", Access.AdminOrServiceIdentity),
        new(ResourceNames.EventsApi, "POST", "/api/admin/dead-letters/replay", Access.AdminOrServiceIdentity, CallWhenAllowed: false),
        new(ResourceNames.EventsApi, "GET", "/api/admin/messaging", Access.Admin),

        // bookings-api
        new(ResourceNames.BookingsApi, "POST", "/api/bookings", Access.User),
        new(ResourceNames.BookingsApi, "GET", "/api/bookings", Access.User),
        new(ResourceNames.BookingsApi, "GET", "/api/bookings/{id}", Access.Owner),
        new(ResourceNames.BookingsApi, "POST", "/api/bookings/{id}/payments", Access.Owner),
        new(ResourceNames.BookingsApi, "GET", "/api/bookings/{id}/payments", Access.Owner),
        new(ResourceNames.BookingsApi, "GET", "/api/bookings/{id}/tickets", Access.Owner),
        new(ResourceNames.BookingsApi, "POST", "/api/bookings/{id}/cancel", Access.Owner),
        new(ResourceNames.BookingsApi, "POST", "/api/bookings/{id}/seats/move", Access.OrganizerOwner),
        new(ResourceNames.BookingsApi, "GET", "/api/payments", Access.User),
        new(ResourceNames.BookingsApi, "GET", "/api/payments/{id}", Access.Owner),
        new(ResourceNames.BookingsApi, "POST", "/api/refunds", Access.Admin),
        new(ResourceNames.BookingsApi, "GET", "/api/tickets", Access.User),
        new(ResourceNames.BookingsApi, "GET", "/api/tickets/{id}", Access.Owner),
        new(ResourceNames.BookingsApi, "GET", "/api/tickets/{id}/qr", Access.Owner),
        new(ResourceNames.BookingsApi, "GET", "/api/events/{id}/bookings", Access.OrganizerOwner),
        new(ResourceNames.BookingsApi, "GET", "/api/events/{id}/sales", Access.OrganizerOwner),
        new(ResourceNames.BookingsApi, "GET", "/api/organizers/me/sales", Access.OrganizerOwner),
        new(ResourceNames.BookingsApi, "POST", "/api/events/{id}/check-ins", Access.OrganizerOwner),
        new(ResourceNames.BookingsApi, "GET", "/api/events/{id}/check-ins", Access.OrganizerOwner),
        new(ResourceNames.BookingsApi, "GET", "/api/events/{id}/check-ins/summary", Access.OrganizerOwner),
        new(ResourceNames.BookingsApi, "POST", "/api/events/{id}/promo-codes", Access.OrganizerOwner),
        new(ResourceNames.BookingsApi, "GET", "/api/events/{id}/promo-codes", Access.OrganizerOwner),
        new(ResourceNames.BookingsApi, "DELETE", "/api/events/{id}/promo-codes/{codeId}", Access.OrganizerOwner),
        new(ResourceNames.BookingsApi, "POST", "/api/events/{id}/promo-codes/check", Access.User),
        new(ResourceNames.BookingsApi, "POST", "/api/webhooks", Access.OrganizerOwner),
        new(ResourceNames.BookingsApi, "GET", "/api/webhooks", Access.OrganizerOwner),
        new(ResourceNames.BookingsApi, "GET", "/api/webhooks/{id}", Access.OrganizerOwner),
        new(ResourceNames.BookingsApi, "PUT", "/api/webhooks/{id}", Access.OrganizerOwner),
        new(ResourceNames.BookingsApi, "DELETE", "/api/webhooks/{id}", Access.OrganizerOwner),
        new(ResourceNames.BookingsApi, "POST", "/api/webhooks/{id}/rotate-secret", Access.OrganizerOwner),
        new(ResourceNames.BookingsApi, "GET", "/api/webhooks/{id}/deliveries", Access.OrganizerOwner),
        new(ResourceNames.BookingsApi, "GET", "/api/webhooks/{id}/deliveries/{deliveryId}", Access.OrganizerOwner),
        new(ResourceNames.BookingsApi, "POST", "/api/webhooks/{id}/deliveries/{deliveryId}/replay", Access.OrganizerOwner),
        new(ResourceNames.BookingsApi, "POST", "/api/webhooks/{id}/replay-failed", Access.OrganizerOwner),
        new(ResourceNames.BookingsApi, "POST", "/api/webhooks/{id}/test", Access.OrganizerOwner),
        new(ResourceNames.BookingsApi, "GET", "/internal/events/{eventId}/attendees", Access.ServiceIdentity),
        new(ResourceNames.BookingsApi, "GET", "/api/admin/dead-letters", Access.AdminOrServiceIdentity),
        new(ResourceNames.BookingsApi, "POST", "/api/admin/dead-letters/{messageId}/replay", Access.AdminOrServiceIdentity),
        new(ResourceNames.BookingsApi, "POST", "/api/admin/dead-letters/replay", Access.AdminOrServiceIdentity, CallWhenAllowed: false),
        new(ResourceNames.BookingsApi, "GET", "/api/admin/messaging", Access.Admin),
        new(ResourceNames.BookingsApi, "GET", "/api/admin/reconciliation", Access.AdminOrServiceIdentity),

        // notifications-api
        new(ResourceNames.NotificationsApi, "GET", "/api/notifications", Access.User),
        new(ResourceNames.NotificationsApi, "GET", "/api/notifications/unread-count", Access.User),
        new(ResourceNames.NotificationsApi, "GET", "/api/notifications/preferences", Access.User),
        new(ResourceNames.NotificationsApi, "PUT", "/api/notifications/preferences", Access.User),
        new(ResourceNames.NotificationsApi, "POST", "/api/notifications/read-all", Access.User),
        new(ResourceNames.NotificationsApi, "GET", "/api/notifications/{id}", Access.Owner),
        new(ResourceNames.NotificationsApi, "POST", "/api/notifications/{id}/read", Access.Owner),
        new(ResourceNames.NotificationsApi, "POST", "/api/notifications", Access.AdminOrServiceIdentity),
        new(ResourceNames.NotificationsApi, "GET", "/api/admin/dead-letters", Access.AdminOrServiceIdentity),
        new(ResourceNames.NotificationsApi, "POST", "/api/admin/dead-letters/{messageId}/replay", Access.AdminOrServiceIdentity),
        new(ResourceNames.NotificationsApi, "POST", "/api/admin/dead-letters/replay", Access.AdminOrServiceIdentity, CallWhenAllowed: false),
        new(ResourceNames.NotificationsApi, "GET", "/api/admin/messaging", Access.Admin),
    ];

    public static readonly IReadOnlyList<string> Services =
        [ResourceNames.UsersApi, ResourceNames.EventsApi, ResourceNames.BookingsApi, ResourceNames.NotificationsApi];

    /// <summary>A path template as OpenAPI writes it, without a trailing slash: <c>/api/users/</c> → <c>/api/users</c>.</summary>
    public static string Normalize(string path) => path.Length > 1 ? path.TrimEnd('/') : path;
}
