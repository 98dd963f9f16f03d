using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace EventBooking.Testing;

/// <summary>
/// An event as an organizer describes it (<c>POST /api/events</c>); the defaults make a valid one, on sale, 30 days ahead.
/// Serialized with <see cref="JsonSerializerOptions.Web"/> it is the request body.
/// </summary>
public sealed record NewEvent
{
    public string Title { get; init; } = $"Test event {Guid.NewGuid():N}";
    public string Description { get; init; } = "An event of the test suites.";
    public string Venue { get; init; } = "Test Hall";
    public string City { get; init; } = "Lisbon";
    public DateTimeOffset StartsAt { get; init; } = DateTimeOffset.UtcNow.AddDays(30);

    [JsonIgnore]
    public TimeSpan Duration { get; init; } = TimeSpan.FromHours(3);

    public DateTimeOffset EndsAt => StartsAt + Duration;
    public string TimeZone { get; init; } = "Europe/Lisbon";
    public string Category { get; init; } = "music";
    public int Capacity { get; init; } = 50;
    public decimal Price { get; init; } = 25m;
    public string Currency { get; init; } = "EUR";

    /// <summary>The body as a JSON object, for a test that changes or adds members.</summary>
    public JsonObject ToJsonObject() => JsonSerializer.SerializeToNode(this, JsonSerializerOptions.Web)!.AsObject();
}

/// <summary>An event's seats as events-api reports them (<c>GET /api/events/{id}/availability</c>).</summary>
public sealed record Availability(int Capacity, int Available, int Held, int Sold);

/// <summary>A paid booking: its id and its payment's.</summary>
public sealed record PaidBooking(Guid BookingId, Guid PaymentId);

/// <summary>
/// The calls of a sale as tests and benchmarks make them: an organizer creates and publishes an event (events-api), anyone
/// reads its seats, an attendee books and pays (bookings-api, every write with an Idempotency-Key). Each is sent with the
/// signed-in client the caller passes (see <see cref="Accounts"/>), retried as <see cref="RetryPolicy"/> says
/// (<see cref="RetryPolicy.Unavailable"/> by default), and throws <see cref="UnexpectedAnswerException"/> on any other answer
/// than the one the step needs.
/// </summary>
public static class Shopping
{
    /// <summary>A card the simulated gateway accepts.</summary>
    public const string GoodCard = "4242 4242 4242 4242";

    /// <summary>Creates an event (a draft) as the organizer <paramref name="events"/> is signed in as; the created event.</summary>
    /// <param name="body">A <see cref="NewEvent"/> (the default), or any body (e.g. a <see cref="JsonObject"/>) to send as it is.</param>
    public static async Task<JsonElement> CreateEventAsync(this HttpClient events, object? body = null, RetryPolicy? retry = null, CancellationToken cancellationToken = default)
    {
        var content = body ?? new NewEvent();
        using var created = await (retry ?? RetryPolicy.Unavailable).SendAsync(
            ct => events.PostAsJsonAsync("/api/events", content, JsonSerializerOptions.Web, ct), cancellationToken);
        return await created.ReadJsonAsync(HttpStatusCode.Created, cancellationToken);
    }

    /// <summary>Puts a draft on sale; the published event.</summary>
    public static async Task<JsonElement> PublishAsync(this HttpClient events, Guid eventId, RetryPolicy? retry = null, CancellationToken cancellationToken = default)
    {
        using var published = await (retry ?? RetryPolicy.Unavailable).SendAsync(ct => events.PostAsync($"/api/events/{eventId}/publish", null, ct), cancellationToken);
        return await published.ReadJsonAsync(HttpStatusCode.OK, cancellationToken);
    }

    /// <summary>Creates an event and puts it on sale; its id.</summary>
    public static async Task<Guid> CreatePublishedEventAsync(this HttpClient events, object? body = null, RetryPolicy? retry = null,
        CancellationToken cancellationToken = default)
    {
        var id = (await events.CreateEventAsync(body, retry, cancellationToken)).GetProperty("id").GetGuid();
        await events.PublishAsync(id, retry, cancellationToken);
        return id;
    }

