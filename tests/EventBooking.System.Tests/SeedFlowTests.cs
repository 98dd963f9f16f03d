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
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Register_login_list_create_book_pay_cancel_refund_and_notify_end_to_end()
    {
        var registered = await RegisteredAttendeeOnlyAdminsListAsync();
        using var events = fixture.CreateClient(ResourceNames.EventsApi);
        var eventId = await PublishedEventAnyoneFindsAsync(events);
        var buyer = await BookingOnlyOnceTheEmailedLinkVerifiedTheAddressAsync(registered, events, eventId);
        using var bookings = fixture.CreateClient(ResourceNames.BookingsApi, buyer.AccessToken);
        using var notifications = fixture.CreateClient(ResourceNames.NotificationsApi, buyer.AccessToken);

        var booking = await BookedOnceForTwoRequestsAndPaidAsync(bookings, events, eventId);
        await ConfirmationNotifiedAndMailedAsync(notifications, buyer, booking);
        await CancelledByTheAttendeeWithTheSeatsBackAsync(bookings, events, notifications, eventId, booking);
        await AnotherBookingRefundedByAnAdminAsync(bookings, events, notifications, eventId);

        fixture.Figures.AddOperations(25);
        await Invariants.ReconciledAsync(fixture);
    }

    /// <summary>Register and log in (users-api); an admin lists the new user, the attendee may not list users.</summary>
    private async Task<Account> RegisteredAttendeeOnlyAdminsListAsync()
    {
        var buyer = await fixture.RegisterAsync(verified: false);
        using (var admin = await fixture.AsAsync(ResourceNames.UsersApi, "admin"))
        {
            var page = await admin.GetFromJsonAsync<JsonElement>($"/api/users?search={Uri.EscapeDataString(buyer.Email)}", Json, Ct);
            Assert.Contains(page.GetProperty("items").EnumerateArray(), u => u.GetProperty("id").GetGuid() == buyer.UserId);
        }

        using var attendeeOnUsers = fixture.CreateClient(ResourceNames.UsersApi, buyer.AccessToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await attendeeOnUsers.GetAsync("/api/users", Ct)).StatusCode);
        return buyer;
    }

    /// <summary>
    /// A new account may not hold seats (403 email-not-verified, nothing held) until its owner opens the link that registration
    /// emailed (users-api's outbox, RabbitMQ, notifications-api, SMTP); the tokens issued after that say email_verified.
    /// </summary>
    private async Task<Account> BookingOnlyOnceTheEmailedLinkVerifiedTheAddressAsync(Account buyer, HttpClient events, Guid eventId)
    {
        using (var unverified = fixture.CreateClient(ResourceNames.BookingsApi, buyer.AccessToken))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = JsonContent.Create(new { eventId, quantity = 1 }) };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            using var refused = await unverified.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Equal("email-not-verified", (await refused.Content.ReadFromJsonAsync<JsonElement>(Json, Ct)).GetProperty("code").GetString());
            Assert.Equal(new Availability(10, 10, 0, 0), await events.AvailabilityAsync(eventId));
        }

        var link = await Mail.WaitForLinkAsync(fixture.System.Maildir, buyer.Email, "email-verification", "/account/verify-email", Patience, cancellationToken: Ct);
        using var users = fixture.CreateClient(ResourceNames.UsersApi);
        using (var verified = await users.PostAsJsonAsync("/api/users/verify-email", new { token = Mail.TokenOf(link) }, Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, verified.StatusCode);
        }

        return await users.RefreshAsync(buyer, fixture.Retry, Ct);
    }

    /// <summary>An organizer creates and publishes an event; anyone lists it, reads it and its availability (events-api).</summary>
    private async Task<Guid> PublishedEventAnyoneFindsAsync(HttpClient events)
    {
        var title = $"Seed flow {Guid.NewGuid():N}";
        var eventId = await fixture.CreatePublishedEventAsync(new NewEvent { Title = title, Capacity = 10, Price = 25m });
        var listed = await events.GetFromJsonAsync<JsonElement>($"/api/events?q={Uri.EscapeDataString(title)}&pageSize=20", Json, Ct);
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), e => e.GetProperty("id").GetGuid() == eventId);
        Assert.Equal(title, (await events.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}", Json, Ct)).GetProperty("title").GetString());
        Assert.Equal(new Availability(10, 10, 0, 0), await events.AvailabilityAsync(eventId));
        return eventId;
    }

    /// <summary>Book (the same Idempotency-Key twice: one booking), pay, read the booking and its tickets (bookings-api).</summary>
    private static async Task<Guid> BookedOnceForTwoRequestsAndPaidAsync(HttpClient bookings, HttpClient events, Guid eventId)
    {
        var key = Guid.NewGuid().ToString();
        var booking = await BookAsync(bookings, eventId, 2, key);
        Assert.Equal(booking, await BookAsync(bookings, eventId, 2, key));
        Assert.Equal(new Availability(10, 8, 2, 0), await events.AvailabilityAsync(eventId));
        await bookings.PayAsync(booking, retry: RetryPolicy.Never, cancellationToken: Ct);

        var read = await bookings.GetFromJsonAsync<JsonElement>($"/api/bookings/{booking}", Json, Ct);
        Assert.Equal("Confirmed", read.GetProperty("status").GetString());
        Assert.Equal(50m, read.GetProperty("amount").GetDecimal());
        Assert.Equal(2, (await bookings.GetFromJsonAsync<JsonElement>($"/api/bookings/{booking}/tickets", Json, Ct)).GetArrayLength());
        Assert.Equal(new Availability(10, 8, 0, 2), await events.AvailabilityAsync(eventId));
        return booking;
    }

    /// <summary>The confirmation reaches notifications-api (RabbitMQ) and the SMTP catcher.</summary>
    private async Task ConfirmationNotifiedAndMailedAsync(HttpClient notifications, Account buyer, Guid booking)
    {
        await WaitForNotificationAsync(notifications, "booking-confirmed", booking);
        await Poll.UntilAsync(() => Mail.Of(fixture.System.Maildir, buyer.Email, "booking-confirmed").Count > 0,
            Patience, "the confirmation email reaches the SMTP catcher", Ct);
    }

    /// <summary>The attendee cancels: refund by policy, seats back, a cancellation notification.</summary>
    private static async Task CancelledByTheAttendeeWithTheSeatsBackAsync(HttpClient bookings, HttpClient events, HttpClient notifications, Guid eventId, Guid booking)
    {
        using (var cancelled = await bookings.PostAsJsonAsync($"/api/bookings/{booking}/cancel", new { reason = "cannot come" }, Ct))
        {
            await cancelled.ReadJsonAsync(HttpStatusCode.OK, Ct);
        }

        Assert.Equal("Cancelled", (await bookings.GetFromJsonAsync<JsonElement>($"/api/bookings/{booking}", Json, Ct)).GetProperty("status").GetString());
        Assert.Equal(new Availability(10, 10, 0, 0), await events.AvailabilityAsync(eventId));
        await WaitForNotificationAsync(notifications, "booking-cancelled", booking);
    }

    /// <summary>An admin refunds another confirmed booking in full.</summary>
    private async Task AnotherBookingRefundedByAnAdminAsync(HttpClient bookings, HttpClient events, HttpClient notifications, Guid eventId)
    {
        var second = (await bookings.BookAndPayAsync(eventId, quantity: 1, RetryPolicy.Never, Ct)).BookingId;
        using (var admin = await fixture.AsAsync(ResourceNames.BookingsApi, "admin"))
        using (var refunded = await admin.PostAsJsonAsync("/api/refunds", new { bookingId = second, reason = "goodwill" }, Ct))
        {
            await refunded.ReadJsonAsync(HttpStatusCode.Created, Ct);
        }

        Assert.Equal("Refunded", (await bookings.GetFromJsonAsync<JsonElement>($"/api/bookings/{second}", Json, Ct)).GetProperty("status").GetString());
        Assert.Equal(new Availability(10, 10, 0, 0), await events.AvailabilityAsync(eventId));
        await WaitForNotificationAsync(notifications, "payment-refunded", second);
    }

    private static async Task<Guid> BookAsync(HttpClient bookings, Guid eventId, int quantity, string key) =>
        (await bookings.BookAsync(eventId, quantity, key, RetryPolicy.Never, Ct)).GetProperty("id").GetGuid();

    private static Task WaitForNotificationAsync(HttpClient notifications, string kind, Guid bookingId) =>
        Poll.UntilAsync(async () =>
        {
            var page = await notifications.GetFromJsonAsync<JsonElement>("/api/notifications?pageSize=50", Json);
            return page.GetProperty("items").EnumerateArray().Any(n =>
                n.GetProperty("kind").GetString() == kind && n.TryGetProperty("bookingId", out var id) && id.ValueKind == JsonValueKind.String && id.GetGuid() == bookingId);
        }, Patience, $"the {kind} notification of {bookingId} appears", Ct);
}
