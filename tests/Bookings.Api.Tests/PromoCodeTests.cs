using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bookings.Api.Apis;

namespace Bookings.Api.Tests;

/// <summary>Promo codes over HTTP against real PostgreSQL: discounts computed on the server, exact use limits under a race.</summary>
public sealed class PromoCodeTests(BookingsApiFactory factory) : ApiTestBase(factory), IClassFixture<BookingsApiFactory>
{
    [Fact]
    public async Task A_percentage_code_takes_its_share_off_the_order_and_the_booking_and_payment_record_it()
    {
        var organizer = Guid.CreateVersion7();
        var ev = Factory.Inventory.AddEvent(organizer, capacity: 10, price: 30m);
        var org = Factory.ClientFor(organizer, "organizer");
        var code = await CreateCodeAsync(org, ev.Id, new { code = "Early-Bird", kind = "percent", value = 20m, maxUses = 5 });
        Assert.Equal(("EARLY-BIRD", "percent", "EUR", 0), (code.Code, code.Kind, code.Currency, code.Used));

        var attendee = Factory.ClientFor(Guid.CreateVersion7());
        var booking = await BookWithCodeAsync(attendee, ev.Id, 2, " early-bird ");
        Assert.Equal((48m, 12m, "EARLY-BIRD"), (booking.Amount, booking.Discount, booking.PromoCode));

        using var paid = await PayAsync(attendee, booking.Id, SuccessCard);
        Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        var payment = (await paid.Content.ReadFromJsonAsync<PaymentDto>(Json, Ct))!;
        Assert.Equal((48m, "EARLY-BIRD", 12m), (payment.Amount, payment.PromoCode, payment.Discount));
        var sales = (await org.GetFromJsonAsync<EventSales>($"/api/events/{ev.Id}/sales", Json, Ct))!;
        Assert.Equal(48m, sales.Revenue);
        Assert.Equal(1, (await org.GetFromJsonAsync<List<PromoCodeDto>>($"/api/events/{ev.Id}/promo-codes", Json, Ct))!.Single().Used);
    }

