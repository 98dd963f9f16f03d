using System.Text.Json;
using EventBooking.AppHost;
using EventBooking.Testing;

namespace EventBooking.Contract.Tests;

/// <summary>
/// What the valid calls act on: attendee A (with a paid booking, its payment, tickets and a notification) and attendee B (a
/// stranger to A's objects), a published event of the demo organizer, and makers of fresh objects for the calls that change or
/// consume one (a draft to delete, a booking to pay or cancel, a hold to confirm).
/// </summary>
public sealed class World
{
    private readonly ContractFixture _fixture;

    private World(ContractFixture fixture) => _fixture = fixture;

    public Account AttendeeA { get; private set; } = null!;
    public Account AttendeeB { get; private set; } = null!;
    public string Organizer { get; private set; } = null!;
    public string Admin { get; private set; } = null!;
    public string Service { get; private set; } = null!;
    public Guid EventId { get; private set; }
    public Guid BookingId { get; private set; }
    public Guid PaymentId { get; private set; }
    public Guid TicketId { get; private set; }
    public Guid NotificationId { get; private set; }

    public static async Task<World> CreateAsync(ContractFixture fixture)
    {
        var world = new World(fixture)
        {
            AttendeeA = await fixture.NewAccountAsync(),
            AttendeeB = await fixture.NewAccountAsync(),
            Organizer = await fixture.TokenOfAsync("organizer"),
            Admin = await fixture.TokenOfAsync("admin"),
            Service = await fixture.TokenOfAsync("service"),
        };
        world.EventId = await world.PublishedEventAsync();
        (world.BookingId, world.PaymentId) = await world.PaidBookingAsync(world.AttendeeA);
        var tickets = await fixture.ExpectAsync(200, ResourceNames.BookingsApi, world.AttendeeA.AccessToken, "GET", $"/api/bookings/{world.BookingId}/tickets");
        world.TicketId = tickets[0].GetProperty("id").GetGuid();
        world.NotificationId = Guid.Parse(await Poll.ForAsync(async () =>
        {
            var page = await fixture.ExpectAsync(200, ResourceNames.NotificationsApi, world.AttendeeA.AccessToken, "GET", "/api/notifications?pageSize=100");
            return page.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("id").GetString()).FirstOrDefault();
        }, TimeSpan.FromSeconds(90), "attendee A is told about the paid booking", ContractFixture.Ct));
        return world;
    }

    public static object EventBody(string title = "Contract night") => new
    {
        title,
        description = "An evening that checks every answer against its document.",
        venue = "Hall 1",
        city = "Lisbon",
        startsAt = DateTimeOffset.UtcNow.AddDays(30),
        endsAt = DateTimeOffset.UtcNow.AddDays(30).AddHours(3),
        timeZone = "UTC",
        category = "music",
        capacity = 500,
        price = 25m,
        currency = "EUR",
    };

    public async Task<Guid> DraftEventAsync()
    {
        var created = await _fixture.ExpectAsync(201, ResourceNames.EventsApi, Organizer, "POST", "/api/events", EventBody());
        return created.GetProperty("id").GetGuid();
    }

    public static object TicketTypeBody(string name = "VIP") => new { name, price = 80m, capacity = 50, maxPerOrder = 4 };

    /// <summary>A draft event of the organizer with a second ticket type: (event id, that type's id).</summary>
    public async Task<(Guid EventId, Guid TypeId)> TicketTypeAsync()
    {
        var id = await DraftEventAsync();
        var type = await _fixture.ExpectAsync(201, ResourceNames.EventsApi, Organizer, "POST", $"/api/events/{id}/ticket-types", TicketTypeBody());
        return (id, type.GetProperty("id").GetGuid());
    }

    public async Task<Guid> PublishedEventAsync()
    {
        var id = await DraftEventAsync();
        await _fixture.ExpectAsync(200, ResourceNames.EventsApi, Organizer, "POST", $"/api/events/{id}/publish");
        return id;
    }

    public async Task<Guid> PendingBookingAsync(Account attendee)
    {
        var booking = await _fixture.ExpectAsync(201, ResourceNames.BookingsApi, attendee.AccessToken, "POST", "/api/bookings",
            new { eventId = EventId, quantity = 1 }, IdempotencyKey());
        return booking.GetProperty("id").GetGuid();
    }

    public async Task<(Guid BookingId, Guid PaymentId)> PaidBookingAsync(Account attendee)
    {
        var bookingId = await PendingBookingAsync(attendee);
        var payment = await _fixture.ExpectAsync(201, ResourceNames.BookingsApi, attendee.AccessToken, "POST", $"/api/bookings/{bookingId}/payments",
            new { paymentMethod = ContractFixture.GoodCard }, IdempotencyKey());
        return (bookingId, payment.GetProperty("id").GetGuid());
    }

    /// <summary>The signed code of a fresh ticket of the world's event (attendee B's new paid booking), not yet let in.</summary>
    public async Task<string> FreshTicketCodeAsync()
    {
        var (bookingId, _) = await PaidBookingAsync(AttendeeB);
        var tickets = await _fixture.ExpectAsync(200, ResourceNames.BookingsApi, AttendeeB.AccessToken, "GET", $"/api/bookings/{bookingId}/tickets");
        return tickets[0].GetProperty("code").GetString()!;
    }

    /// <summary>A new promo code of the world's event.</summary>
    public async Task<Guid> PromoCodeAsync() => (await NewPromoCodeAsync()).GetProperty("id").GetGuid();

    /// <summary>What a buyer types for a new promo code of the world's event.</summary>
    public async Task<string> PromoCodeTextAsync() => (await NewPromoCodeAsync()).GetProperty("code").GetString()!;

    private Task<JsonElement> NewPromoCodeAsync() =>
        _fixture.ExpectAsync(201, ResourceNames.BookingsApi, Organizer, "POST", $"/api/events/{EventId}/promo-codes",
            new { code = $"W{Guid.NewGuid():N}"[..12], kind = "fixed", value = 1m });

    /// <summary>An API token of the demo organizer (for the revocation call), expiring tomorrow.</summary>
    public async Task<Guid> ApiTokenAsync()
    {
        var created = await _fixture.ExpectAsync(201, ResourceNames.UsersApi, Organizer, "POST", "/api/users/me/api-tokens",
            new { name = "contract revocation", scopes = new[] { "check-in" }, expiresAt = DateTimeOffset.UtcNow.AddDays(1) });
        return created.GetProperty("token").GetProperty("id").GetGuid();
    }

    /// <summary>
    /// A webhook endpoint of the demo organizer. Its address is a loopback port where nothing listens (a literal: no name is
    /// resolved): its deliveries fail, refused before connecting outside development, by the closed port in development.
    /// </summary>
    public async Task<Guid> WebhookAsync()
    {
        var created = await _fixture.ExpectAsync(201, ResourceNames.BookingsApi, Organizer, "POST", "/api/webhooks",
            new { url = "http://127.0.0.1:9/contract", eventTypes = new[] { "event.updated" } });
        return created.GetProperty("endpoint").GetProperty("id").GetGuid();
    }

    /// <summary>A webhook endpoint with one (test) delivery: its ids.</summary>
    public async Task<(Guid Endpoint, Guid Delivery)> WebhookDeliveryAsync()
    {
        var endpoint = await WebhookAsync();
        var delivery = await _fixture.ExpectAsync(202, ResourceNames.BookingsApi, Organizer, "POST", $"/api/webhooks/{endpoint}/test");
        return (endpoint, delivery.GetProperty("id").GetGuid());
    }

    /// <summary>A hold of one seat of the world's event, placed as bookings-api would.</summary>
    public async Task<Guid> HoldAsync()
    {
        var holdId = Guid.CreateVersion7();
        await _fixture.ExpectAsync(201, ResourceNames.EventsApi, Service, "PUT", $"/internal/events/{EventId}/holds/{holdId}",
            new { quantity = 1, expiresAt = DateTimeOffset.UtcNow.AddMinutes(5) });
        return holdId;
    }

    /// <summary>A venue plan's document: one category, stalls of 1 × 2 seats and a standing area of 10.</summary>
    public static object VenuePlanBody(string name = "Contract hall") => new
    {
        schemaVersion = 1,
        name,
        categories = new[] { new { key = "stalls", name = "Stalls" } },
        areas = new object[]
        {
            new
            {
                id = "stalls", name = "Stalls", kind = "Reserved",
                seats = new[]
                {
                    new { id = "stalls-A-1", row = "A", number = "1", x = 0, y = 0, category = "stalls", rank = 2 },
                    new { id = "stalls-A-2", row = "A", number = "2", x = 10, y = 0, category = "stalls", rank = 1 },
                },
            },
            new { id = "standing", name = "Standing", kind = "GeneralAdmission", capacity = 10 },
        },
    };

    /// <summary>A new venue plan of the demo organizer (<see cref="VenuePlanBody"/>).</summary>
    public async Task<Guid> VenuePlanAsync() =>
        (await _fixture.ExpectAsync(201, ResourceNames.EventsApi, Organizer, "POST", "/api/venue-plans", VenuePlanBody())).GetProperty("id").GetGuid();

    /// <summary>What puts an event on <see cref="VenuePlanBody"/>'s plan: a price for its category and its standing area.</summary>
    public static object SeatingBody(Guid planId) => new
    {
        planId,
        prices = new object[] { new { category = "stalls", price = 40m }, new { area = "standing", price = 20m } },
    };

    /// <summary>A booking of <paramref name="attendee"/>'s (pending payment) of seat stalls-A-1 on a new seated event; its id.</summary>
    public async Task<Guid> SeatedBookingAsync(Account attendee)
    {
        var eventId = await SeatedEventAsync();
        var map = await _fixture.ExpectAsync(200, ResourceNames.EventsApi, Organizer, "GET", $"/api/events/{eventId}/seating");
        var stalls = map.GetProperty("categories").EnumerateArray().Single(c => c.GetProperty("key").GetString() == "stalls").GetProperty("ticketTypeId").GetGuid();
        var booking = await _fixture.ExpectAsync(201, ResourceNames.BookingsApi, attendee.AccessToken, "POST", "/api/bookings",
            new { eventId, lines = new[] { new { ticketTypeId = stalls, seatIds = new[] { "stalls-A-1" } } } }, IdempotencyKey());
        return booking.GetProperty("id").GetGuid();
    }

    /// <summary>A new event of the demo organizer on a new plan, published or a draft.</summary>
    public async Task<Guid> SeatedEventAsync(bool publish = true)
    {
        var id = await DraftEventAsync();
        await _fixture.ExpectAsync(200, ResourceNames.EventsApi, Organizer, "PUT", $"/api/events/{id}/seating", SeatingBody(await VenuePlanAsync()));
        if (publish)
        {
            await _fixture.ExpectAsync(200, ResourceNames.EventsApi, Organizer, "POST", $"/api/events/{id}/publish");
        }

        return id;
    }

    /// <summary>Attendee A signed in once more: a fresh session (its refresh token may be spent or ended).</summary>
    public Task<Account> SignInAgainAsync() => _fixture.SignInAsync(AttendeeA.Email, AttendeeA.Password);

    /// <summary>A throwaway attendee, for calls that end sessions or change passwords and roles.</summary>
    public Task<Account> NewAccountAsync(bool verified = true) => _fixture.NewAccountAsync(verified: verified);

    public Task<string> ClientSecretAsync(string client) => _fixture.System.ClientSecretAsync(client, ContractFixture.Ct);

    public static Dictionary<string, string> IdempotencyKey() => new() { ["Idempotency-Key"] = Guid.NewGuid().ToString() };

    public static string Json(object body) => JsonSerializer.Serialize(body, JsonSerializerOptions.Web);
}
