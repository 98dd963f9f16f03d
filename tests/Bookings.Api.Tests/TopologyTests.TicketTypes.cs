using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bookings.Api.Apis;
using EventBooking.AppHost;
using EventBooking.Testing;

namespace Bookings.Api.Tests;

/// <summary>Ticket types sold through bookings-api against the real events-api: lines, prices, tickets, codes, sales, reconciliation.</summary>
public sealed partial class TopologyTests
{
    [Fact]
    public async Task A_booking_mixes_ticket_types_end_to_end()
    {
        var eventId = await CreatePublishedEventAsync(capacity: 20, price: 10m);
        var standard = await TicketTypeIdAsync(eventId, "Standard");
        var vip = await AddTicketTypeAsync(eventId, "VIP", 50m, capacity: 5);
        using var attendee = await fixture.AsAsync(ResourceNames.BookingsApi, "attendee");

        // The body from before types means the event's only type: refused now that it sells two.
        using (var untyped = await attendee.SendAsync(Shopping.BookingRequest(eventId, 1, Guid.NewGuid().ToString()), Ct))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, untyped.StatusCode);
            Assert.Equal("ticket-type-required", (await untyped.Content.ReadFromJsonAsync<JsonElement>(Json, Ct)).GetProperty("code").GetString());
        }

        using var response = await BookAsync(attendee, new { eventId, lines = new[] { new { ticketTypeId = standard, quantity = 2 }, new { ticketTypeId = vip, quantity = 1 } } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var booking = (await response.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!;
        Assert.Equal((3, 70m, "EUR"), (booking.Quantity, booking.Amount, booking.Currency));
        Assert.Equal([(standard, "Standard", 2, 10m), (vip, "VIP", 1, 50m)],
            booking.Lines.Select(l => (l.TicketTypeId!.Value, l.TicketTypeName, l.Quantity, l.UnitPrice)).OrderBy(l => l.Item3 == 1));

        using (var paid = await PayAsync(attendee, booking.Id, "4242424242424242", Guid.NewGuid().ToString()))
        {
            Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        }

        var tickets = (await attendee.GetFromJsonAsync<List<TicketDto>>($"/api/bookings/{booking.Id}/tickets", Json, Ct))!;
        Assert.Equal(3, tickets.Count);
        Assert.Equal(2, tickets.Count(t => t.TicketTypeId == standard && t.TicketTypeName == "Standard"));
        Assert.Equal(vip, Assert.Single(tickets, t => t.TicketTypeName == "VIP").TicketTypeId);

        // Sales per type, and the reconciliation per type, both clean.
        using var organizer = await fixture.AsAsync(ResourceNames.BookingsApi, "organizer");
        var sales = (await organizer.GetFromJsonAsync<EventSales>($"/api/events/{eventId}/sales", Json, Ct))!;
        Assert.Equal(3, sales.TicketsSold);
        Assert.Equal([("Standard", 2, 20m), ("VIP", 1, 50m)],
            sales.TicketTypes.Select(t => (t.Name, t.TicketsSold, t.Revenue)).OrderBy(t => t.Name));
        using var admin = await fixture.AsAsync(ResourceNames.BookingsApi, "admin");
        var report = await ReconcileAsync(admin, eventId);
        Assert.True(report.GetProperty("ok").GetBoolean(), report.ToString());
        var types = Assert.Single(report.GetProperty("events").EnumerateArray()).GetProperty("ticketTypes").EnumerateArray()
            .ToDictionary(t => t.GetProperty("ticketTypeId").GetGuid(), t => (t.GetProperty("sold").GetInt32(), t.GetProperty("ticketsIssued").GetInt32()));
        Assert.Equal((2, 2), types[standard]);
        Assert.Equal((1, 1), types[vip]);
    }

    [Fact]
    public async Task Three_hundred_thirty_buyers_race_for_three_capped_types_and_no_type_is_oversold()
    {
        var eventId = await CreatePublishedEventAsync(capacity: 400, price: 10m);
        var caps = new Dictionary<Guid, int>
        {
            [await AddTicketTypeAsync(eventId, "Floor", 15m, capacity: 50)] = 50,
            [await AddTicketTypeAsync(eventId, "Balcony", 20m, capacity: 60)] = 60,
            [await AddTicketTypeAsync(eventId, "Box", 30m, capacity: 70)] = 70,
        };
        var typeIds = caps.Keys.ToList();
        using var attendee = await fixture.AsAsync(ResourceNames.BookingsApi, "attendee");

        // 110 buyers per type, all at once: more than any type has.
        var attempts = await Task.WhenAll(Enumerable.Range(0, 330).Select(async i =>
        {
            var (type, key) = (typeIds[i % 3], Guid.NewGuid().ToString());
            var body = new { eventId, lines = new[] { new { ticketTypeId = type, quantity = 1 } } };
            using var response = await RetryPolicy.Unavailable.SendAsync(attendee, () => Shopping.BookingRequest(body, key), Ct);
            return (Type: type, response.StatusCode, Booking: response.StatusCode == HttpStatusCode.Created ? await response.Content.ReadFromJsonAsync<BookingDto>(Json, Ct) : null);
        }));
        Assert.All(attempts, a => Assert.True(a.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, a.StatusCode.ToString()));
        foreach (var (type, cap) in caps)
        {
            Assert.Equal(cap, attempts.Count(a => a.Type == type && a.StatusCode == HttpStatusCode.Created));
        }

        var payments = await Task.WhenAll(attempts.Where(a => a.Booking is not null).Select(async a =>
        {
            var key = Guid.NewGuid().ToString();
            using var response = await RetryPolicy.Unavailable.SendAsync(attendee, () => Shopping.PaymentRequest(a.Booking!.Id, key), Ct);
            return response.StatusCode;
        }));
        Assert.All(payments, status => Assert.Equal(HttpStatusCode.Created, status));

        // events-api's counters per type: sold = the cap, nothing held; the event's add up.
        using var eventsOrganizer = await fixture.AsAsync(ResourceNames.EventsApi, "organizer");
        var listed = (await eventsOrganizer.GetFromJsonAsync<List<JsonElement>>($"/api/events/{eventId}/ticket-types", Json, Ct))!
            .ToDictionary(t => t.GetProperty("id").GetGuid(), t => (Held: t.GetProperty("held").GetInt32(), Sold: t.GetProperty("sold").GetInt32()));
        foreach (var (type, cap) in caps)
        {
            Assert.Equal((0, cap), listed[type]);
        }

        Assert.Equal(new Availability(400, 220, 0, 180), await AvailabilityAsync(eventId));

        // bookings-api: every seat a confirmed booking and a ticket of its type; sales and the reconciliation agree.
        using var organizer = await fixture.AsAsync(ResourceNames.BookingsApi, "organizer");
        var sales = (await organizer.GetFromJsonAsync<EventSales>($"/api/events/{eventId}/sales", Json, Ct))!;
        Assert.Equal((180, 180), (sales.TicketsSold, sales.ConfirmedBookings));
        Assert.Equal(caps.OrderBy(c => c.Key).Select(c => (c.Key, c.Value)),
            sales.TicketTypes.Select(t => (t.TicketTypeId!.Value, t.TicketsSold)).OrderBy(t => t.Item1));
        Assert.Equal(sales.TicketsSold, sales.TicketTypes.Sum(t => t.TicketsSold));
        using var admin = await fixture.AsAsync(ResourceNames.BookingsApi, "admin");
        var report = await ReconcileAsync(admin, eventId);
        Assert.True(report.GetProperty("ok").GetBoolean(), report.ToString());
        Assert.All(Assert.Single(report.GetProperty("events").EnumerateArray()).GetProperty("ticketTypes").EnumerateArray(),
            t => Assert.Equal(t.GetProperty("sold").GetInt32(), t.GetProperty("ticketsIssued").GetInt32()));
    }

    [Fact]
    public async Task A_code_scoped_to_a_type_discounts_only_its_seats_and_a_code_unlocks_a_hidden_type()
    {
        var eventId = await CreatePublishedEventAsync(capacity: 20, price: 10m);
        var standard = await TicketTypeIdAsync(eventId, "Standard");
        var vip = await AddTicketTypeAsync(eventId, "VIP", 50m, capacity: 5);
        var crew = await AddTicketTypeAsync(eventId, "Crew", 5m, capacity: null, visibility: "Hidden");
        using var organizer = await fixture.AsAsync(ResourceNames.BookingsApi, "organizer");
        using var attendee = await fixture.AsAsync(ResourceNames.BookingsApi, "attendee");

        // A type the event does not have is a field error; nothing is created.
        using (var unknown = await organizer.PostAsJsonAsync($"/api/events/{eventId}/promo-codes",
            new { code = "NOPE", kind = "percent", value = 10, ticketTypeIds = new[] { Guid.CreateVersion7() } }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
            Assert.True((await unknown.Content.ReadFromJsonAsync<JsonElement>(Json, Ct)).GetProperty("errors").TryGetProperty("ticketTypeIds", out _));
        }

        Assert.Empty((await organizer.GetFromJsonAsync<List<PromoCodeDto>>($"/api/events/{eventId}/promo-codes", Json, Ct))!);

        using (var created = await organizer.PostAsJsonAsync($"/api/events/{eventId}/promo-codes",
            new { code = "VIP-20", kind = "percent", value = 20, ticketTypeIds = new[] { vip } }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal([vip], (await created.Content.ReadFromJsonAsync<PromoCodeDto>(Json, Ct))!.TicketTypeIds);
        }

        // 20 % off the VIP seat only: 10 + 50 − 10.
        using (var mixed = await BookAsync(attendee, new { eventId, promoCode = "vip-20",
            lines = new[] { new { ticketTypeId = standard, quantity = 1 }, new { ticketTypeId = vip, quantity = 1 } } }))
        {
            Assert.Equal(HttpStatusCode.Created, mixed.StatusCode);
            var booking = (await mixed.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!;
            Assert.Equal((10m, 50m), (booking.Discount, booking.Amount));
            Assert.Equal(10m, Assert.Single(booking.Lines, l => l.TicketTypeId == vip).Discount);
            Assert.Equal(0m, Assert.Single(booking.Lines, l => l.TicketTypeId == standard).Discount);
        }

        // The code on seats outside its scope: refused, nothing held.
        var before = await AvailabilityAsync(eventId);
        using (var outOfScope = await BookAsync(attendee, new { eventId, promoCode = "VIP-20", lines = new[] { new { ticketTypeId = standard, quantity = 1 } } }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, outOfScope.StatusCode);
            Assert.Equal("promo-code-not-applicable", (await outOfScope.Content.ReadFromJsonAsync<JsonElement>(Json, Ct)).GetProperty("code").GetString());
        }

        Assert.Equal(before, await AvailabilityAsync(eventId));

        // A hidden type: not for sale without the code that unlocks it.
        var crewOnly = new[] { new { ticketTypeId = crew, quantity = 2 } };
        using (var hidden = await BookAsync(attendee, new { eventId, lines = crewOnly }))
        {
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
            Assert.Equal("ticket-type-not-found", (await hidden.Content.ReadFromJsonAsync<JsonElement>(Json, Ct)).GetProperty("code").GetString());
        }

        Assert.Equal(before, await AvailabilityAsync(eventId));
        using (var created = await organizer.PostAsJsonAsync($"/api/events/{eventId}/promo-codes",
            new { code = "CREW-PASS", kind = "fixed", value = 0, maxUses = 5, unlocksTicketTypeIds = new[] { crew } }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var unlocked = await BookAsync(attendee, new { eventId, promoCode = "crew-pass", lines = crewOnly });
        Assert.Equal(HttpStatusCode.Created, unlocked.StatusCode);
        var crewBooking = (await unlocked.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!;
        Assert.Equal((10m, 0m, "CREW-PASS"), (crewBooking.Amount, crewBooking.Discount, crewBooking.PromoCode));
        Assert.Equal("Crew", Assert.Single(crewBooking.Lines).TicketTypeName);
    }

    private static async Task<HttpResponseMessage> BookAsync(HttpClient client, object body) =>
        await client.SendAsync(Shopping.BookingRequest(body, Guid.NewGuid().ToString()), Ct);

    private async Task<Guid> AddTicketTypeAsync(Guid eventId, string name, decimal price, int? capacity, string? visibility = null)
    {
        using var organizer = await fixture.AsAsync(ResourceNames.EventsApi, "organizer");
        using var response = await organizer.PostAsJsonAsync($"/api/events/{eventId}/ticket-types",
            new { name, price, capacity, visibility = visibility ?? "Public" }, Json, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Json, Ct)).GetProperty("id").GetGuid();
    }

    private async Task<Guid> TicketTypeIdAsync(Guid eventId, string name)
    {
        using var organizer = await fixture.AsAsync(ResourceNames.EventsApi, "organizer");
        var types = (await organizer.GetFromJsonAsync<List<JsonElement>>($"/api/events/{eventId}/ticket-types", Json, Ct))!;
        return types.Single(t => t.GetProperty("name").GetString() == name).GetProperty("id").GetGuid();
    }
}
