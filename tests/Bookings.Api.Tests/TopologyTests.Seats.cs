using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bookings.Api.Apis;
using EventBooking.AppHost;
using EventBooking.Testing;

namespace Bookings.Api.Tests;

/// <summary>Reserved seats bought through bookings-api against the real events-api: on the booking and tickets, refused when taken, freed by a cancellation.</summary>
public sealed partial class TopologyTests
{
    [Fact]
    public async Task Seats_booked_are_on_the_tickets_refused_to_the_next_buyer_and_freed_by_the_cancellation()
    {
        var (eventId, stalls) = await SeatedEventAsync();
        var body = new { eventId, lines = new[] { new { ticketTypeId = stalls, seatIds = new[] { "stalls-A-2", "stalls-A-3" } } } };
        using var attendee = await fixture.AsAsync(ResourceNames.BookingsApi, "attendee");
        using var created = await BookAsync(attendee, body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var booking = (await created.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!;
        Assert.Equal([new SeatDto("stalls-A-2", "Stalls", "A", "2"), new SeatDto("stalls-A-3", "Stalls", "A", "3")], booking.Lines[0].Seats);
        using (var paid = await PayAsync(attendee, booking.Id, "4242424242424242", Guid.NewGuid().ToString()))
        {
            Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        }

        var tickets = (await attendee.GetFromJsonAsync<List<TicketDto>>($"/api/bookings/{booking.Id}/tickets", Json, Ct))!;
        Assert.Equal(["stalls-A-2", "stalls-A-3"], tickets.Select(t => t.Seat!.SeatId));

        // Another buyer asking for one of them is told which seat is gone.
        using var other = await fixture.AsAsync(ResourceNames.BookingsApi, "attendee-2");
        using (var refused = await BookAsync(other, new { eventId, lines = new[] { new { ticketTypeId = stalls, seatIds = new[] { "stalls-A-3", "stalls-A-4" } } } }))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(Json, Ct);
            Assert.Equal("seat-not-available", problem.GetProperty("code").GetString());
            Assert.Equal(["stalls-A-3"], problem.GetProperty("seatIds").EnumerateArray().Select(s => s.GetString()));
        }

        using (var cancelled = await attendee.PostAsJsonAsync($"/api/bookings/{booking.Id}/cancel", new { reason = "Plans changed." }, Json, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        }

        // The same seats can be booked again.
        using var rebooked = await BookAsync(other, body);
        Assert.Equal(HttpStatusCode.Created, rebooked.StatusCode);
        Assert.Equal(["stalls-A-2", "stalls-A-3"], (await rebooked.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!.Lines[0].Seats!.Select(s => s.SeatId));
    }

    [Fact]
    public async Task The_organizer_moves_a_paid_booking_to_another_seat_and_events_api_frees_the_old_one()
    {
        var (eventId, stalls) = await SeatedEventAsync();
        using var attendee = await fixture.AsAsync(ResourceNames.BookingsApi, "attendee");
        using var created = await BookAsync(attendee, new { eventId, lines = new[] { new { ticketTypeId = stalls, seatIds = new[] { "stalls-A-1", "stalls-A-2" } } } });
        var booking = (await created.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!;
        using (var paid = await PayAsync(attendee, booking.Id, "4242424242424242", Guid.NewGuid().ToString()))
        {
            Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        }

        using var organizer = await fixture.AsAsync(ResourceNames.BookingsApi, "organizer");
        using (var moved = await organizer.PostAsJsonAsync($"/api/bookings/{booking.Id}/seats/move",
            new { moves = new[] { new { from = "stalls-A-2", to = "stalls-A-4" } }, reason = "A-2 is broken." }, Json, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
            Assert.Equal([new SeatDto("stalls-A-1", "Stalls", "A", "1"), new SeatDto("stalls-A-4", "Stalls", "A", "4")],
                (await moved.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!.Lines[0].Seats);
        }

        var tickets = (await attendee.GetFromJsonAsync<List<TicketDto>>($"/api/bookings/{booking.Id}/tickets", Json, Ct))!;
        Assert.Equal(["stalls-A-1", "stalls-A-4"], tickets.Select(t => t.Seat!.SeatId));

        // events-api sold A-4 to the booking and A-2 is for sale again: another buyer gets A-2, and is refused A-4.
        using var other = await fixture.AsAsync(ResourceNames.BookingsApi, "attendee-2");
        using (var refused = await BookAsync(other, new { eventId, lines = new[] { new { ticketTypeId = stalls, seatIds = new[] { "stalls-A-4" } } } }))
        {
            Assert.Equal("seat-not-available", (await refused.Content.ReadFromJsonAsync<JsonElement>(Json, Ct)).GetProperty("code").GetString());
        }

        using var freed = await BookAsync(other, new { eventId, lines = new[] { new { ticketTypeId = stalls, seatIds = new[] { "stalls-A-2" } } } });
        Assert.Equal(HttpStatusCode.Created, freed.StatusCode);
    }

    [Fact]
    public async Task Reconciliation_checks_the_seats_each_hold_owns_against_the_tickets_and_reports_a_seat_nobody_owns()
    {
        var (eventId, stalls) = await SeatedEventAsync();
        using var attendee = await fixture.AsAsync(ResourceNames.BookingsApi, "attendee");
        using var created = await BookAsync(attendee, new { eventId, lines = new[] { new { ticketTypeId = stalls, seatIds = new[] { "stalls-A-1", "stalls-A-2" } } } });
        var booking = (await created.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!;
        using (var paid = await PayAsync(attendee, booking.Id, "4242424242424242", Guid.NewGuid().ToString()))
        {
            Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        }

        using var held = await BookAsync(attendee, new { eventId, lines = new[] { new { ticketTypeId = stalls, seatIds = new[] { "stalls-A-3" } } } });
        Assert.Equal(HttpStatusCode.Created, held.StatusCode);
        using var admin = await fixture.AsAsync(ResourceNames.BookingsApi, "admin");
        var report = await ReconcileAsync(admin, eventId);
        Assert.True(report.GetProperty("ok").GetBoolean(), report.ToString());

        // A free seat marked sold to the paid booking's hold: the hold owns a seat no ticket names, and the category's seats
        // no longer match its counters.
        await SetSeatAsync(eventId, "stalls-A-4", status: 2, holdId: booking.Id);
        try
        {
            var broken = await ReconcileAsync(admin, eventId);
            Assert.False(broken.GetProperty("ok").GetBoolean());
            var found = broken.GetProperty("discrepancies").EnumerateArray()
                .Select(d => (Kind: d.GetProperty("kind").GetString(), Detail: d.GetProperty("detail").GetString())).ToList();
            Assert.Contains(found, d => d.Kind == "seats-not-ticketed" && d.Detail!.Contains("stalls-A-4"));
            Assert.Contains(found, d => d.Kind == "type-seat-counter-mismatch");
            Assert.DoesNotContain(found, d => d.Kind == "seats-without-hold");

            // The same seat sold to a hold that does not exist: no hold owns it.
            await SetSeatAsync(eventId, "stalls-A-4", status: 2, holdId: Guid.NewGuid());
            found = (await ReconcileAsync(admin, eventId)).GetProperty("discrepancies").EnumerateArray()
                .Select(d => (Kind: d.GetProperty("kind").GetString(), Detail: d.GetProperty("detail").GetString())).ToList();
            Assert.Contains(found, d => d.Kind == "seats-without-hold" && d.Detail!.StartsWith("1 seat(s)", StringComparison.Ordinal));
            Assert.DoesNotContain(found, d => d.Kind == "seats-not-ticketed");
        }
        finally
        {
            await SetSeatAsync(eventId, "stalls-A-4", status: 0, holdId: null);
        }

        Assert.True((await ReconcileAsync(admin, eventId)).GetProperty("ok").GetBoolean());
    }

    /// <summary>Sets one seat's status and hold straight in events-api's database (a planted corruption), bumping the map's version.</summary>
    private async Task SetSeatAsync(Guid eventId, string seatId, int status, Guid? holdId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(await fixture.System.ConnectionStringAsync(ResourceNames.EventsDb, Ct));
        await connection.OpenAsync(Ct);
        await using var command = new Npgsql.NpgsqlCommand(
            "WITH bumped AS (UPDATE event_seating SET version = version + 1 WHERE event_id = $1) " +
            "UPDATE event_seats SET status = $3, hold_id = $4 WHERE event_id = $1 AND seat_id = $2", connection)
        {
            Parameters = { new() { Value = eventId }, new() { Value = seatId }, new() { Value = status }, new() { Value = (object?)holdId ?? DBNull.Value } },
        };
        Assert.Equal(1, await command.ExecuteNonQueryAsync(Ct));
    }

    /// <summary>A published event on a plan of one reserved area ("stalls", row A 1–4, one category); its category's ticket type.</summary>
    private async Task<(Guid EventId, Guid Stalls)> SeatedEventAsync()
    {
        using var organizer = await fixture.AsAsync(ResourceNames.EventsApi, "organizer");
        var document = new
        {
            schemaVersion = 1,
            name = "Bookings test hall " + Guid.NewGuid().ToString("N")[..8],
            categories = new[] { new { key = "stalls-a", name = "Stalls A", color = "#b22222" } },
            areas = new[]
            {
                new
                {
                    id = "stalls", name = "Stalls", kind = "Reserved",
                    seats = Enumerable.Range(1, 4).Select(n => new { id = $"stalls-A-{n}", row = "A", number = $"{n}", x = n * 10, y = 0, category = "stalls-a", rank = n }).ToArray(),
                },
            },
        };
        using var plan = await organizer.PostAsJsonAsync("/api/venue-plans", document, Json, Ct);
        Assert.True(plan.StatusCode == HttpStatusCode.Created, await plan.Content.ReadAsStringAsync(Ct));
        var planId = (await plan.Content.ReadFromJsonAsync<JsonElement>(Json, Ct)).GetProperty("id").GetGuid();
        var eventId = await CreatePublishedEventAsync(capacity: 4, price: 30m);
        using var seated = await organizer.PutAsJsonAsync($"/api/events/{eventId}/seating",
            new { planId, prices = new[] { new { category = "stalls-a", price = 30m } } }, Json, Ct);
        Assert.True(seated.StatusCode == HttpStatusCode.OK, await seated.Content.ReadAsStringAsync(Ct));
        var map = await seated.Content.ReadFromJsonAsync<JsonElement>(Json, Ct);
        return (eventId, map.GetProperty("categories")[0].GetProperty("ticketTypeId").GetGuid());
    }
}
