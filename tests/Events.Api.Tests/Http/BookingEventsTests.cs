using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventBooking.AppHost;
using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using EventBooking.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit;

namespace Events.Api.Tests.Http;

/// <summary>
/// Booking events reach events-api over RabbitMQ: booking.confirmed makes the user an attendee who may review the
/// started event (once, editable); a redelivered message takes effect once (inbox); booking.cancelled returns the seats
/// (inventory safety net) and ends the eligibility.
/// </summary>
public sealed class BookingEventsTests(EventsTopologyFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Title = "Starts in a moment";

    [Fact]
    public async Task Booking_events_drive_review_eligibility_and_inventory()
    {
        var startsAt = DateTimeOffset.UtcNow.AddSeconds(10);
        var (eventId, holdId) = await EventStartingSoonWithTwoSeatsSoldAsync(startsAt);
        using var attendee = await fixture.AsAsync("attendee");
        var notYet = await attendee.PostAsJsonAsync($"/api/events/{eventId}/reviews", new { rating = 4, text = "Early" }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, notYet.StatusCode);

        // bookings-api's confirmation, delivered twice with the same message id.
        using var bus = await BusAsync();
        var publisher = bus.Services.GetRequiredService<IIntegrationEventPublisher>();
        var bookingId = Guid.CreateVersion7();
        var confirmed = new BookingConfirmed(bookingId, eventId, DemoData.AttendeeId, DemoData.AttendeeEmail, "Demo Attendee", Title,
            startsAt, 2, new Money(24m, "EUR"), holdId, [], DateTimeOffset.UtcNow);
        var messageId = Guid.CreateVersion7();
        await publisher.PublishAsync(confirmed, Ct, messageId);
        await publisher.PublishAsync(confirmed, Ct, messageId);

        await ReviewedOnceTheBookingIsKnownAndTheEventStartedAsync(attendee, eventId);
        Assert.Equal(1, await InboxRowsAsync(messageId));

        // Someone without a booking may not review.
        using var stranger = await fixture.AsAsync("attendee-2");
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.PostAsJsonAsync($"/api/events/{eventId}/reviews", new { rating = 1, text = "Never went" }, Ct)).StatusCode);

        // The cancellation returns the sold seats even without bookings-api's HTTP release, and ends eligibility.
        await publisher.PublishAsync(new BookingCancelled(bookingId, eventId, DemoData.AttendeeId, DemoData.AttendeeEmail, Title, 2, holdId,
            "attendee", "Changed plans", new Money(24m, "EUR"), DateTimeOffset.UtcNow), Ct);
        using var anonymous = fixture.Anonymous();
        await Poll.UntilAsync(async () =>
            (await anonymous.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/availability", Ct)).GetProperty("sold").GetInt32() == 0,
            TimeSpan.FromSeconds(30), "the cancelled booking's seats come back", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, (await attendee.PostAsJsonAsync($"/api/events/{eventId}/reviews", new { rating = 3, text = "Again" }, Ct)).StatusCode);
    }

    /// <summary>A published event starting at <paramref name="startsAt"/>, two seats held and confirmed as bookings-api would.</summary>
    private async Task<(Guid EventId, Guid HoldId)> EventStartingSoonWithTwoSeatsSoldAsync(DateTimeOffset startsAt)
    {
        using var organizer = await fixture.AsAsync("organizer");
        var body = new JsonObject
        {
            ["title"] = Title,
            ["venue"] = "Quick Hall",
            ["city"] = "Faro",
            ["startsAt"] = startsAt.ToString("O"),
            ["endsAt"] = startsAt.AddHours(2).ToString("O"),
            ["category"] = "comedy",
            ["capacity"] = 10,
            ["price"] = 12m,
            ["currency"] = "EUR",
        };
        var eventId = await organizer.CreatePublishedEventAsync(body, RetryPolicy.Never, Ct);

        using var service = await fixture.AsAsync("service");
        var holdId = Guid.CreateVersion7();
        var hold = await service.PutAsJsonAsync($"/internal/events/{eventId}/holds/{holdId}",
            new { quantity = 2, expiresAt = DateTimeOffset.UtcNow.AddMinutes(10) }, Ct);
        Assert.Equal(HttpStatusCode.Created, hold.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.PostAsync($"/internal/events/{eventId}/holds/{holdId}/confirm", null, Ct)).StatusCode);
        return (eventId, holdId);
    }

    /// <summary>An event bus client on the topology's RabbitMQ, publishing as bookings-api does.</summary>
    private async Task<IHost> BusAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration["ConnectionStrings:messaging"] = await fixture.System.ConnectionStringAsync(ResourceNames.Messaging, Ct);
        builder.AddEventBus("messaging", "events-api-tests");
        return builder.Build();
    }

    /// <summary>The attendee reviews (once eligible), edits the review; it is listed once, in the summary and under the user.</summary>
    private async Task ReviewedOnceTheBookingIsKnownAndTheEventStartedAsync(HttpClient attendee, Guid eventId)
    {
        HttpResponseMessage? posted = null;
        await Poll.UntilAsync(async () =>
        {
            posted = await attendee.PostAsJsonAsync($"/api/events/{eventId}/reviews", new { rating = 2, text = "Good jokes, cold room" }, Ct);
            return posted.StatusCode == HttpStatusCode.Created;
        }, TimeSpan.FromSeconds(45), "the attendee may review once the booking is known and the event has started", Ct);

        var edited = await attendee.PostAsJsonAsync($"/api/events/{eventId}/reviews", new { rating = 5, text = "Thinking back, brilliant" }, Ct);
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        using var anonymous = fixture.Anonymous();
        var reviews = await anonymous.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/reviews", Ct);
        Assert.Equal(1, reviews.GetProperty("totalCount").GetInt64());
        var summary = await anonymous.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/reviews/summary", Ct);
        Assert.Equal(1, summary.GetProperty("count").GetInt32());
        Assert.Equal(5.0, summary.GetProperty("averageRating").GetDouble());
        var mine = await anonymous.GetFromJsonAsync<JsonElement>($"/api/users/{DemoData.AttendeeId}/reviews", Ct);
        Assert.Contains(mine.GetProperty("items").EnumerateArray(), r => r.GetProperty("eventId").GetGuid() == eventId);
    }

    private async Task<long> InboxRowsAsync(Guid messageId)
    {
        await using var connection = new NpgsqlConnection(await fixture.System.ConnectionStringAsync(ResourceNames.EventsDb, Ct));
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM inbox_messages WHERE message_id = $1", connection)
        {
            Parameters = { new() { Value = messageId } },
        };
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
