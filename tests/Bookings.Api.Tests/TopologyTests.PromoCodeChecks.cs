using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bookings.Api.Apis;
using EventBooking.AppHost;
using EventBooking.Testing;

namespace Bookings.Api.Tests;

/// <summary>A buyer checks a promo code before booking (<c>POST /api/events/{id}/promo-codes/check</c>) against the real events-api.</summary>
public sealed partial class TopologyTests
{
    [Fact]
    public async Task Checking_a_code_reveals_its_hidden_types_and_takes_no_use()
    {
        var eventId = await CreatePublishedEventAsync(capacity: 20, price: 10m);
        var standard = await TicketTypeIdAsync(eventId, "Standard");
        var crew = await AddTicketTypeAsync(eventId, "Crew", 5m, capacity: 4, visibility: "Hidden");
        using var organizer = await fixture.AsAsync(ResourceNames.BookingsApi, "organizer");
        await CreateCodeAsync(organizer, eventId, new { code = "CREW-20", kind = "percent", value = 20, maxUses = 1, ticketTypeIds = new[] { standard }, unlocksTicketTypeIds = new[] { crew } });
        using var attendee = await fixture.AsAsync(ResourceNames.BookingsApi, "attendee");

        // Checked twice (any case): the same answer both times, so the check took none of its one use.
        foreach (var typed in new[] { "crew-20", " CREW-20 " })
        {
            using var response = await CheckAsync(attendee, eventId, typed);
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
            var check = (await response.Content.ReadFromJsonAsync<PromoCodeCheckDto>(Json, Ct))!;
            Assert.Equal(("CREW-20", "percent", 20m, "EUR"), (check.Code, check.Kind, check.Value, check.Currency));
            Assert.Equal([standard], check.TicketTypeIds);
            var unlocked = Assert.Single(check.UnlockedTicketTypes);
            Assert.Equal((crew, "Crew", 5m, "EUR", 4, true), (unlocked.Id, unlocked.Name, unlocked.Price, unlocked.Currency, unlocked.Available, unlocked.OnSale));
            Assert.InRange(unlocked.MaxPerOrder, 1, 20);
        }

        var codes = (await organizer.GetFromJsonAsync<List<PromoCodeDto>>($"/api/events/{eventId}/promo-codes", Json, Ct))!;
        Assert.Equal(0, Assert.Single(codes).Used);
        Assert.Equal(new Availability(20, 20, 0, 0), await AvailabilityAsync(eventId));

        // The type it revealed is the one a booking with the code may buy.
        using var booked = await BookAsync(attendee, new { eventId, promoCode = "crew-20", lines = new[] { new { ticketTypeId = crew, quantity = 1 } } });
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        Assert.Equal("Crew", Assert.Single((await booked.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!.Lines).TicketTypeName);

        // Its one use is taken now: the check says so, as a booking would.
        using var usedUp = await CheckAsync(attendee, eventId, "CREW-20");
        await AssertProblemAsync(usedUp, HttpStatusCode.Conflict, "promo-code-used-up");
    }

    [Fact]
    public async Task Unknown_expired_not_yet_valid_and_malformed_codes_are_refused_and_a_check_needs_a_token()
    {
        var eventId = await CreatePublishedEventAsync(capacity: 5, price: 10m);
        var otherEventId = await CreatePublishedEventAsync(capacity: 5, price: 10m);
        using var organizer = await fixture.AsAsync(ResourceNames.BookingsApi, "organizer");
        var now = DateTimeOffset.UtcNow;
        await CreateCodeAsync(organizer, eventId, new { code = "WAS-VALID", kind = "fixed", value = 2, validFrom = now.AddDays(-3), validUntil = now.AddDays(-1) });
        await CreateCodeAsync(organizer, eventId, new { code = "SOON", kind = "fixed", value = 2, validFrom = now.AddDays(1) });
        await CreateCodeAsync(organizer, otherEventId, new { code = "ELSEWHERE", kind = "fixed", value = 2 });
        var disabled = await CreateCodeAsync(organizer, eventId, new { code = "WITHDRAWN", kind = "fixed", value = 2 });
        using (var disable = await organizer.DeleteAsync($"/api/events/{eventId}/promo-codes/{disabled}", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, disable.StatusCode);
        }

        using var attendee = await fixture.AsAsync(ResourceNames.BookingsApi, "attendee");
        foreach (var (code, status, problem) in new[]
        {
            ("NO-SUCH-CODE", HttpStatusCode.UnprocessableEntity, "promo-code-invalid"),
            ("ELSEWHERE", HttpStatusCode.UnprocessableEntity, "promo-code-invalid"),
            ("WITHDRAWN", HttpStatusCode.UnprocessableEntity, "promo-code-invalid"),
            ("was-valid", HttpStatusCode.Conflict, "promo-code-expired"),
            ("SOON", HttpStatusCode.Conflict, "promo-code-not-yet-valid"),
        })
        {
            using var response = await CheckAsync(attendee, eventId, code);
            await AssertProblemAsync(response, status, problem);
        }

        // Bad input is a field error; an unknown event is 404.
        foreach (var body in new object[] { new { code = "" }, new { code = "no spaces!" }, new { code = new string('A', 33) }, new { other = 1 } })
        {
            using var response = await attendee.PostAsJsonAsync($"/api/events/{eventId}/promo-codes/check", body, Json, Ct);
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation");
        }

        using (var unknownEvent = await CheckAsync(attendee, Guid.CreateVersion7(), "SOON"))
        {
            await AssertProblemAsync(unknownEvent, HttpStatusCode.NotFound, "event-not-found");
        }

        using var anonymous = fixture.CreateClient(ResourceNames.BookingsApi);
        using var unauthenticated = await CheckAsync(anonymous, eventId, "SOON");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
    }

    [Fact]
    public async Task A_draft_events_codes_are_revealed_to_its_organizer_only()
    {
        using var events = await fixture.AsAsync(ResourceNames.EventsApi, "organizer-2");
        var draftId = (await events.CreateEventAsync(new NewEvent { Capacity = 10, Price = 10m }, cancellationToken: Ct)).GetProperty("id").GetGuid();
        using (var type = await events.PostAsJsonAsync($"/api/events/{draftId}/ticket-types", new { name = "Preview", price = 1m, visibility = "Hidden" }, Json, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, type.StatusCode);
        }

        var preview = (await events.GetFromJsonAsync<List<JsonElement>>($"/api/events/{draftId}/ticket-types", Json, Ct))!
            .Single(t => t.GetProperty("name").GetString() == "Preview").GetProperty("id").GetGuid();
        using var owner = await fixture.AsAsync(ResourceNames.BookingsApi, "organizer-2");
        await CreateCodeAsync(owner, draftId, new { code = "SNEAK-PEEK", kind = "fixed", value = 0, unlocksTicketTypeIds = new[] { preview } });

        // Another organizer and an attendee are told the event does not exist, as events-api tells them.
        foreach (var who in new[] { "organizer", "attendee" })
        {
            using var stranger = await fixture.AsAsync(ResourceNames.BookingsApi, who);
            using var response = await CheckAsync(stranger, draftId, "SNEAK-PEEK");
            await AssertProblemAsync(response, HttpStatusCode.NotFound, "event-not-found");
        }

        using var own = await CheckAsync(owner, draftId, "SNEAK-PEEK");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        var unlocked = Assert.Single((await own.Content.ReadFromJsonAsync<PromoCodeCheckDto>(Json, Ct))!.UnlockedTicketTypes);
        Assert.Equal((preview, false), (unlocked.Id, unlocked.OnSale));
    }

    [Fact]
    public async Task Checking_codes_is_rate_limited_per_user()
    {
        var eventId = await CreatePublishedEventAsync(capacity: 5, price: 10m);
        using var guesser = await fixture.AsAsync(ResourceNames.BookingsApi, "attendee-code-guesser");
        var limit = BookingsTopologyFixture.PromoCodeChecksPerMinute;
        for (var i = 0; i < limit; i++)
        {
            using var response = await CheckAsync(guesser, eventId, $"GUESS-{i}");
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        }

        // The next one is refused; a fixed window that turned meanwhile lets up to the limit more through first.
        HttpResponseMessage? limited = null;
        for (var i = 0; i <= limit && limited is null; i++)
        {
            var response = await CheckAsync(guesser, eventId, $"MORE-{i}");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        using (limited)
        {
            Assert.NotNull(limited.Headers.RetryAfter);
            await AssertProblemAsync(limited, HttpStatusCode.TooManyRequests, "too-many-requests");
        }

        // Another person's budget is their own.
        using var other = await fixture.AsAsync(ResourceNames.BookingsApi, "attendee-other-guesser");
        using var allowed = await CheckAsync(other, eventId, "GUESS-0");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, allowed.StatusCode);
    }

    private static Task<HttpResponseMessage> CheckAsync(HttpClient client, Guid eventId, string code) =>
        client.PostAsJsonAsync($"/api/events/{eventId}/promo-codes/check", new { code }, Json, Ct);

    private static async Task<Guid> CreateCodeAsync(HttpClient organizer, Guid eventId, object body)
    {
        using var response = await organizer.PostAsJsonAsync($"/api/events/{eventId}/promo-codes", body, Json, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        return (await response.Content.ReadFromJsonAsync<PromoCodeDto>(Json, Ct))!.Id;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
    }
}
