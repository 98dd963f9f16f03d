using System.Net;
using System.Text.Json;
using EventBooking.AppHost;
using EventBooking.Testing;

namespace EventBooking.Security.Tests;

/// <summary>What attendee A owns after buying tickets of organizer A's event: the objects the BOLA tests aim at.</summary>
public sealed record Purchase(Guid EventId, Guid DraftEventId, Guid BookingId, Guid PaymentId, IReadOnlyList<Guid> TicketIds, Guid NotificationId);

/// <summary>The suite's setup steps, through EventBooking.Testing's client library as each actor (from the actor's own address).</summary>
public static class Scenario
{
    public const string GoodCard = Shopping.GoodCard;

    public static NewEvent Event(string title = "Security test night", int capacity = 50, decimal price = 25m) => new()
    {
        Title = title,
        Description = "A night to test who may do what.",
        Venue = "Hall 1",
        TimeZone = "UTC",
        Capacity = capacity,
        Price = price,
    };

    /// <summary>A published event of <paramref name="organizer"/>.</summary>
    public static async Task<Guid> PublishedEventAsync(SecurityFixture fixture, Actor organizer, int capacity = 50)
    {
        using var events = fixture.As(organizer, ResourceNames.EventsApi);
        return await events.CreatePublishedEventAsync(Event(capacity: capacity), cancellationToken: Requests.Ct);
    }

    public static async Task<Guid> DraftEventAsync(SecurityFixture fixture, Actor organizer, int capacity = 50)
    {
        using var events = fixture.As(organizer, ResourceNames.EventsApi);
        return (await events.CreateEventAsync(Event(capacity: capacity), cancellationToken: Requests.Ct)).GetProperty("id").GetGuid();
    }

    /// <summary>A booking of <paramref name="attendee"/>, pending payment.</summary>
    public static async Task<JsonElement> BookAsync(SecurityFixture fixture, Actor attendee, Guid eventId, int quantity = 2)
    {
        using var bookings = fixture.As(attendee, ResourceNames.BookingsApi);
        return await bookings.BookAsync(eventId, quantity, cancellationToken: Requests.Ct);
    }

    /// <summary>Organizer A's published event, attendee A's paid booking with tickets and its notification; plus a draft.</summary>
    public static async Task<Purchase> PurchaseAsync(SecurityFixture fixture, Actor organizer, Actor attendee)
    {
        var eventId = await PublishedEventAsync(fixture, organizer);
        var draftId = await DraftEventAsync(fixture, organizer);

        using var bookings = fixture.As(attendee, ResourceNames.BookingsApi);
        var (bookingId, paymentId) = await bookings.BookAndPayAsync(eventId, quantity: 2, cancellationToken: Requests.Ct);
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
        }, TimeSpan.FromSeconds(90), "attendee A is told about the confirmed booking", Requests.Ct);
        return new Purchase(eventId, draftId, bookingId, paymentId, ticketIds, Guid.Parse(notificationId));
    }
}
