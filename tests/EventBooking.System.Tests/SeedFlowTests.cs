using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventBooking.AppHost;
using EventBooking.Testing;
using Xunit;

namespace EventBooking.SystemTests;

/// <summary>The flows of the seed documents (../shared/seeds/) end to end over HTTP, across every service.</summary>
[Collection(SystemCollection.Name)]
public sealed class SeedFlowTests(SystemFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Register_login_list_create_book_pay_cancel_refund_and_notify_end_to_end()
    {
        var ct = TestContext.Current.CancellationToken;

        // Register and log in (users-api); an admin lists the users.
        var buyer = await fixture.RegisterAsync();
        using (var admin = fixture.Client(ResourceNames.UsersApi, await fixture.TokenAsync("admin")))
        {
            var page = await admin.GetFromJsonAsync<JsonElement>($"/api/users?search={Uri.EscapeDataString(buyer.Email)}", Api.Json, ct);
            Assert.Contains(page.GetProperty("items").EnumerateArray(), u => u.GetProperty("id").GetGuid() == buyer.UserId);
        }

        using (var attendeeOnUsers = fixture.Client(ResourceNames.UsersApi, buyer.Token))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await attendeeOnUsers.GetAsync("/api/users", ct)).StatusCode);
        }

        // An organizer creates and publishes an event; anyone lists it and reads its availability (events-api).
        var title = $"Seed flow {Guid.NewGuid():N}";
        var eventId = await Api.CreatePublishedEventAsync(fixture, capacity: 10, price: 25m, title: title);
        using var events = fixture.Client(ResourceNames.EventsApi);
        var listed = await events.GetFromJsonAsync<JsonElement>($"/api/events?q={Uri.EscapeDataString(title)}&pageSize=20", Api.Json, ct);
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), e => e.GetProperty("id").GetGuid() == eventId);
        Assert.Equal(title, (await events.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}", Api.Json, ct)).GetProperty("title").GetString());
        Assert.Equal(new Availability(10, 10, 0, 0), await Api.AvailabilityAsync(events, eventId));

        // Book (idempotent), pay, read the booking and its tickets (bookings-api).
        using var bookings = fixture.Client(ResourceNames.BookingsApi, buyer.Token);
        var key = Guid.NewGuid().ToString();
        var booking = await BookAsync(bookings, eventId, 2, key);
        Assert.Equal(booking, await BookAsync(bookings, eventId, 2, key));
        Assert.Equal(new Availability(10, 8, 2, 0), await Api.AvailabilityAsync(events, eventId));
        using (var paid = await bookings.SendAsync(Api.PaymentRequest(booking, Guid.NewGuid().ToString()), ct))
        {
            await Http.EnsureAsync(paid, "pay", HttpStatusCode.Created);
        }

        var read = await bookings.GetFromJsonAsync<JsonElement>($"/api/bookings/{booking}", Api.Json, ct);
        Assert.Equal("Confirmed", read.GetProperty("status").GetString());
        Assert.Equal(50m, read.GetProperty("amount").GetDecimal());
        Assert.Equal(2, (await bookings.GetFromJsonAsync<JsonElement>($"/api/bookings/{booking}/tickets", Api.Json, ct)).GetArrayLength());
        Assert.Equal(new Availability(10, 8, 0, 2), await Api.AvailabilityAsync(events, eventId));

        // The confirmation reaches notifications-api (RabbitMQ) and the SMTP catcher.
        using var notifications = fixture.Client(ResourceNames.NotificationsApi, buyer.Token);
        await WaitForNotificationAsync(notifications, "booking-confirmed", booking);
        await Poll.UntilAsync(() => Mail.Read(fixture.System.Maildir).Any(m => m.Contains(buyer.Email, StringComparison.OrdinalIgnoreCase)),
            Patience, "the confirmation email reaches the SMTP catcher", ct);

        // The attendee cancels: refund by policy, seats back, a cancellation notification.
        using (var cancelled = await bookings.PostAsJsonAsync($"/api/bookings/{booking}/cancel", new { reason = "cannot come" }, ct))
        {
            await Http.EnsureAsync(cancelled, "cancel", HttpStatusCode.OK);
        }

        Assert.Equal("Cancelled", (await bookings.GetFromJsonAsync<JsonElement>($"/api/bookings/{booking}", Api.Json, ct)).GetProperty("status").GetString());
        Assert.Equal(new Availability(10, 10, 0, 0), await Api.AvailabilityAsync(events, eventId));
        await WaitForNotificationAsync(notifications, "booking-cancelled", booking);

        // An admin refunds another confirmed booking in full.
        var second = await BookAsync(bookings, eventId, 1, Guid.NewGuid().ToString());
        using (var paid = await bookings.SendAsync(Api.PaymentRequest(second, Guid.NewGuid().ToString()), ct))
        {
            await Http.EnsureAsync(paid, "pay", HttpStatusCode.Created);
        }

        using (var admin = fixture.Client(ResourceNames.BookingsApi, await fixture.TokenAsync("admin")))
        using (var refunded = await admin.PostAsJsonAsync("/api/refunds", new { bookingId = second, reason = "goodwill" }, ct))
        {
            await Http.EnsureAsync(refunded, "refund", HttpStatusCode.Created);
        }

        Assert.Equal("Refunded", (await bookings.GetFromJsonAsync<JsonElement>($"/api/bookings/{second}", Api.Json, ct)).GetProperty("status").GetString());
        Assert.Equal(new Availability(10, 10, 0, 0), await Api.AvailabilityAsync(events, eventId));
        await WaitForNotificationAsync(notifications, "payment-refunded", second);

        fixture.Figures.AddOperations(25);
        await Invariants.ReconciledAsync(fixture);
    }

    private static async Task<Guid> BookAsync(HttpClient bookings, Guid eventId, int quantity, string key)
    {
        using var response = await bookings.SendAsync(Api.BookingRequest(eventId, quantity, key), TestContext.Current.CancellationToken);
        await Http.EnsureAsync(response, "book", HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Api.Json)).GetProperty("id").GetGuid();
    }

    private static Task WaitForNotificationAsync(HttpClient notifications, string kind, Guid bookingId) =>
        Poll.UntilAsync(async () =>
        {
            var page = await notifications.GetFromJsonAsync<JsonElement>("/api/notifications?pageSize=50", Api.Json);
            return page.GetProperty("items").EnumerateArray().Any(n =>
                n.GetProperty("kind").GetString() == kind && n.TryGetProperty("bookingId", out var id) && id.ValueKind == JsonValueKind.String && id.GetGuid() == bookingId);
        }, Patience, $"the {kind} notification of {bookingId} appears", TestContext.Current.CancellationToken);
}
