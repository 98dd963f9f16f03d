using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bookings.Api.Apis;
using Bookings.Api.Inventory;
using Bookings.Api.UseCases.Steps;
using EventBooking.ServiceDefaults;
using EventBooking.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bookings.Api.Tests;

/// <summary>
/// Reserved seats through bookings-api (issue 24, seats downstream) with events-api as <see cref="FakeInventory"/>: the seats a
/// line names or asks the best of reach events-api as sent, the hold's seats go on the booking and, in order, on its tickets,
/// the seat refusals pass through with their code and seats, and the line's rules are field errors before anything is held.
/// </summary>
public sealed class SeatedBookingTests(BookingsApiFactory factory) : ApiTestBase(factory), IClassFixture<BookingsApiFactory>
{
    private FakeInventory.FakeEvent SeatedEvent(Guid? organizerId = null)
    {
        var ev = Factory.Inventory.AddEvent(organizerId ?? Guid.CreateVersion7(), capacity: 5, price: 40m);
        foreach (var number in new[] { "10", "11", "12", "13", "14" })
        {
            ev.Seats.Add(new HoldSeatInfo($"stalls-F-{number}", "stalls", "F", number));
        }

        return ev;
    }

    private static async Task<HttpResponseMessage> BookAsync(HttpClient client, object body, string? key = null) =>
        await client.SendAsync(Shopping.BookingRequest(body, key ?? Guid.NewGuid().ToString()), Ct);

