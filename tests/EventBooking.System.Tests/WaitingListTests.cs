using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventBooking.AppHost;
using EventBooking.Testing;
using Xunit;

namespace EventBooking.SystemTests;

/// <summary>
/// The waiting list of a sold-out event (issue 20) on the whole system with two replicas of every API, offers lasting 30 s
/// (<see cref="SystemTopology"/>): a cancellation is offered to the first in line, who books it under the offer id (nobody
/// else can) and is notified; an unanswered offer moves on; offers never overlap (held + sold ≤ capacity, each its own hold);
/// reconciliation stays ok with an offer outstanding.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class WaitingListTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_cancellation_is_offered_in_order_booked_by_its_buyer_only_and_an_unanswered_offer_moves_on()
    {
        const int capacity = 2;
        var eventId = await fixture.CreatePublishedEventAsync(new NewEvent { Capacity = capacity });
        var holders = new[] { await fixture.RegisterAsync(), await fixture.RegisterAsync() };
        var paid = new List<PaidBooking>();
        foreach (var holder in holders)
        {
            using var bookings = fixture.CreateClient(ResourceNames.BookingsApi, holder.AccessToken);
            paid.Add(await bookings.BookAndPayAsync(eventId, retry: fixture.Retry, cancellationToken: Ct));
        }

        var first = await fixture.RegisterAsync();
        var second = await fixture.RegisterAsync();
        Assert.Equal(1, (await JoinAsync(first, eventId, replica: 0)).GetProperty("position").GetInt32());
        Assert.Equal(2, (await JoinAsync(second, eventId, replica: 1)).GetProperty("position").GetInt32());

        // A cancellation (refund, seats released) is offered to the first in line; the second keeps waiting, first in line now.
        await CancelAsync(holders[0], paid[0].BookingId);
        var offer = await OfferAsync(first, eventId);
        var offerId = offer.GetProperty("offerId").GetGuid();
        var behind = await EntryAsync(second, eventId);
        Assert.Equal(("Waiting", 1), (behind.GetProperty("status").GetString(), behind.GetProperty("position").GetInt32()));
        await AssertSeatsAsync(eventId, held: 1, sold: 1);
        Assert.True((await Invariants.ReconciledAsync(fixture, eventId)).GetProperty("ok").GetBoolean());
        await Poll.UntilAsync(async () => await NotifiedAsync(first, offerId), Patience, "the offered buyer is notified, with the link to book", Ct);

        // Nobody else books the offer, nor its buyer for other seats; its buyer books it under the offer id and pays.
        using (var stranger = fixture.CreateClient(ResourceNames.BookingsApi, second.AccessToken))
        {
            using var refused = await BookOfferAsync(stranger, eventId, offerId, quantity: 1);
            Assert.Equal("waiting-list-offer-not-found", Answers.CodeOf(await refused.ReadJsonAsync(HttpStatusCode.NotFound, Ct)));
        }

        using var buyer = fixture.CreateClient(ResourceNames.BookingsApi, first.AccessToken);
        using (var wrongSeats = await BookOfferAsync(buyer, eventId, offerId, quantity: 2))
        {
            Assert.Equal("waiting-list-offer-not-found", Answers.CodeOf(await wrongSeats.ReadJsonAsync(HttpStatusCode.NotFound, Ct)));
        }

        using (var booked = await BookOfferAsync(buyer, eventId, offerId, quantity: 1))
        {
            var booking = await booked.ReadJsonAsync(HttpStatusCode.Created, Ct);
            Assert.Equal(offerId, booking.GetProperty("id").GetGuid());
        }

        await buyer.PayAsync(offerId, retry: fixture.Retry, cancellationToken: Ct);
        await AssertSeatsAsync(eventId, held: 0, sold: 2);
        await Poll.UntilAsync(async () => await StatusOfAsync(eventId, first.UserId) == "Booked", Patience, "the accepted offer is booked", Ct);

        // The next cancellation goes to the second, who does not answer: the offer runs out, its seat comes back (nobody waits).
        await CancelAsync(holders[1], paid[1].BookingId);
        var unanswered = (await OfferAsync(second, eventId)).GetProperty("offerId").GetGuid();
        Assert.NotEqual(offerId, unanswered);
        await AssertSeatsAsync(eventId, held: 1, sold: 1);
        await Poll.UntilAsync(async () => await StatusOfAsync(eventId, second.UserId) == "Missed", Patience, "the unanswered offer is missed", Ct);
        await AssertSeatsAsync(eventId, held: 0, sold: 1);
        using (var late = await BookOfferAsync(fixture.CreateClient(ResourceNames.BookingsApi, second.AccessToken), eventId, unanswered, quantity: 1))
        {
            Assert.Equal("waiting-list-offer-expired", Answers.CodeOf(await late.ReadJsonAsync(HttpStatusCode.Conflict, Ct)));
        }

        Assert.True((await Invariants.ReconciledAsync(fixture, eventId)).GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Offers_on_two_replicas_never_overlap()
    {
        const int capacity = 4;
        var eventId = await fixture.CreatePublishedEventAsync(new NewEvent { Capacity = capacity });
        var holder = await fixture.RegisterAsync();
        using var holderBookings = fixture.CreateClient(ResourceNames.BookingsApi, holder.AccessToken);
        var paid = new List<PaidBooking>();
        for (var i = 0; i < capacity; i++)
        {
            paid.Add(await holderBookings.BookAndPayAsync(eventId, retry: fixture.Retry, cancellationToken: Ct));
        }

        var waiting = new List<Account>();
        for (var i = 0; i < 6; i++)
        {
            waiting.Add(await fixture.RegisterAsync());
            await JoinAsync(waiting[i], eventId, replica: i % 2);
        }

        // Every seat comes back at once; both replicas' offerers run: each seat is offered once, in order, never beyond capacity.
        await Task.WhenAll(paid.Select(p => CancelAsync(holder, p.BookingId)));
        var offers = new List<Guid>();
        for (var i = 0; i < capacity; i++)
        {
            offers.Add((await OfferAsync(waiting[i], eventId)).GetProperty("offerId").GetGuid());
        }

        Assert.Equal(capacity, offers.Distinct().Count());
        for (var i = capacity; i < waiting.Count; i++)
        {
            var entry = await EntryAsync(waiting[i], eventId);
            Assert.Equal(("Waiting", i - capacity + 1), (entry.GetProperty("status").GetString(), entry.GetProperty("position").GetInt32()));
        }

        await AssertSeatsAsync(eventId, held: capacity, sold: 0);
        using var service = fixture.CreateClient(ResourceNames.EventsApi, await fixture.ServiceTokenAsync(ResourceNames.BookingsApi));
        var inventory = await service.GetFromJsonAsync<JsonElement>($"/internal/events/{eventId}/inventory", Ct);
        Assert.Equal(offers.Order(), inventory.GetProperty("holds").EnumerateArray().Select(h => h.GetProperty("holdId").GetGuid()).Order());
        Assert.True((await Invariants.ReconciledAsync(fixture, eventId)).GetProperty("ok").GetBoolean());
    }

    private async Task<JsonElement> JoinAsync(Account account, Guid eventId, int replica)
    {
        using var events = fixture.CreateClient(ResourceNames.EventsApi, account.AccessToken, replica);
        using var response = await fixture.Retry.SendAsync(ct => events.PostAsJsonAsync($"/api/events/{eventId}/waiting-list", new { quantity = 1 }, ct), Ct);
        return await response.ReadJsonAsync(HttpStatusCode.Created, Ct);
    }

    private async Task<JsonElement> EntryAsync(Account account, Guid eventId)
    {
        using var events = fixture.CreateClient(ResourceNames.EventsApi, account.AccessToken);
        using var response = await fixture.Retry.SendAsync(ct => events.GetAsync($"/api/events/{eventId}/waiting-list/me", ct), Ct);
        return await response.ReadJsonAsync(HttpStatusCode.OK, Ct);
    }

    private async Task<JsonElement> OfferAsync(Account account, Guid eventId)
    {
        JsonElement offer = default;
        await Poll.UntilAsync(async () =>
        {
            var entry = await EntryAsync(account, eventId);
            offer = entry.GetProperty("offer");
            return offer.ValueKind == JsonValueKind.Object;
        }, Patience, "the buyer is offered seats", Ct);
        return offer;
    }

    /// <summary>The account's entry's status on the organizer's list.</summary>
    private async Task<string?> StatusOfAsync(Guid eventId, Guid userId)
    {
        using var organizer = await fixture.AsAsync(ResourceNames.EventsApi, "organizer");
        var list = await organizer.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/waiting-list?pageSize=100", Ct);
        return list.GetProperty("items").EnumerateArray().Last(i => i.GetProperty("userId").GetGuid() == userId).GetProperty("status").GetString();
    }

    private async Task CancelAsync(Account account, Guid bookingId)
    {
        using var bookings = fixture.CreateClient(ResourceNames.BookingsApi, account.AccessToken);
        using var response = await fixture.Retry.SendAsync(ct => bookings.PostAsJsonAsync($"/api/bookings/{bookingId}/cancel", new { reason = "Cannot come." }, ct), Ct);
        await response.ReadJsonAsync(HttpStatusCode.OK, Ct);
    }

    private Task<HttpResponseMessage> BookOfferAsync(HttpClient bookings, Guid eventId, Guid offerId, int quantity) =>
        fixture.Retry.SendAsync(bookings, () => Shopping.BookingRequest(new { eventId, quantity, waitingListOffer = offerId }, Guid.NewGuid().ToString()), Ct);

    private async Task<bool> NotifiedAsync(Account account, Guid offerId)
    {
        using var notifications = fixture.CreateClient(ResourceNames.NotificationsApi, account.AccessToken);
        var page = await notifications.GetFromJsonAsync<JsonElement>("/api/notifications", Ct);
        return page.GetProperty("items").EnumerateArray().Any(n => n.GetProperty("kind").GetString() == "waitlist-offered"
            && n.GetProperty("link").GetString()!.Contains(offerId.ToString(), StringComparison.Ordinal));
    }

    private async Task AssertSeatsAsync(Guid eventId, int held, int sold)
    {
        using var events = fixture.CreateClient(ResourceNames.EventsApi);
        var seats = await events.AvailabilityAsync(eventId, fixture.Retry, Ct);
        Assert.True(seats.Held + seats.Sold <= seats.Capacity, $"held {seats.Held} + sold {seats.Sold} > capacity {seats.Capacity}");
        Assert.Equal((held, sold), (seats.Held, seats.Sold));
    }
}
