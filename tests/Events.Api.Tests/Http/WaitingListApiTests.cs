using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EventBooking.Testing;
using Xunit;

namespace Events.Api.Tests.Http;

/// <summary>
/// The waiting list of a sold-out event over real HTTP (users-api, events-api, PostgreSQL, RabbitMQ), with offers lasting 12 s
/// (<see cref="EventsTopologyFixture"/>): a cancellation is offered to the first in line, an unanswered offer moves on, offers
/// never overlap (held + sold ≤ capacity, every offer its own hold), an offer is accepted only by its buyer, and bad inputs are
/// refused with ProblemDetails, changing nothing.
/// </summary>
public sealed class WaitingListApiTests(EventsTopologyFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task A_cancellation_is_offered_to_the_first_in_line_and_an_unanswered_offer_moves_on()
    {
        var (eventId, sold) = await SoldOutEventAsync(capacity: 2);
        using var first = await fixture.AsAsync("attendee-wl-1");
        using var second = await fixture.AsAsync("attendee-wl-2");
        Assert.Equal(1, (await JoinAsync(first, eventId, 1)).GetProperty("position").GetInt32());
        Assert.Equal(2, (await JoinAsync(second, eventId, 1)).GetProperty("position").GetInt32());

        // A cancellation: one sold seat comes back and is held for the first in line.
        await ReleaseAsync(eventId, sold[0]);
        var offer = await OfferAsync(first, eventId);
        Assert.Equal(1, offer.GetProperty("quantity").GetInt32());
        var mine = await first.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/waiting-list/me", Ct);
        Assert.Equal("Offered", mine.GetProperty("status").GetString());
        var behind = await second.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/waiting-list/me", Ct);
        Assert.Equal(("Waiting", 1), (behind.GetProperty("status").GetString(), behind.GetProperty("position").GetInt32()));
        var seats = await AvailabilityAsync(eventId);
        Assert.Equal((0, 1, 1), (seats.Available, seats.Held, seats.Sold));

        // Unanswered, the offer runs out and the same seat goes to the next buyer, as a new hold.
        var next = await OfferAsync(second, eventId);
        Assert.NotEqual(offer.GetProperty("offerId").GetGuid(), next.GetProperty("offerId").GetGuid());
        // The missed offer is settled in the same round of the offerer (or, when the sweeper expired its hold meanwhile, the next).
        await Poll.UntilAsync(async () => (await first.GetAsync($"/api/events/{eventId}/waiting-list/me", Ct)).StatusCode == HttpStatusCode.NotFound,
            Patience, "the first buyer's unanswered offer is missed", Ct);
        seats = await AvailabilityAsync(eventId);
        Assert.Equal((0, 1, 1), (seats.Available, seats.Held, seats.Sold));

        using var organizer = await fixture.AsAsync("organizer");
        var list = await organizer.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/waiting-list", Ct);
        Assert.Equal(["Missed", "Offered"], list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("status").GetString()!).ToArray());
        var csv = await organizer.GetAsync($"/api/events/{eventId}/waiting-list/export", Ct);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync(Ct)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("sequence,status,quantity", lines[0], StringComparison.Ordinal);
        Assert.Contains(",Missed,1,", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Offers_never_overlap_and_are_made_in_order_of_joining()
    {
        var (eventId, sold) = await SoldOutEventAsync(capacity: 3);
        var buyers = new List<HttpClient>();
        for (var i = 0; i < 4; i++)
        {
            buyers.Add(await fixture.AsAsync($"attendee-wl-order-{i}"));
            await JoinAsync(buyers[i], eventId, i == 0 ? 2 : 1);
        }

        // All three seats come back at once: 2 for the first, 1 for the second; the third and fourth wait (strict order).
        await Task.WhenAll(sold.Select(hold => ReleaseAsync(eventId, hold)));
        var offers = new[] { await OfferAsync(buyers[0], eventId), await OfferAsync(buyers[1], eventId) };
        Assert.Equal([2, 1], offers.Select(o => o.GetProperty("quantity").GetInt32()));
        Assert.NotEqual(offers[0].GetProperty("offerId").GetGuid(), offers[1].GetProperty("offerId").GetGuid());
        for (var i = 0; i < 10; i++)
        {
            var seats = await AvailabilityAsync(eventId);
            Assert.True(seats.Held + seats.Sold <= seats.Capacity, $"held {seats.Held} + sold {seats.Sold} > capacity {seats.Capacity}");
            Assert.Equal(seats.Capacity, seats.Available + seats.Held + seats.Sold);
            var third = await buyers[2].GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/waiting-list/me", Ct);
            Assert.Equal("Waiting", third.GetProperty("status").GetString());
            Assert.Equal(1, third.GetProperty("position").GetInt32());
            await Task.Delay(100, Ct);
        }

        foreach (var buyer in buyers)
        {
            buyer.Dispose();
        }
    }

    [Fact]
    public async Task An_offer_is_booked_only_by_its_buyer_for_its_seats_and_leaving_gives_the_seats_back()
    {
        var (eventId, sold) = await SoldOutEventAsync(capacity: 2);
        using var buyer = await fixture.AsAsync("attendee-wl-accept");
        using var other = await fixture.AsAsync("attendee-wl-other");
        await JoinAsync(buyer, eventId, 1);
        await JoinAsync(other, eventId, 1);
        await ReleaseAsync(eventId, sold[0]);
        var offerId = (await OfferAsync(buyer, eventId)).GetProperty("offerId").GetGuid();
        var buyerId = await UserIdAsync("attendee-wl-accept");
        var otherId = await UserIdAsync("attendee-wl-other");

        using var service = await fixture.AsAsync("service");
        async Task<HttpResponseMessage> AcceptAsync(Guid userId, int quantity, Guid? offer = null) =>
            await service.PutAsJsonAsync($"/internal/events/{eventId}/holds/{offer ?? offerId}",
                new { quantity, expiresAt = DateTimeOffset.UtcNow.AddMinutes(10), userId, waitingListOffer = offerId }, Ct);
        await AssertProblemAsync(await AcceptAsync(otherId, 1), HttpStatusCode.NotFound, "waiting-list-offer-not-found");
        await AssertProblemAsync(await AcceptAsync(buyerId, 2), HttpStatusCode.NotFound, "waiting-list-offer-not-found");
        await AssertProblemAsync(await AcceptAsync(buyerId, 1, Guid.CreateVersion7()), HttpStatusCode.NotFound, "waiting-list-offer-not-found");

        // The buyer's booking takes the offered hold (the same seat, not a second one) and pays: the entry is booked.
        var accepted = await AcceptAsync(buyerId, 1);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(offerId, (await accepted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("holdId").GetGuid());
        Assert.Equal(HttpStatusCode.OK, (await service.PostAsync($"/internal/events/{eventId}/holds/{offerId}/confirm", null, Ct)).StatusCode);
        var seats = await AvailabilityAsync(eventId);
        Assert.Equal((0, 0, 2), (seats.Available, seats.Held, seats.Sold));
        using var organizer = await fixture.AsAsync("organizer");
        await Poll.UntilAsync(async () =>
        {
            var list = await organizer.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/waiting-list", Ct);
            return list.GetProperty("items")[0].GetProperty("status").GetString() == "Booked";
        }, Patience, "the accepted offer's entry is booked once its hold is confirmed", Ct);
        Assert.Equal(HttpStatusCode.NotFound, (await buyer.GetAsync($"/api/events/{eventId}/waiting-list/me", Ct)).StatusCode);

        // The next buyer leaves while offered: the seat goes back at once.
        await ReleaseAsync(eventId, sold[1]);
        await OfferAsync(other, eventId);
        Assert.Equal(HttpStatusCode.NoContent, (await other.DeleteAsync($"/api/events/{eventId}/waiting-list/me", Ct)).StatusCode);
        seats = await AvailabilityAsync(eventId);
        Assert.Equal((1, 0, 1), (seats.Available, seats.Held, seats.Sold));
        await AssertProblemAsync(await other.DeleteAsync($"/api/events/{eventId}/waiting-list/me", Ct), HttpStatusCode.NotFound, "not-on-waiting-list");
    }

    [Fact]
    public async Task Seats_back_from_an_expired_hold_or_a_raised_capacity_are_offered_too()
    {
        var created = new NewEvent { Capacity = 1 };
        var eventId = await fixture.CreatePublishedEventAsync(created);
        using (var service = await fixture.AsAsync("service"))
        {
            var placed = await service.PutAsJsonAsync($"/internal/events/{eventId}/holds/{Guid.CreateVersion7()}",
                new { quantity = 1, expiresAt = DateTimeOffset.UtcNow.AddSeconds(3) }, Ct);
            Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        }

        // An unpaid booking's hold runs out: its seat goes to the first in line.
        using var first = await fixture.AsAsync("attendee-wl-expired");
        await JoinAsync(first, eventId, 1);
        await OfferAsync(first, eventId);

        // The organizer adds a seat: it goes to the next in line.
        using var second = await fixture.AsAsync("attendee-wl-capacity");
        await JoinAsync(second, eventId, 1);
        using var organizer = await fixture.AsAsync("organizer");
        Assert.Equal(HttpStatusCode.OK, (await organizer.PutAsJsonAsync($"/api/events/{eventId}", (created with { Capacity = 2 }).ToJsonObject(), Ct)).StatusCode);
        await OfferAsync(second, eventId);
        var seats = await AvailabilityAsync(eventId);
        Assert.Equal((2, 0, 2, 0), (seats.Capacity, seats.Available, seats.Held, seats.Sold));
    }

    [Fact]
    public async Task Bad_requests_are_refused_with_problem_details_and_change_nothing()
    {
        using var buyer = await fixture.AsAsync("attendee-wl-bad");
        var open = await fixture.CreatePublishedEventAsync(new NewEvent { Capacity = 5 });
        await AssertProblemAsync(await Join(buyer, open, 1), HttpStatusCode.Conflict, "not-sold-out");

        var (eventId, _) = await SoldOutEventAsync(capacity: 1);
        await AssertFieldErrorAsync(await Join(buyer, eventId, 0), "quantity");
        await AssertFieldErrorAsync(await Join(buyer, eventId, 21), "quantity");
        await AssertFieldErrorAsync(await buyer.PostAsJsonAsync($"/api/events/{eventId}/waiting-list", new { }, Ct), "quantity");
        await AssertFieldErrorAsync(await buyer.PostAsJsonAsync($"/api/events/{eventId}/waiting-list", new { quantity = 1, ticketTypeId = Guid.NewGuid() }, Ct),
            "ticketTypeId");
        await AssertProblemAsync(await Join(buyer, Guid.NewGuid(), 1), HttpStatusCode.NotFound, "event-not-found");
        await AssertProblemAsync(await buyer.GetAsync($"/api/events/{eventId}/waiting-list/me", Ct), HttpStatusCode.NotFound, "not-on-waiting-list");

        await JoinAsync(buyer, eventId, 1);
        await AssertProblemAsync(await Join(buyer, eventId, 1), HttpStatusCode.Conflict, "already-on-waiting-list");

        // The list is its organizer's (and admins'): another organizer is told nothing, an attendee lacks the role, no token is 401.
        using var stranger = await fixture.AsAsync("organizer-wl");
        await AssertProblemAsync(await stranger.GetAsync($"/api/events/{eventId}/waiting-list", Ct), HttpStatusCode.NotFound, "event-not-found");
        await AssertProblemAsync(await stranger.GetAsync($"/api/events/{eventId}/waiting-list/export", Ct), HttpStatusCode.NotFound, "event-not-found");
        Assert.Equal(HttpStatusCode.Forbidden, (await buyer.GetAsync($"/api/events/{eventId}/waiting-list", Ct)).StatusCode);
        using var anonymous = fixture.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync($"/api/events/{eventId}/waiting-list", new { quantity = 1 }, Ct)).StatusCode);
        using var organizer = await fixture.AsAsync("organizer");
        await AssertFieldErrorAsync(await organizer.GetAsync($"/api/events/{eventId}/waiting-list?pageSize=0", Ct), "pageSize");
        var list = await organizer.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/waiting-list", Ct);
        Assert.Equal(1, list.GetProperty("totalCount").GetInt64());
    }

    private async Task<(Guid EventId, Guid[] SoldHolds)> SoldOutEventAsync(int capacity)
    {
        var eventId = await fixture.CreatePublishedEventAsync(new NewEvent { Capacity = capacity });
        using var service = await fixture.AsAsync("service");
        var holds = new Guid[capacity];
        for (var i = 0; i < capacity; i++)
        {
            holds[i] = Guid.CreateVersion7();
            var placed = await service.PutAsJsonAsync($"/internal/events/{eventId}/holds/{holds[i]}",
                new { quantity = 1, expiresAt = DateTimeOffset.UtcNow.AddMinutes(10) }, Ct);
            Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await service.PostAsync($"/internal/events/{eventId}/holds/{holds[i]}/confirm", null, Ct)).StatusCode);
        }

        return (eventId, holds);
    }

    private async Task ReleaseAsync(Guid eventId, Guid holdId)
    {
        using var service = await fixture.AsAsync("service");
        Assert.Equal(HttpStatusCode.NoContent, (await service.DeleteAsync($"/internal/events/{eventId}/holds/{holdId}", Ct)).StatusCode);
    }

    private static Task<HttpResponseMessage> Join(HttpClient client, Guid eventId, int quantity) =>
        client.PostAsJsonAsync($"/api/events/{eventId}/waiting-list", new { quantity }, Ct);

    private static async Task<JsonElement> JoinAsync(HttpClient client, Guid eventId, int quantity) =>
        await (await Join(client, eventId, quantity)).ReadJsonAsync(HttpStatusCode.Created, Ct);

    /// <summary>The buyer's open offer (<c>offerId</c>, <c>quantity</c>, <c>expiresAt</c>), or null.</summary>
    private static async Task<JsonElement?> ProbeOfferAsync(HttpClient client, Guid eventId)
    {
        var response = await client.GetAsync($"/api/events/{eventId}/waiting-list/me", Ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return null;
        }

        var entry = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return entry.GetProperty("offer").ValueKind == JsonValueKind.Object ? entry.GetProperty("offer") : null;
    }

    /// <summary>Waits for the buyer's offer and returns it.</summary>
    private static async Task<JsonElement> OfferAsync(HttpClient client, Guid eventId)
    {
        JsonElement? offer = null;
        await Poll.UntilAsync(async () => (offer = await ProbeOfferAsync(client, eventId)) is not null, Patience, "the buyer is offered seats", Ct);
        return offer!.Value;
    }

    private async Task<Availability> AvailabilityAsync(Guid eventId)
    {
        using var anonymous = fixture.Anonymous();
        return (await anonymous.GetFromJsonAsync<Availability>($"/api/events/{eventId}/availability", EventsTopologyFixture.Json, Ct))!;
    }

    /// <summary>The account's id: the <c>sub</c> of its access token.</summary>
    private async Task<Guid> UserIdAsync(string who)
    {
        var payload = (await fixture.TokenAsync(who)).Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        return JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload))).RootElement.GetProperty("sub").GetGuid();
    }

    /// <summary>A ProblemDetails answer with <paramref name="status"/> and <paramref name="code"/> (the shared reader, plus the media type).</summary>
    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var problem = await response.ReadJsonAsync(status, Ct);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, Answers.CodeOf(problem));
        return problem;
    }

    private static async Task AssertFieldErrorAsync(HttpResponseMessage response, string field)
    {
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for '{field}' in {problem}");
    }
}