    [Fact]
    public async Task Named_seats_are_on_the_booking_and_each_ticket_in_order_and_at_the_door()
    {
        var organizer = Guid.CreateVersion7();
        var ev = SeatedEvent(organizer);
        var client = Factory.ClientFor(Guid.CreateVersion7());

        using var created = await BookAsync(client, new { eventId = ev.Id, lines = new[] { new { ticketTypeId = ev.TicketTypeId, seatIds = new[] { "stalls-F-13", "stalls-F-12" } } } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var booking = (await created.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!;
        Assert.Equal((2, 80m), (booking.Quantity, booking.Amount));
        var line = Assert.Single(booking.Lines);
        Assert.Equal([new SeatDto("stalls-F-13", "stalls", "F", "13"), new SeatDto("stalls-F-12", "stalls", "F", "12")], line.Seats);
        var sent = Assert.Single(Factory.Inventory.LastHoldRequest!.Lines);
        Assert.Equal((2, null), (sent.Quantity, sent.BestAvailable));
        Assert.Equal(["stalls-F-13", "stalls-F-12"], sent.SeatIds);

        // Read back from the database, the seats are the same.
        Assert.Equal(line.Seats, (await client.GetFromJsonAsync<BookingDto>($"/api/bookings/{booking.Id}", Json, Ct))!.Lines[0].Seats);

        using (var paid = await PayAsync(client, booking.Id, SuccessCard))
        {
            Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        }

        var tickets = (await client.GetFromJsonAsync<List<TicketDto>>($"/api/bookings/{booking.Id}/tickets", Json, Ct))!;
        Assert.Equal(["stalls-F-13", "stalls-F-12"], tickets.Select(t => t.Seat!.SeatId));
        Assert.Equal(new SeatDto("stalls-F-12", "stalls", "F", "12"), (await client.GetFromJsonAsync<TicketDto>($"/api/tickets/{tickets[1].Id}", Json, Ct))!.Seat);
        var mine = (await client.GetFromJsonAsync<Paged<TicketDto>>("/api/tickets", Json, Ct))!;
        Assert.Equal(["stalls-F-12", "stalls-F-13"], mine.Items.Select(t => t.Seat!.SeatId).Order());

        // booking.confirmed carries each ticket's seat and each line's seats (the confirmation email lists them).
        var outbox = await Factory.DbAsync(db => db.Outbox.Where(e => e.Type == "booking.confirmed").ToListAsync(Ct));
        var message = outbox.Select(e => JsonDocument.Parse(e.Data).RootElement).Single(d => d.GetProperty("bookingId").GetGuid() == booking.Id);
        Assert.Equal(["stalls-F-13", "stalls-F-12"], message.GetProperty("tickets").EnumerateArray().Select(t => t.GetProperty("seat").GetProperty("seatId").GetString()));
        Assert.Equal(2, message.GetProperty("lines")[0].GetProperty("seats").GetArrayLength());

        var door = Factory.ClientFor(organizer, "organizer");
        using var admitted = await door.PostAsJsonAsync($"/api/events/{ev.Id}/check-ins", new { code = tickets[0].Code }, Ct);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        Assert.Equal(new SeatDto("stalls-F-13", "stalls", "F", "13"), (await admitted.Content.ReadFromJsonAsync<CheckInDto>(Json, Ct))!.Seat);
        var list = (await door.GetFromJsonAsync<Paged<CheckInDto>>($"/api/events/{ev.Id}/check-ins", Json, Ct))!;
        Assert.Equal("stalls-F-13", Assert.Single(list.Items).Seat!.SeatId);
        using var again = await door.PostAsJsonAsync($"/api/events/{ev.Id}/check-ins", new { code = tickets[0].Code }, Ct);
        Assert.Equal("13", (await ProblemAsync(again)).GetProperty("seat").GetProperty("number").GetString());
    }

    [Fact]
    public async Task Best_available_seats_are_asked_for_as_sent_and_a_general_admission_booking_has_no_seats()
    {
        var ev = SeatedEvent();
        var client = Factory.ClientFor(Guid.CreateVersion7());

        using var created = await BookAsync(client, new
        {
            eventId = ev.Id,
            lines = new[] { new { ticketTypeId = ev.TicketTypeId, quantity = 3, bestAvailable = new { allowSplit = true, wheelchairSpaces = 1 } } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var booking = (await created.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!;
        Assert.Equal(["stalls-F-10", "stalls-F-11", "stalls-F-12"], booking.Lines[0].Seats!.Select(s => s.SeatId));
        Assert.Equal(new BestAvailableRequest(true, 1, null), Assert.Single(Factory.Inventory.LastHoldRequest!.Lines).BestAvailable);

        var ga = Factory.Inventory.AddEvent(Guid.CreateVersion7(), capacity: 5);
        var confirmed = await ConfirmedAsync(client, ga.Id, 2);
        Assert.Null(Assert.Single(confirmed.Lines).Seats);
        var tickets = (await client.GetFromJsonAsync<List<TicketDto>>($"/api/bookings/{confirmed.Id}/tickets", Json, Ct))!;
        Assert.All(tickets, t => Assert.Null(t.Seat));
    }

    [Fact]
    public async Task A_seat_taken_meanwhile_is_refused_with_the_seats_gone_and_nothing_is_stored()
    {
        var ev = SeatedEvent();
        var first = Factory.ClientFor(Guid.CreateVersion7());
        using (var taken = await BookAsync(first, new { eventId = ev.Id, lines = new[] { new { ticketTypeId = ev.TicketTypeId, seatIds = new[] { "stalls-F-12" } } } }))
        {
            Assert.Equal(HttpStatusCode.Created, taken.StatusCode);
        }

        var secondUser = Guid.CreateVersion7();
        using var refused = await BookAsync(Factory.ClientFor(secondUser),
            new { eventId = ev.Id, lines = new[] { new { ticketTypeId = ev.TicketTypeId, seatIds = new[] { "stalls-F-11", "stalls-F-12" } } } });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await ProblemAsync(refused);
        Assert.Equal("seat-not-available", problem.GetProperty("code").GetString());
        Assert.Equal(["stalls-F-12"], problem.GetProperty("seatIds").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(0, await Factory.DbAsync(db => db.Bookings.CountAsync(b => b.UserId == secondUser, Ct)));
        Assert.Equal((4, 1, 0), Factory.Inventory.Counts(ev.Id));
    }

    [Fact]
    public async Task Cancelling_a_seated_booking_frees_its_seats_for_the_next_buyer()
    {
        var ev = SeatedEvent();
        var seats = new[] { "stalls-F-10", "stalls-F-11" };
        var body = new { eventId = ev.Id, lines = new[] { new { ticketTypeId = ev.TicketTypeId, seatIds = seats } } };
        var first = Factory.ClientFor(Guid.CreateVersion7());
        using var created = await BookAsync(first, body);
        var booking = (await created.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!;
        using (var paid = await PayAsync(first, booking.Id, SuccessCard))
        {
            Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        }

        var second = Factory.ClientFor(Guid.CreateVersion7());
        using (var refused = await BookAsync(second, body))
        {
            Assert.Equal("seat-not-available", (await ProblemAsync(refused)).GetProperty("code").GetString());
        }

        using (var cancelled = await first.PostAsJsonAsync($"/api/bookings/{booking.Id}/cancel", new { reason = "Plans changed." }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        }

        using var rebooked = await BookAsync(second, body);
        Assert.Equal(HttpStatusCode.Created, rebooked.StatusCode);
        Assert.Equal(seats, (await rebooked.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!.Lines[0].Seats!.Select(s => s.SeatId));
    }

    public static TheoryData<string, string> InvalidLines => new()
    {
        { """{ "seatIds": [] }""", "lines[0].seatIds" },
        { """{ "seatIds": ["a", "a"] }""", "lines[0].seatIds" },
        { """{ "seatIds": ["a", " "] }""", "lines[0].seatIds" },
        { $$"""{ "seatIds": [{{string.Join(", ", Enumerable.Range(1, 21).Select(i => $"\"s{i}\""))}}] }""", "lines[0].seatIds" },
        { """{ "quantity": 3, "seatIds": ["a", "b"] }""", "lines[0].quantity" },
        { """{ "seatIds": ["a"], "bestAvailable": {} }""", "lines[0].bestAvailable" },
        { """{ "quantity": 2, "bestAvailable": { "wheelchairSpaces": 3 } }""", "lines[0].bestAvailable.wheelchairSpaces" },
        { """{ "quantity": 2, "bestAvailable": { "wheelchairSpaces": -1 } }""", "lines[0].bestAvailable.wheelchairSpaces" },
    };

    [Theory]
    [MemberData(nameof(InvalidLines))]
    public async Task A_line_breaking_the_seat_rules_is_a_field_error_and_nothing_is_held(string line, string field)
    {
        var ev = SeatedEvent();
        var typed = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(line)!;
        typed["ticketTypeId"] = JsonSerializer.SerializeToElement(ev.TicketTypeId);
        using var response = await BookAsync(Factory.ClientFor(Guid.CreateVersion7()), new { eventId = ev.Id, lines = new[] { typed } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ProblemAsync(response)).GetProperty("errors").TryGetProperty(field, out _), line);
        Assert.Equal((5, 0, 0), Factory.Inventory.Counts(ev.Id));
    }

    [Fact]
    public async Task The_organizer_moves_a_booking_to_other_seats_its_tickets_follow_with_new_codes_and_the_attendee_is_told_once()
    {
        var organizer = Guid.CreateVersion7();
        var ev = SeatedEvent(organizer);
        var client = Factory.ClientFor(Guid.CreateVersion7());
        using var created = await BookAsync(client, new { eventId = ev.Id, lines = new[] { new { ticketTypeId = ev.TicketTypeId, seatIds = new[] { "stalls-F-10", "stalls-F-11" } } } });
        var booking = (await created.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!;
        using (var paid = await PayAsync(client, booking.Id, SuccessCard))
        {
            Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        }

        var before = (await client.GetFromJsonAsync<List<TicketDto>>($"/api/bookings/{booking.Id}/tickets", Json, Ct))!;
        using var other = await BookAsync(Factory.ClientFor(Guid.CreateVersion7()), new { eventId = ev.Id, lines = new[] { new { ticketTypeId = ev.TicketTypeId, seatIds = new[] { "stalls-F-14" } } } });
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        var staff = Factory.ClientFor(organizer, "organizer");
        Task<HttpResponseMessage> MoveAsync(HttpClient who, object body) => who.PostAsJsonAsync($"/api/bookings/{booking.Id}/seats/move", body, Ct);
        Task<int> ToldAsync() => Factory.DbAsync(db => db.Outbox.CountAsync(e => e.Type == "booking.seats-moved", Ct));

        // Refused, nothing changes: the attendee, a bad body, a seat not the booking's, a seat another buyer has.
        Assert.Equal(HttpStatusCode.Forbidden, (await MoveAsync(client, new { moves = new[] { new { from = "stalls-F-11", to = "stalls-F-13" } } })).StatusCode);
        var invalid = await ProblemAsync(await MoveAsync(staff, new { moves = new[] { new { from = "stalls-F-11", to = "stalls-F-11" } } }));
        Assert.True(invalid.GetProperty("errors").TryGetProperty("moves[0].to", out _));
        Assert.Equal("validation", (await ProblemAsync(await MoveAsync(staff, new { moves = Array.Empty<object>() }))).GetProperty("code").GetString());
        var notMine = await ProblemAsync(await MoveAsync(staff, new { moves = new[] { new { from = "stalls-F-12", to = "stalls-F-13" } } }));
        Assert.True(notMine.GetProperty("errors").TryGetProperty("moves[0].from", out _));
        using (var taken = await MoveAsync(staff, new { moves = new[] { new { from = "stalls-F-11", to = "stalls-F-14" } } }))
        {
            Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
            Assert.Equal(["stalls-F-14"], (await ProblemAsync(taken)).GetProperty("seatIds").EnumerateArray().Select(e => e.GetString()));
        }

        Assert.Equal(0, await ToldAsync());

        // Moved: F-11 → F-13; the ticket on F-11 is on F-13 now with a new code naming F-13, the other stays as it was; the
        // attendee is told once, even when the organizer sends the same move again.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var moved = await MoveAsync(staff, new { moves = new[] { new { from = "stalls-F-11", to = "stalls-F-13" } }, reason = "F-11 is broken." });
            Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
            Assert.Equal(["stalls-F-10", "stalls-F-13"], (await moved.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!.Lines[0].Seats!.Select(s => s.SeatId));
        }

        var after = (await client.GetFromJsonAsync<List<TicketDto>>($"/api/bookings/{booking.Id}/tickets", Json, Ct))!;
        Assert.Equal(before.Select(t => t.Id), after.Select(t => t.Id));
        Assert.Equal(["stalls-F-10", "stalls-F-13"], after.Select(t => t.Seat!.SeatId));
        Assert.Equal(before[0].Code, after[0].Code);
        Assert.NotEqual(before[1].Code, after[1].Code);
        var signer = Factory.Services.GetRequiredService<TicketCodeSigner>();
        Assert.True(signer.TryRead(after[1].Code!, out _, out _, out var coded));
        Assert.Equal("stalls-F-13", coded!.SeatId);

        // At the door the old code is refused as replaced, naming the seat the ticket has now; the new one admits.
        var door = Factory.ClientFor(organizer, "organizer");
        using (var replaced = await door.PostAsJsonAsync($"/api/events/{ev.Id}/check-ins", new { code = before[1].Code }, Ct))
        {
            Assert.Equal(HttpStatusCode.Conflict, replaced.StatusCode);
            var problem = await ProblemAsync(replaced);
            Assert.Equal(("ticket-code-replaced", "13"), (problem.GetProperty("code").GetString(), problem.GetProperty("seat").GetProperty("number").GetString()));
        }

        using (var admitted = await door.PostAsJsonAsync($"/api/events/{ev.Id}/check-ins", new { code = after[1].Code }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        Assert.Equal(1, await ToldAsync());
        var message = await Factory.DbAsync(db => db.Outbox.SingleAsync(e => e.Type == "booking.seats-moved", Ct));
        var data = JsonDocument.Parse(message.Data).RootElement;
        var move = Assert.Single(data.GetProperty("moves").EnumerateArray());
        Assert.Equal(("stalls-F-11", "stalls-F-13"), (move.GetProperty("from").GetProperty("seatId").GetString(), move.GetProperty("to").GetProperty("seatId").GetString()));
        Assert.Equal("F-11 is broken.", data.GetProperty("reason").GetString());

        // A general-admission booking has no seats to move.
        var standing = Factory.Inventory.AddEvent(organizer, capacity: 5);
        using var ga = await BookAsync(client, new { eventId = standing.Id, quantity = 1 });
        var gaBooking = (await ga.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!;
        using var notSeated = await staff.PostAsJsonAsync($"/api/bookings/{gaBooking.Id}/seats/move", new { moves = new[] { new { from = "a", to = "b" } } }, Ct);
        Assert.Equal("booking-not-seated", (await ProblemAsync(notSeated)).GetProperty("code").GetString());
    }
}