    [Fact]
    public async Task A_code_with_ten_uses_gives_exactly_ten_discounts_when_two_hundred_buyers_race()
    {
        var organizer = Guid.CreateVersion7();
        var ev = Factory.Inventory.AddEvent(organizer, capacity: 1000, price: 10m);
        var org = Factory.ClientFor(organizer, "organizer");
        await CreateCodeAsync(org, ev.Id, new { code = "TEN", kind = "fixed", value = 5m, maxUses = 10 });

        var attempts = Enumerable.Range(0, 200).Select(async _ =>
        {
            using var response = await BookAsync(Factory.ClientFor(Guid.CreateVersion7()), ev.Id, 1, "ten");
            return (response.StatusCode, response.StatusCode == HttpStatusCode.Created
                ? (await response.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!.Amount
                : -1m, Code: response.StatusCode == HttpStatusCode.Created ? null : (await ProblemAsync(response)).GetProperty("code").GetString());
        });
        var results = await Task.WhenAll(attempts);
        Assert.Equal(10, results.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(results.Where(r => r.StatusCode == HttpStatusCode.Created), r => Assert.Equal(5m, r.Item2));
        Assert.All(results.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal((HttpStatusCode.Conflict, "promo-code-used-up"), (r.StatusCode, r.Code)));
        // The refused buyers hold no seats: only the ten bookings do.
        Assert.Equal((990, 10, 0), Factory.Inventory.Counts(ev.Id));
    }

    [Fact]
    public async Task A_cancelled_booking_gives_its_use_back()
    {
        var organizer = Guid.CreateVersion7();
        var ev = Factory.Inventory.AddEvent(organizer, capacity: 10, price: 10m);
        var org = Factory.ClientFor(organizer, "organizer");
        await CreateCodeAsync(org, ev.Id, new { code = "ONCE", kind = "percent", value = 100m, maxUses = 1 });

        var first = Factory.ClientFor(Guid.CreateVersion7());
        var booking = await BookWithCodeAsync(first, ev.Id, 1, "ONCE");
        Assert.Equal(0m, booking.Amount);
        using (var second = await BookAsync(Factory.ClientFor(Guid.CreateVersion7()), ev.Id, 1, "ONCE"))
        {
            Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        }

        using (var cancel = await first.PostAsJsonAsync($"/api/bookings/{booking.Id}/cancel", new { }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        await BookWithCodeAsync(Factory.ClientFor(Guid.CreateVersion7()), ev.Id, 1, "ONCE");
    }

    [Fact]
    public async Task Unknown_expired_disabled_and_foreign_codes_are_refused_and_hold_no_seats()
    {
        var organizer = Guid.CreateVersion7();
        var ev = Factory.Inventory.AddEvent(organizer, capacity: 10, price: 10m);
        var other = Factory.Inventory.AddEvent(organizer, capacity: 10, price: 10m);
        var org = Factory.ClientFor(organizer, "organizer");
        await CreateCodeAsync(org, ev.Id, new { code = "OLD", kind = "percent", value = 10m, validUntil = DateTimeOffset.UtcNow.AddMinutes(-1) });
        await CreateCodeAsync(org, ev.Id, new { code = "SOON", kind = "percent", value = 10m, validFrom = DateTimeOffset.UtcNow.AddDays(1) });
        var off = await CreateCodeAsync(org, ev.Id, new { code = "OFF", kind = "percent", value = 10m });
        await CreateCodeAsync(org, other.Id, new { code = "ELSEWHERE", kind = "percent", value = 10m });
        using (var disable = await org.DeleteAsync($"/api/events/{ev.Id}/promo-codes/{off.Id}", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, disable.StatusCode);
        }

        var buyer = Factory.ClientFor(Guid.CreateVersion7());
        foreach (var (text, status, problem) in new[]
        {
            ("NOPE", HttpStatusCode.UnprocessableEntity, "promo-code-invalid"),
            ("OFF", HttpStatusCode.UnprocessableEntity, "promo-code-invalid"),
            ("ELSEWHERE", HttpStatusCode.UnprocessableEntity, "promo-code-invalid"),
            ("no spaces!", HttpStatusCode.UnprocessableEntity, "promo-code-invalid"),
            ("OLD", HttpStatusCode.Conflict, "promo-code-expired"),
            ("SOON", HttpStatusCode.Conflict, "promo-code-not-yet-valid"),
        })
        {
            using var response = await BookAsync(buyer, ev.Id, 1, text);
            Assert.Equal(status, response.StatusCode);
            Assert.Equal(problem, (await ProblemAsync(response)).GetProperty("code").GetString());
        }

        using (var tooLong = await BookAsync(buyer, ev.Id, 1, new string('A', 33)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        }

        Assert.Equal((10, 0, 0), Factory.Inventory.Counts(ev.Id));
        Assert.Equal(0, (await buyer.GetFromJsonAsync<Paged<BookingDto>>("/api/bookings", Json, Ct))!.TotalCount);
    }

    [Fact]
    public async Task Creating_codes_validates_every_field_and_only_the_events_organizer_may()
    {
        var organizer = Guid.CreateVersion7();
        var ev = Factory.Inventory.AddEvent(organizer, capacity: 10);
        var org = Factory.ClientFor(organizer, "organizer");
        foreach (var (body, field) in new (object, string)[]
        {
            (new { kind = "percent", value = 10m }, "code"),
            (new { code = "X", kind = "percent", value = 10m }, "code"),
            (new { code = "-DASH", kind = "percent", value = 10m }, "code"),
            (new { code = "OK1", kind = "half", value = 10m }, "kind"),
            (new { code = "OK1", kind = "1", value = 10m }, "kind"),
            (new { code = "OK1", kind = "percent", value = 101m }, "value"),
            (new { code = "OK1", kind = "percent", value = 0m }, "value"),
            (new { code = "OK1", kind = "fixed", value = 1.005m }, "value"),
            (new { code = "OK1", kind = "fixed", value = 5m, maxUses = 0 }, "maxUses"),
            (new { code = "OK1", kind = "fixed", value = 5m, validFrom = DateTimeOffset.UtcNow, validUntil = DateTimeOffset.UtcNow.AddHours(-1) }, "validUntil"),
        })
        {
            using var response = await org.PostAsJsonAsync($"/api/events/{ev.Id}/promo-codes", body, Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await ProblemAsync(response)).GetProperty("errors").TryGetProperty(field, out _), $"{field}: {JsonSerializer.Serialize(body)}");
        }

        await CreateCodeAsync(org, ev.Id, new { code = "SAME", kind = "fixed", value = 5m });
        using (var duplicate = await org.PostAsJsonAsync($"/api/events/{ev.Id}/promo-codes", new { code = "same", kind = "percent", value = 5m }, Ct))
        {
            Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
            Assert.Equal("promo-code-exists", (await ProblemAsync(duplicate)).GetProperty("code").GetString());
        }

        var stranger = Factory.ClientFor(Guid.CreateVersion7(), "organizer");
        using (var create = await stranger.PostAsJsonAsync($"/api/events/{ev.Id}/promo-codes", new { code = "MINE", kind = "fixed", value = 5m }, Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        }

        using (var list = await stranger.GetAsync($"/api/events/{ev.Id}/promo-codes", Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        }

        Assert.Single((await org.GetFromJsonAsync<List<PromoCodeDto>>($"/api/events/{ev.Id}/promo-codes", Json, Ct))!);
    }

    private static async Task<PromoCodeDto> CreateCodeAsync(HttpClient organizer, Guid eventId, object body)
    {
        using var response = await organizer.PostAsJsonAsync($"/api/events/{eventId}/promo-codes", body, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<PromoCodeDto>(Json, Ct))!;
    }

    /// <summary>Books with a code as a patient client does: a 503 (the purchase door shedding load) is sent again with the same key.</summary>
    private static async Task<HttpResponseMessage> BookAsync(HttpClient client, Guid eventId, int quantity, string promoCode)
    {
        var key = Guid.NewGuid().ToString();
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = JsonContent.Create(new { eventId, quantity, promoCode }) };
            request.Headers.Add("Idempotency-Key", key);
            var response = await client.SendAsync(request, Ct);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 60)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(TimeSpan.FromMilliseconds(250), Ct);
        }
    }

    private static async Task<BookingDto> BookWithCodeAsync(HttpClient client, Guid eventId, int quantity, string promoCode)
    {
        using var response = await BookAsync(client, eventId, quantity, promoCode);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!;
    }
}
