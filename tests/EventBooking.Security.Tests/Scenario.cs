using System.Net;
using System.Text.Json;
using EventBooking.AppHost;
using EventBooking.Testing;

namespace EventBooking.Security.Tests;

/// <summary>What attendee A owns after buying tickets of organizer A's event: the objects the BOLA tests aim at.</summary>
public sealed record Purchase(Guid EventId, Guid DraftEventId, Guid BookingId, Guid PaymentId, IReadOnlyList<Guid> TicketIds, Guid NotificationId);

public static class Scenario
{
    public const string GoodCard = "4242 4242 4242 4242";

    public static object EventBody(string title = "Security test night", int capacity = 50, decimal price = 25m) => new
    {
        title,
        description = "A night to test who may do what.",
        venue = "Hall 1",
        city = "Lisbon",
        startsAt = DateTimeOffset.UtcNow.AddDays(30),
        endsAt = DateTimeOffset.UtcNow.AddDays(30).AddHours(3),
        timeZone = "UTC",
        category = "music",
        capacity,
        price,
        currency = "EUR",
    };

    /// <summary>A published event of <paramref name="organizer"/>.</summary>
    public static async Task<Guid> PublishedEventAsync(SecurityFixture fixture, Actor organizer, int capacity = 50)
    {
        var id = await DraftEventAsync(fixture, organizer, capacity);
        using var events = fixture.As(organizer, ResourceNames.EventsApi);
        using var published = await events.SendAsync("POST", $"/api/events/{id}/publish");
        await published.JsonAsync(HttpStatusCode.OK);
        return id;
    }

    public static async Task<Guid> DraftEventAsync(SecurityFixture fixture, Actor organizer, int capacity = 50)
    {
        using var events = fixture.As(organizer, ResourceNames.EventsApi);
        using var created = await events.PostJsonAsync("/api/events", EventBody(capacity: capacity));
        return (await created.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
    }

    /// <summary>A booking of <paramref name="attendee"/>, pending payment.</summary>
    public static async Task<JsonElement> BookAsync(SecurityFixture fixture, Actor attendee, Guid eventId, int quantity = 2)
    {
        using var bookings = fixture.As(attendee, ResourceNames.BookingsApi);
        using var created = await bookings.PostJsonAsync("/api/bookings", new { eventId, quantity }, Guid.NewGuid().ToString());
        return await created.JsonAsync(HttpStatusCode.Created);
    }

    /// <summary>Organizer A's published event, attendee A's paid booking with tickets and its notification; plus a draft.</summary>
    public static async Task<Purchase> PurchaseAsync(SecurityFixture fixture, Actor organizer, Actor attendee)
    {
        var eventId = await PublishedEventAsync(fixture, organizer);
        var draftId = await DraftEventAsync(fixture, organizer);
        var bookingId = (await BookAsync(fixture, attendee, eventId)).GetProperty("id").GetGuid();

        using var bookings = fixture.As(attendee, ResourceNames.BookingsApi);
        using var paid = await bookings.PostJsonAsync($"/api/bookings/{bookingId}/payments", new { paymentMethod = GoodCard }, Guid.NewGuid().ToString());
        var paymentId = (await paid.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var tickets = await bookings.GetJsonAsync($"/api/bookings/{bookingId}/tickets");
        var ticketIds = tickets.EnumerateArray().Select(t => t.GetProperty("id").GetGuid()).ToList();
        Assert.NotEmpty(ticketIds);

        using var notifications = fixture.As(attendee, ResourceNames.NotificationsApi);
        var notificationId = await Poll.ForAsync<string>(async () =>
        {
            var list = await notifications.GetJsonAsync("/api/notifications?pageSize=100");
            return list.GetProperty("items").EnumerateArray()
                .Where(n => n.TryGetProperty("bookingId", out var b) && b.ValueKind == JsonValueKind.String && b.GetGuid() == bookingId)
                .Select(n => n.GetProperty("id").GetString())
                .FirstOrDefault();
        }, TimeSpan.FromSeconds(90), "attendee A is told about the confirmed booking", Http.Ct);
        return new Purchase(eventId, draftId, bookingId, paymentId, ticketIds, Guid.Parse(notificationId));
    }
}
