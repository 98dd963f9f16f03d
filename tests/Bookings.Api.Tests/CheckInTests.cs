using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bookings.Api.Apis;
using EventBooking.Testing;

namespace Bookings.Api.Tests;

/// <summary>Check-in at the door over HTTP against real PostgreSQL: once per ticket, forged codes refused, counts per door.</summary>
public sealed class CheckInTests(BookingsApiFactory factory) : ApiTestBase(factory), IClassFixture<BookingsApiFactory>
{
    [Fact]
    public async Task A_ticket_is_let_in_once_and_the_second_scan_says_when_and_where()
    {
        var organizer = Guid.CreateVersion7();
        var ev = Factory.Inventory.AddEvent(organizer, capacity: 10);
        var attendee = Factory.ClientFor(Guid.CreateVersion7());
        var booking = await ConfirmedAsync(attendee, ev.Id, 2);
        var tickets = (await attendee.GetFromJsonAsync<List<TicketDto>>($"/api/bookings/{booking.Id}/tickets", Json, Ct))!;
        var door = Factory.ClientFor(organizer, "organizer");

        using var first = await door.PostAsJsonAsync($"/api/events/{ev.Id}/check-ins", new { code = tickets[0].Code, door = "North gate" }, Ct);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var admitted = (await first.Content.ReadFromJsonAsync<CheckInDto>(Json, Ct))!;
        Assert.Equal(tickets[0].Id, admitted.TicketId);
        Assert.Equal("North gate", admitted.Door);
        Assert.Equal(booking.Id, admitted.BookingId);

        using var again = await door.PostAsJsonAsync($"/api/events/{ev.Id}/check-ins", new { code = tickets[0].Code, door = "South gate" }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var problem = await ProblemAsync(again);
        Assert.Equal("ticket-already-checked-in", problem.GetProperty("code").GetString());
        Assert.Equal("North gate", problem.GetProperty("door").GetString());
        Assert.Equal(admitted.CheckedInAt, problem.GetProperty("checkedInAt").GetDateTimeOffset());

        // The attendee sees it on the ticket; the other ticket of the booking is still outside.
        var after = (await attendee.GetFromJsonAsync<List<TicketDto>>($"/api/bookings/{booking.Id}/tickets", Json, Ct))!;
        Assert.Equal("North gate", after.Single(t => t.Id == tickets[0].Id).CheckedInDoor);
        Assert.Null(after.Single(t => t.Id == tickets[1].Id).CheckedInAt);

        using (var second = await door.PostAsJsonAsync($"/api/events/{ev.Id}/check-ins", new { code = tickets[1].Code }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.Equal("Main entrance", (await second.Content.ReadFromJsonAsync<CheckInDto>(Json, Ct))!.Door);
        }

        var summary = (await door.GetFromJsonAsync<CheckInSummary>($"/api/events/{ev.Id}/check-ins/summary", Json, Ct))!;
        Assert.Equal((2, 2, 0, 0), (summary.Tickets, summary.CheckedIn, summary.NotYetIn, summary.Voided));
        Assert.Equal([new DoorCount("Main entrance", 1), new DoorCount("North gate", 1)], summary.Doors);
        var list = (await door.GetFromJsonAsync<Paged<CheckInDto>>($"/api/events/{ev.Id}/check-ins", Json, Ct))!;
        Assert.Equal([tickets[1].Id, tickets[0].Id], list.Items.Select(c => c.TicketId));
        Assert.Equal(2, (await door.GetFromJsonAsync<EventSales>($"/api/events/{ev.Id}/sales", Json, Ct))!.CheckedIn);
        Assert.Equal(2, (await door.GetFromJsonAsync<OrganizerSales>("/api/organizers/me/sales", Json, Ct))!.Events.Single().CheckedIn);
    }

    [Fact]
    public async Task Two_doors_scanning_the_same_ticket_at_once_admit_it_exactly_once()
    {
        var organizer = Guid.CreateVersion7();
        var ev = Factory.Inventory.AddEvent(organizer, capacity: 50);
        var attendee = Factory.ClientFor(Guid.CreateVersion7());
        var booking = await ConfirmedAsync(attendee, ev.Id, 10);
        var tickets = (await attendee.GetFromJsonAsync<List<TicketDto>>($"/api/bookings/{booking.Id}/tickets", Json, Ct))!;
        var doorA = Factory.ClientFor(organizer, "organizer");
        var doorB = Factory.ClientFor(organizer, "organizer");

        foreach (var ticket in tickets)
        {
            // Several scans per door at the same moment: exactly one 200, every other scan 409 already-checked-in.
            var scans = Enumerable.Range(0, 6).Select(async i =>
            {
                using var response = await (i % 2 == 0 ? doorA : doorB).PostAsJsonAsync($"/api/events/{ev.Id}/check-ins",
                    new { code = ticket.Code, door = i % 2 == 0 ? "A" : "B" }, Ct);
                return response.StatusCode;
            });
            var statuses = await Task.WhenAll(scans);
            Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
            Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.Conflict));
        }

        var summary = (await doorA.GetFromJsonAsync<CheckInSummary>($"/api/events/{ev.Id}/check-ins/summary", Json, Ct))!;
        Assert.Equal(10, summary.CheckedIn);
        Assert.Equal(10, summary.Doors.Sum(d => d.CheckedIn));
    }

