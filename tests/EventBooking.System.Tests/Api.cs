using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventBooking.AppHost;
using Xunit;

namespace EventBooking.SystemTests;

/// <summary>The calls the scenarios make, over HTTP only.</summary>
public static class Api
{
    public static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public static async Task<Guid> CreatePublishedEventAsync(SystemTopology fixture, int capacity, decimal price = 20m, string? title = null)
    {
        using var organizer = fixture.Client(ResourceNames.EventsApi, await fixture.TokenAsync("organizer"));
        var startsAt = DateTimeOffset.UtcNow.AddDays(30);
        var body = new
        {
            title = title ?? $"System test {Guid.NewGuid():N}",
            description = "An event of the system suite.",
            venue = "System Hall",
            city = "Lisbon",
            startsAt,
            endsAt = startsAt.AddHours(3),
            timeZone = "Europe/Lisbon",
            category = "music",
            capacity,
            price,
            currency = "EUR",
        };
        using var created = await Http.RetryAsync(() => organizer.PostAsJsonAsync("/api/events", body));
        await Http.EnsureAsync(created, "create event", HttpStatusCode.Created);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("id").GetGuid();
        using var published = await Http.RetryAsync(() => organizer.PostAsync($"/api/events/{id}/publish", null));
        await Http.EnsureAsync(published, "publish event");
        return id;
    }

    public static async Task<Availability> AvailabilityAsync(HttpClient events, Guid eventId)
    {
        var a = await events.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/availability", Json);
        return new Availability(a.GetProperty("capacity").GetInt32(), a.GetProperty("available").GetInt32(), a.GetProperty("held").GetInt32(), a.GetProperty("sold").GetInt32());
    }

    public static HttpRequestMessage BookingRequest(Guid eventId, int quantity, string idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = JsonContent.Create(new { eventId, quantity }) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return request;
    }

    public static HttpRequestMessage PaymentRequest(Guid bookingId, string idempotencyKey, string card = "4242424242424242")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/bookings/{bookingId}/payments") { Content = JsonContent.Create(new { paymentMethod = card }) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return request;
    }

    /// <summary>Runs the admin reconciliation for every booked event (or one) and returns the report.</summary>
    public static async Task<JsonElement> ReconcileAsync(SystemTopology fixture, Guid? eventId = null, int graceSeconds = 30)
    {
        using var admin = fixture.Client(ResourceNames.BookingsApi, await fixture.TokenAsync("admin"));
        var query = eventId is { } id ? $"eventId={id}&graceSeconds={graceSeconds}" : $"graceSeconds={graceSeconds}";
        using var response = await Http.RetryAsync(() => admin.GetAsync($"/api/admin/reconciliation?{query}"));
        await Http.EnsureAsync(response, "reconciliation", HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Json);
    }
}

public sealed record Availability(int Capacity, int Available, int Held, int Sold);
