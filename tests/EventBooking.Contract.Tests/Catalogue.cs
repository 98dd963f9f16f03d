using EventBooking.AppHost;

namespace EventBooking.Contract.Tests;

/// <summary>Who makes an operation's valid call (and so who is the wrong role for it).</summary>
public enum Caller
{
    Anonymous,
    /// <summary>A signed-in person (policy User): attendee A; the wrong role is a service identity, the stranger attendee B.</summary>
    Attendee,
    /// <summary>The demo organizer (policy Organizer); the wrong role is an attendee.</summary>
    Organizer,
    /// <summary>The demo admin (policy Admin or AdminOrInternal); the wrong role is an attendee.</summary>
    Admin,
    /// <summary>bookings-api's service identity (policy Internal); the wrong role is an attendee.</summary>
    Service,
}

/// <summary>A valid request: its path values, query, body and headers; <paramref name="Expect"/> when its answer is not a 2xx.</summary>
public sealed record ValidCall(IReadOnlyDictionary<string, string> Path, string? Body = null, string? Query = null,
    IReadOnlyDictionary<string, string>? Headers = null, string ContentType = "application/json", string? Token = null, int? Expect = null);

/// <param name="Valid">How to build a valid request; null where a valid call would disturb the rest (signing-key rotation).</param>
public sealed record CatalogueEntry(string Key, Caller Caller, Func<World, Task<ValidCall>>? Valid);

/// <summary>
/// How to call every documented operation validly, and as whom. An operation in a document but not here is a finding: a new
/// endpoint gets its line here and is checked like the others from then on.
/// </summary>
public static class Catalogue
{
    private const string Users = ResourceNames.UsersApi;
    private const string Events = ResourceNames.EventsApi;
    private const string Bookings = ResourceNames.BookingsApi;
    private const string Notifications = ResourceNames.NotificationsApi;