    [Fact]
    public async Task Forged_altered_foreign_and_voided_codes_are_refused_and_change_nothing()
    {
        var organizer = Guid.CreateVersion7();
        var ev = Factory.Inventory.AddEvent(organizer, capacity: 10);
        var other = Factory.Inventory.AddEvent(organizer, capacity: 10);
        var attendee = Factory.ClientFor(Guid.CreateVersion7());
        var booking = await ConfirmedAsync(attendee, ev.Id, 2);
        var otherBooking = await ConfirmedAsync(attendee, other.Id, 1);
        var tickets = (await attendee.GetFromJsonAsync<List<TicketDto>>($"/api/bookings/{booking.Id}/tickets", Json, Ct))!;
        var foreign = (await attendee.GetFromJsonAsync<List<TicketDto>>($"/api/bookings/{otherBooking.Id}/tickets", Json, Ct))!.Single();
        var door = Factory.ClientFor(organizer, "organizer");
        var code = tickets[0].Code;
        var parts = code.Split('.');

        // Another entry number with the original signature; a signature of our own making; a code for another ticket id.
        var alteredEntry = string.Join('.', parts[0], parts[1], "999", parts[3]);
        var forgedSignature = string.Join('.', parts[0], parts[1], parts[2], Convert.ToBase64String(new byte[32]).TrimEnd('='));
        var alteredTicket = string.Join('.', Guid.CreateVersion7().ToString("N"), parts[1], parts[2], parts[3]);
        foreach (var bad in new[] { alteredEntry, forgedSignature, alteredTicket, "hello", code + "x", code[..^1] })
        {
            await RefusedAsync(door, ev.Id, bad, HttpStatusCode.UnprocessableEntity, "ticket-code-invalid");
        }

        await RefusedAsync(door, ev.Id, foreign.Code, HttpStatusCode.UnprocessableEntity, "ticket-wrong-event");

        // A cancelled booking's tickets are void.
        using (var cancel = await attendee.PostAsJsonAsync($"/api/bookings/{booking.Id}/cancel", new { }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        await RefusedAsync(door, ev.Id, code, HttpStatusCode.Conflict, "ticket-void");

        // Bad input: 400 with the field named.
        using (var empty = await door.PostAsJsonAsync($"/api/events/{ev.Id}/check-ins", new { code = " " }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
            Assert.True((await ProblemAsync(empty)).GetProperty("errors").TryGetProperty("code", out _));
        }

        using (var longDoor = await door.PostAsJsonAsync($"/api/events/{ev.Id}/check-ins", new { code, door = new string('d', 61) }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, longDoor.StatusCode);
        }

        var summary = (await door.GetFromJsonAsync<CheckInSummary>($"/api/events/{ev.Id}/check-ins/summary", Json, Ct))!;
        Assert.Equal((0, 0, 2), (summary.Tickets, summary.CheckedIn, summary.Voided));
        Assert.Null(summary.LastCheckInAt);
    }

    [Fact]
    public async Task Only_the_events_organizer_or_an_admin_works_its_door()
    {
        var organizer = Guid.CreateVersion7();
        var ev = Factory.Inventory.AddEvent(organizer, capacity: 10);
        var attendee = Factory.ClientFor(Guid.CreateVersion7());
        var booking = await ConfirmedAsync(attendee, ev.Id, 2);
        var tickets = (await attendee.GetFromJsonAsync<List<TicketDto>>($"/api/bookings/{booking.Id}/tickets", Json, Ct))!;

        var otherOrganizer = Factory.ClientFor(Guid.CreateVersion7(), "organizer");
        await RefusedAsync(otherOrganizer, ev.Id, tickets[0].Code, HttpStatusCode.Forbidden, "forbidden");
        using (var summary = await otherOrganizer.GetAsync($"/api/events/{ev.Id}/check-ins/summary", Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, summary.StatusCode);
        }

        // The ticket holder cannot let themselves in (not an organizer at all).
        using (var self = await attendee.PostAsJsonAsync($"/api/events/{ev.Id}/check-ins", new { code = tickets[0].Code }, Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, self.StatusCode);
        }

        await RefusedAsync(Factory.ClientFor(organizer, "organizer"), Guid.CreateVersion7(), tickets[0].Code, HttpStatusCode.NotFound, "event-not-found");

        var admin = Factory.ClientFor(Guid.CreateVersion7(), "admin");
        using var admitted = await admin.PostAsJsonAsync($"/api/events/{ev.Id}/check-ins", new { code = tickets[0].Code }, Ct);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
    }

    private static async Task RefusedAsync(HttpClient client, Guid eventId, string code, HttpStatusCode status, string problemCode)
    {
        using var response = await client.PostAsJsonAsync($"/api/events/{eventId}/check-ins", new { code }, Ct);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(problemCode, (await ProblemAsync(response)).GetProperty("code").GetString());
    }
}
