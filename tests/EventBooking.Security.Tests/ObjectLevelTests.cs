using System.Net;
using System.Text.Json;
using EventBooking.AppHost;
using EventBooking.Testing;

namespace EventBooking.Security.Tests;

/// <summary>OWASP API1 (broken object-level authorization): another person's objects are 403/404 and stay unchanged.</summary>
public sealed class ObjectLevelTests(SecurityFixture fixture)
{
    private static readonly HttpStatusCode[] Refused = [HttpStatusCode.NotFound, HttpStatusCode.Forbidden];

    [Fact]
    public async Task Attendee_B_cannot_read_pay_cancel_or_refund_what_attendee_A_owns()
    {
        var (a, b) = (fixture.AttendeeA, fixture.AttendeeB);
        var purchase = await Scenario.PurchaseAsync(fixture, fixture.OrganizerA, a);
        var before = await SnapshotAsync(a, purchase);

        using var bookings = fixture.As(b, ResourceNames.BookingsApi);
        var attempts = new (string Method, string Path, string? Body)[]
        {
            ("GET", $"/api/bookings/{purchase.BookingId}", null),
            ("GET", $"/api/bookings/{purchase.BookingId}/payments", null),
            ("GET", $"/api/bookings/{purchase.BookingId}/tickets", null),
            ("POST", $"/api/bookings/{purchase.BookingId}/payments", $$"""{"paymentMethod":"{{Scenario.GoodCard}}"}"""),
            ("POST", $"/api/bookings/{purchase.BookingId}/cancel", """{"reason":"not mine"}"""),
            ("GET", $"/api/payments/{purchase.PaymentId}", null),
            ("POST", "/api/refunds", $$"""{"bookingId":"{{purchase.BookingId}}","reason":"give it to me"}"""),
        }.Concat(purchase.TicketIds.SelectMany(t => new (string, string, string?)[] { ("GET", $"/api/tickets/{t}", null), ("GET", $"/api/tickets/{t}/qr", null) }));
        foreach (var (method, path, body) in attempts)
        {
            using var response = await bookings.SendAsync(method, path, body);
            Hostile.Count("object-level calls");
            await ProblemAssert.IsProblemAsync(response, Refused);
        }

        // B's own lists do not hold A's objects.
        Assert.DoesNotContain(purchase.BookingId.ToString(), (await bookings.GetJsonAsync("/api/bookings?pageSize=100")).ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(purchase.PaymentId.ToString(), (await bookings.GetJsonAsync("/api/payments?pageSize=100")).ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(purchase.TicketIds[0].ToString(), (await bookings.GetJsonAsync("/api/tickets?pageSize=100")).ToString(), StringComparison.OrdinalIgnoreCase);

        // Notifications and the profile.
        using var notifications = fixture.As(b, ResourceNames.NotificationsApi);
        foreach (var (method, path) in new[] { ("GET", $"/api/notifications/{purchase.NotificationId}"), ("POST", $"/api/notifications/{purchase.NotificationId}/read") })
        {
            using var response = await notifications.SendAsync(method, path, method == "POST" ? "" : null);
            Hostile.Count("object-level calls");
            await ProblemAssert.IsProblemAsync(response, Refused);
        }

        using (var readAll = await notifications.SendAsync("POST", "/api/notifications/read-all", ""))
        {
            await readAll.ReadJsonAsync(HttpStatusCode.OK, Requests.Ct);
        }

        Assert.DoesNotContain(purchase.NotificationId.ToString(), (await notifications.GetJsonAsync("/api/notifications?pageSize=100")).ToString(), StringComparison.OrdinalIgnoreCase);
        using var users = fixture.As(b, ResourceNames.UsersApi);
        using (var profile = await users.GetAsync($"/api/users/{a.Id}", Requests.Ct))
        {
            Hostile.Count("object-level calls");
            await ProblemAssert.IsProblemAsync(profile, Refused);
        }

        using (var roles = await users.SendAsync("PUT", $"/api/users/{a.Id}/roles", """{"roles":["attendee"]}"""))
        {
            Hostile.Count("object-level calls");
            await ProblemAssert.IsProblemAsync(roles, HttpStatusCode.Forbidden);
        }

        Assert.Equal(before, await SnapshotAsync(a, purchase));
    }

    [Fact]
    public async Task Organizer_B_cannot_change_delete_or_see_the_sales_of_organizer_A_s_event()
    {
        var (a, b) = (fixture.OrganizerA, fixture.OrganizerB);
        var eventId = await Scenario.PublishedEventAsync(fixture, a);
        var draftId = await Scenario.DraftEventAsync(fixture, a);
        var booking = await Scenario.BookAsync(fixture, fixture.AttendeeB, eventId, quantity: 1);
        var bookingId = booking.GetProperty("id").GetGuid();

        using var ownerEvents = fixture.As(a, ResourceNames.EventsApi);
        var eventBefore = await EventStateAsync(ownerEvents, eventId);
        var draftBefore = await EventStateAsync(ownerEvents, draftId);

        using var events = fixture.As(b, ResourceNames.EventsApi);
        var edit = Scenario.Event(title: "Taken over", capacity: 1, price: 0m).ToJsonObject().ToJsonString();
        foreach (var id in new[] { eventId, draftId })
        {
            foreach (var (method, path, body) in new (string, string, string?)[]
            {
                ("PUT", $"/api/events/{id}", edit),
                ("DELETE", $"/api/events/{id}", null),
                ("POST", $"/api/events/{id}/publish", ""),
                ("POST", $"/api/events/{id}/cancel", """{"reason":"mine now"}"""),
            })
            {
                using var response = await events.SendAsync(method, path, body);
                Hostile.Count("object-level calls");
                await ProblemAssert.IsProblemAsync(response, Refused);
            }
        }

        // A draft is private to its organizer; B sees neither it nor its seats.
        foreach (var path in new[] { $"/api/events/{draftId}", $"/api/events/{draftId}/availability" })
        {
            using var response = await events.GetAsync(path, Requests.Ct);
            Hostile.Count("object-level calls");
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
        }

        Assert.DoesNotContain(eventId.ToString(), (await events.GetJsonAsync("/api/organizers/me/events")).ToString(), StringComparison.OrdinalIgnoreCase);

        using var sales = fixture.As(b, ResourceNames.BookingsApi);
        foreach (var path in new[] { $"/api/events/{eventId}/sales", $"/api/events/{eventId}/bookings", $"/api/bookings/{bookingId}" })
        {
            using var response = await sales.GetAsync(path, Requests.Ct);
            Hostile.Count("object-level calls");
            await ProblemAssert.IsProblemAsync(response, Refused);
        }

        using (var cancel = await sales.SendAsync("POST", $"/api/bookings/{bookingId}/cancel", "{}"))
        {
            Hostile.Count("object-level calls");
            await ProblemAssert.IsProblemAsync(cancel, Refused);
        }

        var mine = await sales.GetJsonAsync("/api/organizers/me/sales");
        Assert.DoesNotContain(eventId.ToString(), mine.ToString(), StringComparison.OrdinalIgnoreCase);

        // Nothing changed: the owner reads the same events, and the booking is still pending.
        Assert.Equal(eventBefore, await EventStateAsync(ownerEvents, eventId));
        Assert.Equal(draftBefore, await EventStateAsync(ownerEvents, draftId));
        using var attendeeBookings = fixture.As(fixture.AttendeeB, ResourceNames.BookingsApi);
        Assert.Equal("PendingPayment", (await attendeeBookings.GetJsonAsync($"/api/bookings/{bookingId}")).GetProperty("status").GetString());

        // The owner does see them (the refusals above are about who asks).
        using var ownerSales = fixture.As(a, ResourceNames.BookingsApi);
        Assert.Equal(bookingId, (await ownerSales.GetJsonAsync($"/api/bookings/{bookingId}")).GetProperty("id").GetGuid());
        await ownerSales.GetJsonAsync($"/api/events/{eventId}/sales");
    }

    [Fact]
    public async Task Organizer_B_cannot_check_in_or_count_the_tickets_of_organizer_A_s_event()
    {
        var (a, b) = (fixture.OrganizerA, fixture.OrganizerB);
        var eventId = await Scenario.PublishedEventAsync(fixture, a);
        using var attendee = fixture.As(fixture.AttendeeB, ResourceNames.BookingsApi);
        var (bookingId, _) = await attendee.BookAndPayAsync(eventId, quantity: 1, cancellationToken: Requests.Ct);
        var code = (await attendee.GetJsonAsync($"/api/bookings/{bookingId}/tickets"))[0].GetProperty("code").GetString()!;

        using var door = fixture.As(b, ResourceNames.BookingsApi);
        using (var scan = await door.SendAsync("POST", $"/api/events/{eventId}/check-ins", JsonSerializer.Serialize(new { code })))
        {
            Hostile.Count("object-level calls");
            await ProblemAssert.IsProblemAsync(scan, Refused);
        }

        foreach (var path in new[] { $"/api/events/{eventId}/check-ins/summary", $"/api/events/{eventId}/check-ins" })
        {
            using var response = await door.GetAsync(path, Requests.Ct);
            Hostile.Count("object-level calls");
            await ProblemAssert.IsProblemAsync(response, Refused);
        }

        // The ticket is still outside: its own organizer lets it in, once.
        using var owner = fixture.As(a, ResourceNames.BookingsApi);
        Assert.Equal(0, (await owner.GetJsonAsync($"/api/events/{eventId}/check-ins/summary")).GetProperty("checkedIn").GetInt32());
        using var admitted = await owner.SendAsync("POST", $"/api/events/{eventId}/check-ins", JsonSerializer.Serialize(new { code }));
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
    }

    [Fact]
    public async Task Organizer_B_cannot_read_A_s_event_analytics_and_attendee_B_cannot_read_A_s_activity()
    {
        var (a, b) = (fixture.OrganizerA, fixture.OrganizerB);
        var eventId = await Scenario.PublishedEventAsync(fixture, a);
        using (var view = fixture.As(fixture.AttendeeA, ResourceNames.EventsApi))
        {
            (await view.GetAsync($"/api/events/{eventId}", Requests.Ct)).EnsureSuccessStatusCode();
        }

        using var other = fixture.As(b, ResourceNames.EventsApi);
        using (var response = await other.GetAsync($"/api/events/{eventId}/analytics", Requests.Ct))
        {
            Hostile.Count("object-level calls");
            await ProblemAssert.IsProblemAsync(response, Refused);
        }

        // A person's activity: only through their own /api/me/activity, or an admin's /api/users/{id}/activity.
        using var attendeeB = fixture.As(fixture.AttendeeB, ResourceNames.EventsApi);
        using (var response = await attendeeB.GetAsync($"/api/users/{fixture.AttendeeA.Id}/activity", Requests.Ct))
        {
            Hostile.Count("object-level calls");
            await ProblemAssert.IsProblemAsync(response, Refused);
        }

        Assert.DoesNotContain(eventId.ToString(), (await attendeeB.GetJsonAsync("/api/me/activity?pageSize=100")).ToString(), StringComparison.OrdinalIgnoreCase);

        // The owner does read them (the refusals above are about who asks).
        using var owner = fixture.As(a, ResourceNames.EventsApi);
        Assert.Equal(eventId, (await owner.GetJsonAsync($"/api/events/{eventId}/analytics")).GetProperty("eventId").GetGuid());
    }

    private static async Task<string> EventStateAsync(HttpClient owner, Guid id)
    {
        var e = await owner.GetJsonAsync($"/api/events/{id}");
        var seats = await owner.GetJsonAsync($"/api/events/{id}/availability");
        return $"{e.GetProperty("title")}|{e.GetProperty("status")}|{e.GetProperty("capacity")}|{e.GetProperty("price")}|{e.GetProperty("organizerId")}|{e.GetProperty("version")}|{seats}";
    }

    /// <summary>What A sees of their own objects, as one comparable string.</summary>
    private async Task<string> SnapshotAsync(Actor a, Purchase purchase)
    {
        using var bookings = fixture.As(a, ResourceNames.BookingsApi);
        var booking = await bookings.GetJsonAsync($"/api/bookings/{purchase.BookingId}");
        var payments = await bookings.GetJsonAsync($"/api/bookings/{purchase.BookingId}/payments");
        var tickets = await bookings.GetJsonAsync($"/api/bookings/{purchase.BookingId}/tickets");
        using var notifications = fixture.As(a, ResourceNames.NotificationsApi);
        var notification = await notifications.GetJsonAsync($"/api/notifications/{purchase.NotificationId}");
        using var users = fixture.As(a, ResourceNames.UsersApi);
        var me = await users.GetJsonAsync("/api/users/me");
        Assert.Equal("Confirmed", booking.GetProperty("status").GetString());
        return string.Join("|", booking.GetProperty("status"), booking.GetProperty("quantity"), booking.GetProperty("amount"),
            payments.ToString(), string.Join(",", tickets.EnumerateArray().Select(t => t.GetProperty("id") + ":" + t.GetProperty("status"))),
            notification.GetProperty("isRead"), me.ToString());
    }
}