    public static readonly IReadOnlyDictionary<string, CatalogueEntry> Entries = Build(
    [
        // users-api
        E(Users, "GET", "/.well-known/openid-configuration", Caller.Anonymous, _ => Call()),
        E(Users, "GET", "/.well-known/jwks.json", Caller.Anonymous, _ => Call()),
        E(Users, "POST", "/connect/token", Caller.Anonymous, async w => Call() with
        {
            Body = $"grant_type=client_credentials&client_id=bookings-api&client_secret={Uri.EscapeDataString(await w.ClientSecretAsync("bookings-api"))}&scope=eventbooking.internal",
            ContentType = "application/x-www-form-urlencoded",
        }),
        E(Users, "GET", "/api/signing-keys", Caller.Admin, _ => Call()),
        new($"{Users} POST /api/signing-keys/rotate", Caller.Admin, null),
        E(Users, "POST", "/api/users/register", Caller.Anonymous, _ => Call() with
        {
            Body = World.Json(new { email = $"contract-{Guid.NewGuid():N}@contract.test", password = ContractFixture.Password, displayName = "New person" }),
        }),
        E(Users, "POST", "/api/users/login", Caller.Anonymous, w => Call() with { Body = World.Json(new { email = w.AttendeeA.Email, password = w.AttendeeA.Password }) }),
        E(Users, "POST", "/api/users/refresh", Caller.Anonymous, async w => Call() with { Body = World.Json(new { refreshToken = (await w.SignInAgainAsync()).RefreshToken }) }),
        E(Users, "POST", "/api/users/logout", Caller.Anonymous, async w => Call() with { Body = World.Json(new { refreshToken = (await w.SignInAgainAsync()).RefreshToken }) }),
        E(Users, "POST", "/api/users/logout-all", Caller.Attendee, async w => Call() with { Token = (await w.NewAccountAsync()).AccessToken }),
        E(Users, "GET", "/api/users/me", Caller.Attendee, _ => Call()),
        E(Users, "PUT", "/api/users/me", Caller.Attendee, _ => Call() with
        {
            Body = World.Json(new { displayName = "Attendee A", phone = (string?)null, preferredLanguage = "en", emailNotifications = true }),
        }),
        E(Users, "POST", "/api/users/me/password", Caller.Attendee, async w => Call() with
        {
            Token = (await w.NewAccountAsync()).AccessToken,
            Body = World.Json(new { currentPassword = ContractFixture.Password, newPassword = "Another-Horse-43!" }),
        }),
        E(Users, "GET", "/api/users", Caller.Admin, _ => Call() with { Query = "page=1&pageSize=5" }),
        E(Users, "GET", "/api/users/{id}", Caller.Attendee, w => Call(("id", w.AttendeeA.Id))),
        E(Users, "PUT", "/api/users/{id}/roles", Caller.Admin, async w => Call(("id", (await w.NewAccountAsync()).Id)) with
        {
            Body = World.Json(new { roles = new[] { "attendee", "organizer" } }),
        }),
        E(Users, "PUT", "/api/users/{id}/disabled", Caller.Admin, async w => Call(("id", (await w.NewAccountAsync()).Id)) with
        {
            Body = World.Json(new { disabled = true }),
        }),
        // A link's token exists only in the email: a well-formed token that was never sent gets the documented 400.
        E(Users, "POST", "/api/users/verify-email", Caller.Anonymous, _ => Call() with { Body = World.Json(new { token = "never-sent-token" }), Expect = 400 }),
        E(Users, "POST", "/api/users/me/verification-email", Caller.Attendee, async w => Call() with { Token = (await w.NewAccountAsync(verified: false)).AccessToken }),
        E(Users, "POST", "/api/users/forgot-password", Caller.Anonymous, w => Call() with { Body = World.Json(new { email = w.AttendeeB.Email }) }),
        E(Users, "POST", "/api/users/reset-password", Caller.Anonymous, _ => Call() with
        {
            Body = World.Json(new { token = "never-sent-token", newPassword = "Another-Horse-43!" }),
            Expect = 400,
        }),
        E(Users, "POST", "/api/users/{id}/verify-email", Caller.Admin, async w => Call(("id", (await w.NewAccountAsync(verified: false)).Id))),
        E(Users, "POST", "/api/users/me/api-tokens", Caller.Organizer, _ => Call() with
        {
            Body = World.Json(new { name = "contract check", scopes = new[] { "events:read" }, expiresAt = DateTimeOffset.UtcNow.AddDays(1) }),
        }),
        E(Users, "GET", "/api/users/me/api-tokens", Caller.Organizer, _ => Call()),
        E(Users, "DELETE", "/api/users/me/api-tokens/{id}", Caller.Organizer, async w => Call(("id", await w.ApiTokenAsync()))),
        E(Users, "POST", "/internal/api-tokens/introspect", Caller.Service, _ => Call() with { Body = World.Json(new { token = "ebk_not-a-token" }) }),
        E(Users, "GET", "/internal/users/{id}", Caller.Service, w => Call(("id", w.AttendeeA.Id))),
        E(Users, "POST", "/internal/users/contacts", Caller.Service, w => Call() with { Body = World.Json(new { ids = new[] { w.AttendeeA.Id } }) }),

        // events-api
        E(Events, "GET", "/api/events", Caller.Anonymous, _ => Call() with { Query = "q=contract&sort=date&pageSize=5" }),
        E(Events, "GET", "/api/events/{id}", Caller.Anonymous, w => Call(("id", w.EventId))),
        E(Events, "GET", "/api/events/{id}/availability", Caller.Anonymous, w => Call(("id", w.EventId))),
        E(Events, "GET", "/api/events/{id}/calendar.ics", Caller.Anonymous, w => Call(("id", w.EventId))),
        E(Events, "POST", "/api/events", Caller.Organizer, _ => Call() with { Body = World.Json(World.EventBody()) }),
        E(Events, "PUT", "/api/events/{id}", Caller.Organizer, async w => Call(("id", await w.DraftEventAsync())) with { Body = World.Json(World.EventBody("Renamed")) }),
        E(Events, "DELETE", "/api/events/{id}", Caller.Organizer, async w => Call(("id", await w.DraftEventAsync()))),
        E(Events, "POST", "/api/events/{id}/publish", Caller.Organizer, async w => Call(("id", await w.DraftEventAsync()))),
        E(Events, "POST", "/api/events/{id}/cancel", Caller.Organizer, async w => Call(("id", await w.PublishedEventAsync())) with
        {
            Body = World.Json(new { reason = "The venue is closed." }),
        }),
        E(Events, "GET", "/api/organizers/me/events", Caller.Organizer, _ => Call()),
        E(Events, "GET", "/api/events/{id}/ticket-types", Caller.Anonymous, w => Call(("id", w.EventId))),
        E(Events, "POST", "/api/events/{id}/ticket-types", Caller.Organizer, async w => Call(("id", await w.DraftEventAsync())) with
        {
            Body = World.Json(World.TicketTypeBody()),
        }),
        E(Events, "PUT", "/api/events/{id}/ticket-types/{typeId}", Caller.Organizer, async w =>
        {
            var (eventId, typeId) = await w.TicketTypeAsync();
            return Call(("id", eventId), ("typeId", typeId)) with { Body = World.Json(World.TicketTypeBody("VIP lounge")) };
        }),
        E(Events, "DELETE", "/api/events/{id}/ticket-types/{typeId}", Caller.Organizer, async w =>
        {
            var (eventId, typeId) = await w.TicketTypeAsync();
            return Call(("id", eventId), ("typeId", typeId));
        }),
        E(Events, "GET", "/api/events/{id}/queue", Caller.Anonymous, w => Call(("id", w.EventId))),
        // A draft of its own: switching a room on changes only that event (the world's event stays bookable without a pass).
        E(Events, "PUT", "/api/events/{id}/queue", Caller.Organizer, async w => Call(("id", await w.DraftEventAsync())) with
        {
            Body = World.Json(new { enabled = false, admissionsPerMinute = 600 }),
        }),
        // The world's event has no room: joining is 409 waiting-room-off, and there is no place to show or leave.
        E(Events, "POST", "/api/events/{id}/queue", Caller.Attendee, w => Call(("id", w.EventId)) with { Expect = 409 }),
        E(Events, "GET", "/api/events/{id}/queue/me", Caller.Attendee, w => Call(("id", w.EventId)) with { Expect = 404 }),
        E(Events, "DELETE", "/api/events/{id}/queue/me", Caller.Attendee, w => Call(("id", w.EventId)) with { Expect = 404 }),
        // The world's event has seats: joining its waiting list is 409 not-sold-out, and there is no entry to show or leave.
        E(Events, "POST", "/api/events/{id}/waiting-list", Caller.Attendee, w => Call(("id", w.EventId)) with { Body = World.Json(new { quantity = 1 }), Expect = 409 }),
        E(Events, "GET", "/api/events/{id}/waiting-list/me", Caller.Attendee, w => Call(("id", w.EventId)) with { Expect = 404 }),
        E(Events, "DELETE", "/api/events/{id}/waiting-list/me", Caller.Attendee, w => Call(("id", w.EventId)) with { Expect = 404 }),
        E(Events, "GET", "/api/events/{id}/waiting-list", Caller.Organizer, w => Call(("id", w.EventId))),
        E(Events, "GET", "/api/events/{id}/waiting-list/export", Caller.Organizer, w => Call(("id", w.EventId))),
        // Reserved seating: plans of the demo organizer, events on them.
        E(Events, "POST", "/api/venue-plans", Caller.Organizer, _ => Call() with { Body = World.Json(World.VenuePlanBody()) }),
        E(Events, "GET", "/api/venue-plans", Caller.Organizer, _ => Call()),
        E(Events, "GET", "/api/venue-plans/{planId}", Caller.Organizer, async w => Call(("planId", await w.VenuePlanAsync()))),
        E(Events, "PUT", "/api/venue-plans/{planId}", Caller.Organizer, async w => Call(("planId", await w.VenuePlanAsync())) with
        {
            Body = World.Json(World.VenuePlanBody("Renamed hall")),
        }),
        E(Events, "DELETE", "/api/venue-plans/{planId}", Caller.Organizer, async w => Call(("planId", await w.VenuePlanAsync()))),
        E(Events, "GET", "/api/venue-plans/{planId}/export", Caller.Organizer, async w => Call(("planId", await w.VenuePlanAsync()))),
        E(Events, "POST", "/api/venue-plans/{planId}/areas", Caller.Organizer, async w => Call(("planId", await w.VenuePlanAsync())) with
        {
            Body = World.Json(new { id = "balcony", name = "Balcony", rows = 2, seatsPerRow = 3, layout = "Curved", category = "stalls", originY = 50 }),
        }),
        E(Events, "PATCH", "/api/venue-plans/{planId}/seats", Caller.Organizer, async w => Call(("planId", await w.VenuePlanAsync())) with
        {
            Body = World.Json(new { edits = new object[] { new { seatId = "stalls-A-1", wheelchair = true } } }),
        }),
        E(Events, "PUT", "/api/events/{id}/seating", Caller.Organizer, async w => Call(("id", await w.DraftEventAsync())) with
        {
            Body = World.Json(World.SeatingBody(await w.VenuePlanAsync())),
        }),
        E(Events, "GET", "/api/events/{id}/seating", Caller.Anonymous, async w => Call(("id", await w.SeatedEventAsync()))),
        E(Events, "GET", "/api/events/{id}/seating/availability", Caller.Anonymous, async w => Call(("id", await w.SeatedEventAsync()))),
        E(Events, "GET", "/api/events/{id}/seating/blocked", Caller.Organizer, async w => Call(("id", await w.SeatedEventAsync(publish: false)))),
        E(Events, "POST", "/api/events/{id}/seating/block", Caller.Organizer, async w => Call(("id", await w.SeatedEventAsync(publish: false))) with
        {
            Body = World.Json(new { seatIds = new[] { "stalls-A-1" }, reason = "Press" }),
        }),
        E(Events, "POST", "/api/events/{id}/seating/release", Caller.Organizer, async w => Call(("id", await w.SeatedEventAsync(publish: false))) with
        {
            Body = World.Json(new { seatIds = new[] { "stalls-A-1" } }),
        }),
        E(Events, "GET", "/api/categories", Caller.Anonymous, _ => Call()),
        // The world's event starts in a month: a valid review is refused as not-eligible (403) until then.
        E(Events, "POST", "/api/events/{id}/reviews", Caller.Attendee, w => Call(("id", w.EventId)) with { Body = World.Json(new { rating = 5, text = "Lovely." }), Expect = 403 }),
        E(Events, "GET", "/api/events/{id}/reviews", Caller.Anonymous, w => Call(("id", w.EventId))),
        E(Events, "GET", "/api/events/{id}/reviews/summary", Caller.Anonymous, w => Call(("id", w.EventId))),
        E(Events, "GET", "/api/users/{userId}/reviews", Caller.Anonymous, w => Call(("userId", w.AttendeeA.Id))),
        E(Events, "GET", "/api/events/{id}/analytics", Caller.Organizer, w => Call(("id", w.EventId))),
        E(Events, "GET", "/api/me/activity", Caller.Attendee, _ => Call()),
        E(Events, "GET", "/api/users/{userId}/activity", Caller.Admin, w => Call(("userId", w.AttendeeA.Id))),
        E(Events, "GET", "/internal/events/{eventId}", Caller.Service, w => Call(("eventId", w.EventId))),
        E(Events, "GET", "/internal/events/{eventId}/inventory", Caller.Service, w => Call(("eventId", w.EventId))),
        E(Events, "PUT", "/internal/events/{eventId}/holds/{holdId}", Caller.Service, w => Call(("eventId", w.EventId), ("holdId", Guid.CreateVersion7())) with
        {
            Body = World.Json(new { quantity = 1, expiresAt = DateTimeOffset.UtcNow.AddMinutes(5) }),
        }),
        E(Events, "POST", "/internal/events/{eventId}/holds/{holdId}/confirm", Caller.Service, async w => Call(("eventId", w.EventId), ("holdId", await w.HoldAsync()))),
        E(Events, "DELETE", "/internal/events/{eventId}/holds/{holdId}", Caller.Service, async w => Call(("eventId", w.EventId), ("holdId", await w.HoldAsync()))),
        // An unknown hold of a seated event: the refusal's shape (the move itself is covered by events-api's SeatHoldTests).
        E(Events, "POST", "/internal/events/{eventId}/holds/{holdId}/seats/move", Caller.Service, async w => Call(("eventId", await w.SeatedEventAsync()), ("holdId", Guid.CreateVersion7())) with
        {
            Body = World.Json(new { moves = new[] { new { from = "stalls-A-1", to = "stalls-A-2" } } }),
            Expect = 404,
        }),
        .. DeadLetters(Events),

        // bookings-api
        E(Bookings, "POST", "/api/bookings", Caller.Attendee, w => Call() with
        {
            Body = World.Json(new { eventId = w.EventId, quantity = 1 }),
            Headers = World.IdempotencyKey(),
        }),
        E(Bookings, "GET", "/api/bookings", Caller.Attendee, _ => Call() with { Query = "status=confirmed" }),
        E(Bookings, "GET", "/api/bookings/{id}", Caller.Attendee, w => Call(("id", w.BookingId))),
        E(Bookings, "POST", "/api/bookings/{id}/payments", Caller.Attendee, async w => Call(("id", await w.PendingBookingAsync(w.AttendeeA))) with
        {
            Body = World.Json(new { paymentMethod = ContractFixture.GoodCard }),
            Headers = World.IdempotencyKey(),
        }),
        E(Bookings, "GET", "/api/bookings/{id}/payments", Caller.Attendee, w => Call(("id", w.BookingId))),
        E(Bookings, "GET", "/api/bookings/{id}/tickets", Caller.Attendee, w => Call(("id", w.BookingId))),
        E(Bookings, "POST", "/api/bookings/{id}/seats/move", Caller.Organizer, async w => Call(("id", await w.SeatedBookingAsync(w.AttendeeA))) with
        {
            Body = World.Json(new { moves = new[] { new { from = "stalls-A-1", to = "stalls-A-2" } }, reason = "A better view." }),
        }),
        E(Bookings, "POST", "/api/bookings/{id}/cancel", Caller.Attendee, async w => Call(("id", await w.PendingBookingAsync(w.AttendeeA))) with
        {
            Body = World.Json(new { reason = "Plans changed." }),
        }),
        E(Bookings, "GET", "/api/payments", Caller.Attendee, _ => Call()),
        E(Bookings, "GET", "/api/payments/{id}", Caller.Attendee, w => Call(("id", w.PaymentId))),
        E(Bookings, "POST", "/api/refunds", Caller.Admin, async w => Call() with
        {
            Body = World.Json(new { bookingId = (await w.PaidBookingAsync(w.AttendeeB)).BookingId, reason = "Goodwill." }),
        }),
        E(Bookings, "GET", "/api/tickets", Caller.Attendee, _ => Call()),
        E(Bookings, "GET", "/api/tickets/{id}", Caller.Attendee, w => Call(("id", w.TicketId))),
        E(Bookings, "GET", "/api/tickets/{id}/qr", Caller.Attendee, w => Call(("id", w.TicketId))),
        E(Bookings, "GET", "/api/events/{id}/bookings", Caller.Organizer, w => Call(("id", w.EventId))),
        E(Bookings, "GET", "/api/events/{id}/sales", Caller.Organizer, w => Call(("id", w.EventId)) with { Query = "interval=hour" }),
        E(Bookings, "GET", "/api/organizers/me/sales", Caller.Organizer, _ => Call()),
        E(Bookings, "POST", "/api/events/{id}/check-ins", Caller.Organizer, async w => Call(("id", w.EventId)) with
        {
            Body = World.Json(new { code = await w.FreshTicketCodeAsync(), door = "North gate" }),
        }),
        E(Bookings, "GET", "/api/events/{id}/check-ins", Caller.Organizer, w => Call(("id", w.EventId))),
        E(Bookings, "GET", "/api/events/{id}/check-ins/summary", Caller.Organizer, w => Call(("id", w.EventId))),
        E(Bookings, "POST", "/api/events/{id}/promo-codes", Caller.Organizer, w => Call(("id", w.EventId)) with
        {
            Body = World.Json(new { code = $"C{Guid.NewGuid():N}"[..12], kind = "percent", value = 10m, maxUses = 5 }),
        }),
        E(Bookings, "GET", "/api/events/{id}/promo-codes", Caller.Organizer, w => Call(("id", w.EventId))),
        E(Bookings, "DELETE", "/api/events/{id}/promo-codes/{codeId}", Caller.Organizer, async w => Call(("id", w.EventId), ("codeId", await w.PromoCodeAsync()))),
        E(Bookings, "POST", "/api/events/{id}/promo-codes/check", Caller.Attendee, async w => Call(("id", w.EventId)) with
        {
            Body = World.Json(new { code = await w.PromoCodeTextAsync() }),
        }),
        E(Bookings, "POST", "/api/webhooks", Caller.Organizer, _ => Call() with
        {
            Body = World.Json(new { url = "http://127.0.0.1:9/contract", description = "contract", eventTypes = new[] { "booking.confirmed" } }),
        }),
        E(Bookings, "GET", "/api/webhooks", Caller.Organizer, _ => Call()),
        E(Bookings, "GET", "/api/webhooks/{id}", Caller.Organizer, async w => Call(("id", await w.WebhookAsync()))),
        E(Bookings, "PUT", "/api/webhooks/{id}", Caller.Organizer, async w => Call(("id", await w.WebhookAsync())) with
        {
            Body = World.Json(new { url = "http://127.0.0.1:9/contract", eventTypes = new[] { "event.cancelled" }, enabled = false }),
        }),
        E(Bookings, "DELETE", "/api/webhooks/{id}", Caller.Organizer, async w => Call(("id", await w.WebhookAsync()))),
        E(Bookings, "POST", "/api/webhooks/{id}/rotate-secret", Caller.Organizer, async w => Call(("id", await w.WebhookAsync()))),
        E(Bookings, "GET", "/api/webhooks/{id}/deliveries", Caller.Organizer, async w => Call(("id", await w.WebhookAsync())) with { Query = "status=Failed" }),
        E(Bookings, "GET", "/api/webhooks/{id}/deliveries/{deliveryId}", Caller.Organizer, async w =>
        {
            var (endpoint, delivery) = await w.WebhookDeliveryAsync();
            return Call(("id", endpoint), ("deliveryId", delivery));
        }),
        E(Bookings, "POST", "/api/webhooks/{id}/deliveries/{deliveryId}/replay", Caller.Organizer, async w =>
        {
            var (endpoint, delivery) = await w.WebhookDeliveryAsync();
            // Not failed yet (it is being retried): the documented refusal.
            return Call(("id", endpoint), ("deliveryId", delivery)) with { Expect = 409 };
        }),
        E(Bookings, "POST", "/api/webhooks/{id}/replay-failed", Caller.Organizer, async w => Call(("id", await w.WebhookAsync()))),
        E(Bookings, "POST", "/api/webhooks/{id}/test", Caller.Organizer, async w => Call(("id", await w.WebhookAsync()))),
        E(Bookings, "GET", "/internal/events/{eventId}/attendees", Caller.Service, w => Call(("eventId", w.EventId))),
        E(Bookings, "GET", "/api/admin/reconciliation", Caller.Admin, w => Call() with { Query = $"eventId={w.EventId}" }),
        .. DeadLetters(Bookings),

        // notifications-api
        E(Notifications, "GET", "/api/notifications", Caller.Attendee, _ => Call() with { Query = "unread=true" }),
        E(Notifications, "GET", "/api/notifications/unread-count", Caller.Attendee, _ => Call()),
        E(Notifications, "GET", "/api/notifications/preferences", Caller.Attendee, _ => Call()),
        E(Notifications, "PUT", "/api/notifications/preferences", Caller.Attendee, _ => Call() with
        {
            Body = World.Json(new { email = new Dictionary<string, bool> { ["event-reminder"] = false } }),
        }),
        E(Notifications, "POST", "/api/notifications/read-all", Caller.Attendee, _ => Call()),
        E(Notifications, "GET", "/api/notifications/{id}", Caller.Attendee, w => Call(("id", w.NotificationId))),
        E(Notifications, "POST", "/api/notifications/{id}/read", Caller.Attendee, w => Call(("id", w.NotificationId))),
        E(Notifications, "POST", "/api/notifications", Caller.Admin, w => Call() with
        {
            Body = World.Json(new { userId = w.AttendeeA.Id, title = "Doors open at seven", body = "See you there." }),
            Headers = World.IdempotencyKey(),
        }),
        .. DeadLetters(Notifications),
    ]);

