using System.Net;
using System.Net.Http.Json;
using Bookings.Api.Apis;
using EventBooking.Testing;

namespace Bookings.Api.Tests;

/// <summary>
/// An organizer's sales figures over real PostgreSQL, with every kind of row they sum: two events in two currencies, two ticket
/// types, a promo code, a late attendee cancellation (half refunded, half kept), an organizer's cancellation (all refunded), an
/// unpaid booking, and sales in two different hours (this class's own clock, moved forward).
/// </summary>
public sealed class SalesFiguresTests(BookingsApiFactory factory) : ApiTestBase(factory), IClassFixture<BookingsApiFactory>
{
    [Fact]
    public async Task Sales_figures_sum_types_codes_refunds_currencies_and_hours()
    {
        var organizer = Guid.CreateVersion7();
        var org = Factory.ClientFor(organizer, "organizer");
        // Starts in 3 hours: an attendee's cancellation is late (50 % back, the rest kept by the organizer).
        var concert = Factory.Inventory.AddEvent(organizer, capacity: 20, price: 20m, startsAt: Factory.Time.GetUtcNow().AddHours(3));
        var vip = Guid.CreateVersion7();
        concert.MoreTypes.Add(new FakeInventory.FakeTicketType(vip, "VIP", 50m));
        var talk = Factory.Inventory.AddEvent(organizer, capacity: 10, price: 15m, currency: "USD");
        using (var code = await org.PostAsJsonAsync($"/api/events/{concert.Id}/promo-codes", new { code = "TEN", kind = "percent", value = 10m }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, code.StatusCode);
        }

        // Hour 1: 2 standard (40); 1 standard + 1 VIP (70), cancelled later by its attendee; 3 of the talk (45 USD); 1 of the talk
        // (15 USD), cancelled by the organizer.
        await ConfirmedLinesAsync(Buyer(), new { eventId = concert.Id, lines = new[] { new { ticketTypeId = concert.TicketTypeId, quantity = 2 } } });
        var lateBuyer = Buyer();
        var late = await ConfirmedLinesAsync(lateBuyer, new
        {
            eventId = concert.Id,
            lines = new[] { new { ticketTypeId = concert.TicketTypeId, quantity = 1 }, new { ticketTypeId = vip, quantity = 1 } },
        });
        await ConfirmedLinesAsync(Buyer(), new { eventId = talk.Id, quantity = 3 });
        var refunded = await ConfirmedLinesAsync(Buyer(), new { eventId = talk.Id, quantity = 1 });

        // Hour 2: 1 standard with 10 % off (18); the cancellations; a booking never paid.
        Factory.Time.Advance(TimeSpan.FromHours(1));
        await ConfirmedLinesAsync(Buyer(), new { eventId = concert.Id, lines = new[] { new { ticketTypeId = concert.TicketTypeId, quantity = 1 } }, promoCode = "TEN" });
        using (var cancel = await lateBuyer.PostAsJsonAsync($"/api/bookings/{late}/cancel", new { }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        using (var cancel = await org.PostAsJsonAsync($"/api/bookings/{refunded}/cancel", new { }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        using (var unpaid = await Buyer().SendAsync(Shopping.BookingRequest(new { eventId = concert.Id, lines = new[] { new { ticketTypeId = vip, quantity = 2 } } }, Guid.NewGuid().ToString()), Ct))
        {
            Assert.Equal(HttpStatusCode.Created, unpaid.StatusCode);
        }

        var concertSales = (await org.GetFromJsonAsync<EventSales>($"/api/events/{concert.Id}/sales?interval=hour", Json, Ct))!;
        Assert.Equal((concert.Id, "EUR", 3, 2), (concertSales.EventId, concertSales.Currency, concertSales.TicketsSold, concertSales.ConfirmedBookings));
        // 40 + 18 confirmed, and the 35 kept of the late cancellation's 70.
        Assert.Equal((93m, 1, 35m), (concertSales.Revenue, concertSales.RefundCount, concertSales.RefundedAmount));
        Assert.Equal((20, 0.15), (concertSales.Capacity, concertSales.Occupancy));
        Assert.Equal([(2, 40m), (1, 18m)], concertSales.Series.Select(p => (p.TicketsSold, p.Revenue)));
        Assert.All(concertSales.Series, p => Assert.Equal(new DateTimeOffset(p.Period.Year, p.Period.Month, p.Period.Day, p.Period.Hour, 0, 0, TimeSpan.Zero), p.Period));
        Assert.Equal(TimeSpan.FromHours(1), concertSales.Series[1].Period - concertSales.Series[0].Period);
        var standard = Assert.Single(concertSales.TicketTypes);
        Assert.Equal((concert.TicketTypeId, "Standard", 3, 58m, 2m), (standard.TicketTypeId, standard.Name, standard.TicketsSold, standard.Revenue, standard.Discount));

        var talkSales = (await org.GetFromJsonAsync<EventSales>($"/api/events/{talk.Id}/sales", Json, Ct))!;
        Assert.Equal(("USD", 3, 1, 45m, 1, 15m), (talkSales.Currency, talkSales.TicketsSold, talkSales.ConfirmedBookings, talkSales.Revenue, talkSales.RefundCount, talkSales.RefundedAmount));
        var day = Assert.Single(talkSales.Series);
        Assert.Equal((3, 45m, TimeSpan.Zero), (day.TicketsSold, day.Revenue, day.Period.TimeOfDay));

        var mine = (await org.GetFromJsonAsync<OrganizerSales>("/api/organizers/me/sales?interval=hour", Json, Ct))!;
        Assert.Equal((organizer, 6, 2), (mine.OrganizerId, mine.TicketsSold, mine.RefundCount));
        Assert.Equal([(93m, "EUR"), (45m, "USD")], mine.Revenue.Select(m => (m.Amount, m.Currency)).OrderBy(m => m.Currency));
        Assert.Equal([(35m, "EUR"), (15m, "USD")], mine.Refunds.Select(m => (m.Amount, m.Currency)).OrderBy(m => m.Currency));
        Assert.Equal([(5, 85m), (1, 18m)], mine.Series.Select(p => (p.TicketsSold, p.Revenue)));
        Assert.Equal([concertSales, talkSales with { Interval = "hour", Series = [day with { Period = concertSales.Series[0].Period }] }],
            mine.Events.OrderBy(e => e.Currency), new SalesComparer());
    }

    private HttpClient Buyer() => Factory.ClientFor(Guid.CreateVersion7());

    private static async Task<Guid> ConfirmedLinesAsync(HttpClient buyer, object body)
    {
        using var created = await buyer.SendAsync(Shopping.BookingRequest(body, Guid.NewGuid().ToString()), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var booking = (await created.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!;
        using var paid = await PayAsync(buyer, booking.Id, SuccessCard);
        Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        return booking.Id;
    }

    /// <summary>Two events' figures are equal when every figure is, lists compared item by item.</summary>
    private sealed class SalesComparer : IEqualityComparer<EventSales>
    {
        public bool Equals(EventSales? x, EventSales? y) =>
            x is not null && y is not null
            && x with { Series = [], TicketTypes = [] } == y with { Series = [], TicketTypes = [] }
            && x.Series.SequenceEqual(y.Series) && x.TicketTypes.SequenceEqual(y.TicketTypes);

        public int GetHashCode(EventSales obj) => obj.EventId.GetHashCode();
    }
}
