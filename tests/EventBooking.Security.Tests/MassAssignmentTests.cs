using System.Net;
using System.Text.Json;
using EventBooking.AppHost;
using EventBooking.Testing;

namespace EventBooking.Security.Tests;

/// <summary>OWASP API3 (broken object property-level authorization): fields a caller must not set are refused or ignored, never applied.</summary>
public sealed class MassAssignmentTests(SecurityFixture fixture)
{
    [Fact]
    public async Task Roles_in_registration_and_profile_bodies_are_refused_and_never_applied()
    {
        var source = SecurityFixture.NextSource();
        using var users = fixture.Client(ResourceNames.UsersApi, source: source);
        foreach (var extra in new[] { "\"role\":\"admin\"", "\"roles\":[\"admin\"]", "\"isAdmin\":true", "\"accountType\":\"admin\"", "\"id\":\"00000000-0000-0000-0000-000000000001\"" })
        {
            var email = $"mass-{Guid.NewGuid():N}@security.test";
            using var response = await users.SendAsync("POST", "/api/users/register",
                $$"""{"email":"{{email}}","password":"{{SecurityFixture.Password}}","displayName":"Mallory",{{extra}}}""");
            Hostile.Count("mass assignment");
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
            // No account came of it.
            using var login = await fixture.Client(ResourceNames.UsersApi).PostJsonAsync("/api/users/login", new { email, password = SecurityFixture.Password });
            await ProblemAssert.IsProblemAsync(login, HttpStatusCode.Unauthorized);
        }

        var attendee = await fixture.NewUserAsync("attendee", "mass-profile");
        using var mine = fixture.As(attendee, ResourceNames.UsersApi);
        var before = await mine.GetJsonAsync("/api/users/me");
        foreach (var extra in new[] { "\"roles\":[\"admin\"]", "\"role\":\"admin\"", "\"isAdmin\":true", "\"email\":\"admin@demo.eventbooking.local\"", "\"id\":\"0193a000-0000-7000-8000-000000000001\"" })
        {
            using var response = await mine.SendAsync("PUT", "/api/users/me", $$"""{"displayName":"Mallory","emailNotifications":true,{{extra}}}""");
            Hostile.Count("mass assignment");
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        }

        var after = await mine.GetJsonAsync("/api/users/me");
        Assert.Equal(before.ToString(), after.ToString());
        Assert.Equal(["attendee"], after.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        // The token still carries the attendee role only: organizer and admin routes refuse it.
        using var events = fixture.As(attendee, ResourceNames.EventsApi);
        using var create = await events.PostJsonAsync("/api/events", Scenario.Event());
        await ProblemAssert.IsProblemAsync(create, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Status_organizer_and_counters_in_event_bodies_are_never_applied()
    {
        var organizer = fixture.OrganizerA;
        using var events = fixture.As(organizer, ResourceNames.EventsApi);
        var body = Scenario.Event(capacity: 40).ToJsonObject();
        var forgedId = Guid.NewGuid();
        body["id"] = forgedId;
        body["status"] = "Published";
        body["organizerId"] = fixture.OrganizerB.Id;
        body["sold"] = 40;
        body["held"] = 40;
        body["available"] = 0;
        body["version"] = 99;
        body["publishedAt"] = DateTimeOffset.UtcNow;
        using var created = await events.SendAsync("POST", "/api/events", body.ToJsonString());
        Hostile.Count("mass assignment");
        var e = created.StatusCode == HttpStatusCode.BadRequest ? default : await created.ReadJsonAsync(HttpStatusCode.Created, Requests.Ct);
        if (created.StatusCode == HttpStatusCode.BadRequest)
        {
            return; // refused outright: nothing to check
        }

        var id = e.GetProperty("id").GetGuid();
        Assert.NotEqual(forgedId, id);
        Assert.Equal("Draft", e.GetProperty("status").GetString());
        Assert.Equal(organizer.Id, e.GetProperty("organizerId").GetGuid());
        var seats = await events.GetJsonAsync($"/api/events/{id}/availability");
        Assert.Equal((40, 0, 0), (seats.GetProperty("available").GetInt32(), seats.GetProperty("sold").GetInt32(), seats.GetProperty("held").GetInt32()));

        // The same on an edit: status, organizer and counters stay as they were.
        body["title"] = "Edited";
        body["status"] = "Cancelled";
        using var edited = await events.SendAsync("PUT", $"/api/events/{id}", body.ToJsonString());
        Hostile.Count("mass assignment");
        if (edited.StatusCode != HttpStatusCode.BadRequest)
        {
            await edited.ReadJsonAsync(HttpStatusCode.OK, Requests.Ct);
        }

        var after = await events.GetJsonAsync($"/api/events/{id}");
        Assert.Equal("Draft", after.GetProperty("status").GetString());
        Assert.Equal(organizer.Id, after.GetProperty("organizerId").GetGuid());
        seats = await events.GetJsonAsync($"/api/events/{id}/availability");
        Assert.Equal((40, 0, 0), (seats.GetProperty("available").GetInt32(), seats.GetProperty("sold").GetInt32(), seats.GetProperty("held").GetInt32()));
    }

    [Fact]
    public async Task Price_status_and_owner_in_booking_and_payment_bodies_are_never_applied()
    {
        var eventId = await Scenario.PublishedEventAsync(fixture, fixture.OrganizerA);
        var attendee = await fixture.NewUserAsync("attendee", "mass-booking");
        using var bookings = fixture.As(attendee, ResourceNames.BookingsApi);
        var body = $$"""
            {"eventId":"{{eventId}}","quantity":2,"unitPrice":0.01,"price":0.01,"amount":0.02,"currency":"XXX","status":"Confirmed",
             "userId":"{{fixture.AttendeeA.Id}}","organizerId":"{{attendee.Id}}","id":"{{Guid.NewGuid()}}"}
            """;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var created = await bookings.SendAsync(request, Requests.Ct);
        Hostile.Count("mass assignment");
        if (created.StatusCode == HttpStatusCode.BadRequest)
        {
            await ProblemAssert.IsProblemAsync(created, HttpStatusCode.BadRequest);
            Assert.Equal(0, (await bookings.GetJsonAsync("/api/bookings")).GetProperty("totalCount").GetInt64());
            return;
        }

        var booking = await created.ReadJsonAsync(HttpStatusCode.Created, Requests.Ct);
        var bookingId = booking.GetProperty("id").GetGuid();
        Assert.Equal("PendingPayment", booking.GetProperty("status").GetString());
        Assert.Equal(attendee.Id, booking.GetProperty("userId").GetGuid());
        Assert.Equal(25m, booking.GetProperty("unitPrice").GetDecimal());
        Assert.Equal(50m, booking.GetProperty("amount").GetDecimal());
        Assert.Equal("EUR", booking.GetProperty("currency").GetString());

        using var paid = await bookings.SendAsync("POST", $"/api/bookings/{bookingId}/payments",
            $$"""{"paymentMethod":"{{Scenario.GoodCard}}","amount":0.01,"status":"Refunded"}""");
        Hostile.Count("mass assignment");
        if (paid.StatusCode == HttpStatusCode.BadRequest)
        {
            await ProblemAssert.IsProblemAsync(paid, HttpStatusCode.BadRequest);
            Assert.Equal("PendingPayment", (await bookings.GetJsonAsync($"/api/bookings/{bookingId}")).GetProperty("status").GetString());
            return;
        }

        var payment = await paid.ReadJsonAsync(HttpStatusCode.Created, Requests.Ct);
        Assert.Equal(50m, payment.GetProperty("amount").GetDecimal());
        Assert.Equal(0m, payment.GetProperty("refundedAmount").GetDecimal());
        Assert.Equal("Confirmed", (await bookings.GetJsonAsync($"/api/bookings/{bookingId}")).GetProperty("status").GetString());

        // Attendee A got nothing of this.
        using var victim = fixture.As(fixture.AttendeeA, ResourceNames.BookingsApi);
        Assert.DoesNotContain(bookingId.ToString(), (await victim.GetJsonAsync("/api/bookings?pageSize=100")).ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