    public static async Task<Availability> AvailabilityAsync(this HttpClient events, Guid eventId, RetryPolicy? retry = null, CancellationToken cancellationToken = default)
    {
        using var response = await (retry ?? RetryPolicy.Unavailable).SendAsync(ct => events.GetAsync($"/api/events/{eventId}/availability", ct), cancellationToken);
        var a = await response.ReadJsonAsync(HttpStatusCode.OK, cancellationToken);
        return new Availability(a.GetProperty("capacity").GetInt32(), a.GetProperty("available").GetInt32(), a.GetProperty("held").GetInt32(), a.GetProperty("sold").GetInt32());
    }

    /// <summary><c>POST /api/bookings</c> (without an Idempotency-Key when <paramref name="idempotencyKey"/> is null).</summary>
    public static HttpRequestMessage BookingRequest(Guid eventId, int quantity, string? idempotencyKey) =>
        WithKey(new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = JsonContent.Create(new { eventId, quantity }) }, idempotencyKey);

    /// <summary><c>POST /api/bookings</c> with any body (e.g. <c>{ eventId, lines: [{ ticketTypeId, quantity }], promoCode }</c>).</summary>
    public static HttpRequestMessage BookingRequest(object body, string? idempotencyKey) =>
        WithKey(new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = JsonContent.Create(body) }, idempotencyKey);

    /// <summary><c>POST /api/bookings/{id}/payments</c> (without an Idempotency-Key when <paramref name="idempotencyKey"/> is null).</summary>
    public static HttpRequestMessage PaymentRequest(Guid bookingId, string? idempotencyKey, string card = GoodCard) =>
        WithKey(new HttpRequestMessage(HttpMethod.Post, $"/api/bookings/{bookingId}/payments") { Content = JsonContent.Create(new { paymentMethod = card }) }, idempotencyKey);

    /// <summary>Books seats (pending payment) as the person <paramref name="bookings"/> is signed in as; the booking.</summary>
    public static async Task<JsonElement> BookAsync(this HttpClient bookings, Guid eventId, int quantity = 1, string? idempotencyKey = null,
        RetryPolicy? retry = null, CancellationToken cancellationToken = default)
    {
        var key = idempotencyKey ?? Guid.NewGuid().ToString();
        using var response = await (retry ?? RetryPolicy.Unavailable).SendAsync(bookings, () => BookingRequest(eventId, quantity, key), cancellationToken);
        return await response.ReadJsonAsync(HttpStatusCode.Created, cancellationToken);
    }

    /// <summary>Pays a booking; the payment.</summary>
    public static async Task<JsonElement> PayAsync(this HttpClient bookings, Guid bookingId, string card = GoodCard, string? idempotencyKey = null,
        RetryPolicy? retry = null, CancellationToken cancellationToken = default)
    {
        var key = idempotencyKey ?? Guid.NewGuid().ToString();
        using var response = await (retry ?? RetryPolicy.Unavailable).SendAsync(bookings, () => PaymentRequest(bookingId, key, card), cancellationToken);
        return await response.ReadJsonAsync(HttpStatusCode.Created, cancellationToken);
    }

    /// <summary>Books and pays: a confirmed booking with its tickets.</summary>
    public static async Task<PaidBooking> BookAndPayAsync(this HttpClient bookings, Guid eventId, int quantity = 1, RetryPolicy? retry = null,
        CancellationToken cancellationToken = default)
    {
        var bookingId = (await bookings.BookAsync(eventId, quantity, retry: retry, cancellationToken: cancellationToken)).GetProperty("id").GetGuid();
        var payment = await bookings.PayAsync(bookingId, retry: retry, cancellationToken: cancellationToken);
        return new PaidBooking(bookingId, payment.GetProperty("id").GetGuid());
    }

    private static HttpRequestMessage WithKey(HttpRequestMessage request, string? idempotencyKey)
    {
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return request;
    }
}