    /// <summary>"/api/users/" and "/api/users" are one route.</summary>
    public static string Normalize(string path) => path.Length > 1 ? path.TrimEnd('/') : path;

    private static CatalogueEntry[] DeadLetters(string service) =>
    [
        E(service, "GET", "/api/admin/dead-letters", Caller.Admin, _ => Call() with { Query = "limit=10" }),
        // Nothing is dead-lettered in a healthy run: replaying a message id is a 404 (dead-letter-not-found).
        E(service, "POST", "/api/admin/dead-letters/{messageId}/replay", Caller.Admin, _ => Call(("messageId", Guid.NewGuid())) with { Expect = 404 }),
        E(service, "POST", "/api/admin/dead-letters/replay", Caller.Admin, _ => Call()),
        E(service, "GET", "/api/admin/messaging", Caller.Admin, _ => Call()),
    ];

    private static CatalogueEntry E(string service, string method, string path, Caller caller, Func<World, ValidCall> valid) =>
        new($"{service} {method} {Normalize(path)}", caller, w => Task.FromResult(valid(w)));

    private static CatalogueEntry E(string service, string method, string path, Caller caller, Func<World, Task<ValidCall>> valid) =>
        new($"{service} {method} {Normalize(path)}", caller, valid);

    private static ValidCall Call(params (string Name, object Value)[] path) =>
        new(path.ToDictionary(p => p.Name, p => p.Value.ToString()!, StringComparer.Ordinal));

    private static Dictionary<string, CatalogueEntry> Build(IEnumerable<CatalogueEntry> entries) => entries.ToDictionary(e => e.Key, StringComparer.Ordinal);
}
