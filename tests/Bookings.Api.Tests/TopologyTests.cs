using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using Bookings.Api.Apis;
using Bookings.Api.Model;
using EventBooking.AppHost;
using EventBooking.Testing;
using Microsoft.Extensions.Hosting;

namespace Bookings.Api.Tests;

/// <summary>users-api, events-api and bookings-api as real processes (started from the AppHost: PostgreSQL, RabbitMQ), demo users seeded.</summary>
public sealed class BookingsTopologyFixture() : TopologyFixture([ResourceNames.UsersApi, ResourceNames.EventsApi, ResourceNames.BookingsApi], seedDemoData: true)
{
    /// <summary>Promo-code checks per user and minute: above what one test checks as the demo attendee, low enough to reach.</summary>
    public const int PromoCodeChecksPerMinute = 30;

    protected override void Configure(Dictionary<string, string?> environment)
    {
        environment["Bookings__SweepInterval"] = "00:00:00.500";
        environment["Bookings__ReconcileAfter"] = "00:00:01";
        // The concurrency test books 500 times as one demo attendee.
        environment["Bookings__BookingRequestsPerMinute"] = "100000";
        environment["Bookings__PromoCodeChecksPerMinute"] = $"{PromoCodeChecksPerMinute}";
    }
}

/// <summary>The booking flow end to end across users-api tokens, events-api holds and bookings-api.</summary>
public sealed partial class TopologyTests(BookingsTopologyFixture fixture) : IClassFixture<BookingsTopologyFixture>
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Whole_flow_with_real_tokens_and_holds()
    {
        var eventId = await CreatePublishedEventAsync(capacity: 10, price: 30.5m);
        using var attendee = await fixture.AsAsync(ResourceNames.BookingsApi, "attendee");
        var key = Guid.NewGuid().ToString();

        var booking = await CreateAsync(attendee, eventId, 2, key);
        Assert.Equal(61m, booking.Amount);
        Assert.Equal("EUR", booking.Currency);
        Assert.Equal("Europe/Lisbon", booking.EventTimeZone); // the event's, from its hold: the attendee reads the venue's clock
        Assert.Equal(booking.Id, (await CreateAsync(attendee, eventId, 2, key)).Id);
        Assert.Equal(new Availability(10, 8, 2, 0), await AvailabilityAsync(eventId));

        using var paid = await PayAsync(attendee, booking.Id, "4242424242424242", Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        Assert.Equal("Confirmed", (await attendee.GetFromJsonAsync<BookingDto>($"/api/bookings/{booking.Id}", Json, Ct))!.Status);
        Assert.Equal(new Availability(10, 8, 0, 2), await AvailabilityAsync(eventId));
        var tickets = await attendee.GetFromJsonAsync<List<TicketDto>>($"/api/bookings/{booking.Id}/tickets", Json, Ct);
        Assert.Equal(2, tickets!.Count);

        // Ownership with real tokens.
        using var stranger = await fixture.AsAsync(ResourceNames.BookingsApi, "attendee-2");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/bookings/{booking.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/tickets/{tickets[0].Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await attendee.GetAsync($"/api/events/{eventId}/sales", Ct)).StatusCode);
        using var otherOrganizer = await fixture.AsAsync(ResourceNames.BookingsApi, "organizer-2");
        Assert.Equal(HttpStatusCode.Forbidden, (await otherOrganizer.GetAsync($"/api/events/{eventId}/sales", Ct)).StatusCode);
        using var organizer = await fixture.AsAsync(ResourceNames.BookingsApi, "organizer");
        var sales = await organizer.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/sales", Json, Ct);
        Assert.Equal(2, sales.GetProperty("ticketsSold").GetInt32());
        Assert.Equal(0.2, sales.GetProperty("occupancy").GetDouble());

        // The attendee cancels: refund, seats back in events-api.
        using var cancel = await attendee.PostAsJsonAsync($"/api/bookings/{booking.Id}/cancel", new { reason = "cannot come" }, Ct);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal(new Availability(10, 10, 0, 0), await AvailabilityAsync(eventId));
    }

    [Fact]
    public async Task Declined_card_keeps_the_hold_and_an_unknown_outcome_is_reconciled()
    {
        var eventId = await CreatePublishedEventAsync(capacity: 5, price: 15m);
        using var attendee = await fixture.AsAsync(ResourceNames.BookingsApi, "attendee");
        var booking = await CreateAsync(attendee, eventId, 1, Guid.NewGuid().ToString());

        using (var declined = await PayAsync(attendee, booking.Id, "4000 0000 0000 0002", null))
        {
            Assert.Equal(HttpStatusCode.PaymentRequired, declined.StatusCode);
        }

        Assert.Equal(new Availability(5, 4, 1, 0), await AvailabilityAsync(eventId));

        using (var unknown = await PayAsync(attendee, booking.Id, "4000 0000 0000 0119", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, unknown.StatusCode);
        }

        await Poll.UntilAsync(async () => (await attendee.GetFromJsonAsync<BookingDto>($"/api/bookings/{booking.Id}", Json, Ct))!.Status == "Confirmed",
            TimeSpan.FromSeconds(30), "the reconciler settles the unknown payment and confirms the booking", Ct);
        Assert.Equal(new Availability(5, 4, 0, 1), await AvailabilityAsync(eventId));
        var payments = await attendee.GetFromJsonAsync<List<PaymentDto>>($"/api/bookings/{booking.Id}/payments", Json, Ct);
        Assert.Equal(["Failed", "Succeeded"], payments!.Select(p => p.Status));
    }

    [Fact]
    public async Task Event_cancellation_in_events_api_refunds_every_booking()
    {
        var eventId = await CreatePublishedEventAsync(capacity: 10, price: 20m);
        using var attendee = await fixture.AsAsync(ResourceNames.BookingsApi, "attendee");
        var confirmed = await CreateAsync(attendee, eventId, 2, Guid.NewGuid().ToString());
        using (var paid = await PayAsync(attendee, confirmed.Id, "4242424242424242", null))
        {
            Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        }

        var pending = await CreateAsync(attendee, eventId, 1, Guid.NewGuid().ToString());

        using var organizer = await fixture.AsAsync(ResourceNames.EventsApi, "organizer");
        using (var cancelled = await organizer.PostAsJsonAsync($"/api/events/{eventId}/cancel", new { reason = "storm" }, Ct))
        {
            Assert.True(cancelled.IsSuccessStatusCode, await cancelled.Content.ReadAsStringAsync(Ct));
        }

        await Poll.UntilAsync(async () =>
        {
            var a = await attendee.GetFromJsonAsync<BookingDto>($"/api/bookings/{confirmed.Id}", Json, Ct);
            var b = await attendee.GetFromJsonAsync<BookingDto>($"/api/bookings/{pending.Id}", Json, Ct);
            return a!.Status == "Cancelled" && b!.Status == "Cancelled";
        }, TimeSpan.FromSeconds(60), "event.cancelled reaches bookings-api and cancels both bookings", Ct);
        var payment = Assert.Single((await attendee.GetFromJsonAsync<List<PaymentDto>>($"/api/bookings/{confirmed.Id}/payments", Json, Ct))!);
        Assert.Equal("Refunded", payment.Status);
        Assert.Equal(40m, payment.RefundedAmount);
        var (capacity, available, held, sold) = await AvailabilityAsync(eventId);
        Assert.Equal(capacity, available + held + sold);
        Assert.Equal(0, sold);
    }

    [Fact]
    public async Task Five_hundred_concurrent_bookings_for_a_hundred_seats_across_the_services()
    {
        var eventId = await CreatePublishedEventAsync(capacity: 100, price: 10m);
        using var attendee = await fixture.AsAsync(ResourceNames.BookingsApi, "attendee");

        var attempts = await Task.WhenAll(Enumerable.Range(0, 500).Select(async _ =>
        {
            // Beyond bookings-api's purchase capacity the answer is 503 + Retry-After: wait and send the same request again.
            var key = Guid.NewGuid().ToString();
            using var response = await RetryPolicy.Unavailable.SendAsync(attendee, () => Shopping.BookingRequest(eventId, 1, key), Ct);
            return (response.StatusCode, Booking: response.StatusCode == HttpStatusCode.Created ? await response.Content.ReadFromJsonAsync<BookingDto>(Json, Ct) : null);
        }));
        Assert.Equal(100, attempts.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.Equal(400, attempts.Count(a => a.StatusCode == HttpStatusCode.Conflict));

        var payments = await Task.WhenAll(attempts.Where(a => a.Booking is not null).Select(async a =>
        {
            var key = Guid.NewGuid().ToString();
            using var response = await RetryPolicy.Unavailable.SendAsync(attendee, () => Shopping.PaymentRequest(a.Booking!.Id, key), Ct);
            return response.StatusCode;
        }));
        Assert.All(payments, status => Assert.Equal(HttpStatusCode.Created, status));

        Assert.Equal(new Availability(100, 0, 0, 100), await AvailabilityAsync(eventId));
        using var organizer = await fixture.AsAsync(ResourceNames.BookingsApi, "organizer");
        var confirmed = await organizer.GetFromJsonAsync<Paged<BookingDto>>($"/api/events/{eventId}/bookings?status=Confirmed&pageSize=1", Json, Ct);
        Assert.Equal(100, confirmed!.TotalCount);
        var all = await organizer.GetFromJsonAsync<Paged<BookingDto>>($"/api/events/{eventId}/bookings?pageSize=1", Json, Ct);
        Assert.Equal(100, all!.TotalCount);
    }

    [Fact]
    public async Task Reconciliation_is_ok_on_a_consistent_event_and_reports_a_planted_counter_corruption()
    {
        var eventId = await CreatePublishedEventAsync(capacity: 6, price: 12m);
        using var attendee = await fixture.AsAsync(ResourceNames.BookingsApi, "attendee");
        var paid = await CreateAsync(attendee, eventId, 2, Guid.NewGuid().ToString());
        using (var payment = await PayAsync(attendee, paid.Id, "4242424242424242", Guid.NewGuid().ToString()))
        {
            Assert.Equal(HttpStatusCode.Created, payment.StatusCode);
        }

        var pending = await CreateAsync(attendee, eventId, 1, Guid.NewGuid().ToString());
        using var admin = await fixture.AsAsync(ResourceNames.BookingsApi, "admin");

        var report = await ReconcileAsync(admin, eventId);
        Assert.True(report.GetProperty("ok").GetBoolean(), report.ToString());
        var figures = Assert.Single(report.GetProperty("events").EnumerateArray());
        Assert.Equal(eventId, figures.GetProperty("eventId").GetGuid());
        Assert.Equal((6, 1, 2, 2), (figures.GetProperty("capacity").GetInt32(), figures.GetProperty("held").GetInt32(),
            figures.GetProperty("sold").GetInt32(), figures.GetProperty("ticketsIssued").GetInt32()));
        Assert.Equal((1, 1), (figures.GetProperty("confirmedBookings").GetInt32(), figures.GetProperty("pendingBookings").GetInt32()));
        Assert.Empty(report.GetProperty("discrepancies").EnumerateArray());

        // Every booked event when no eventId is given.
        var all = await admin.GetFromJsonAsync<JsonElement>("/api/admin/reconciliation?graceSeconds=60", Json, Ct);
        Assert.Contains(all.GetProperty("events").EnumerateArray(), e => e.GetProperty("eventId").GetGuid() == eventId);

        // Plant a discrepancy straight in events-api's database: one sold seat nobody bought.
        await CorruptSoldCounterAsync(eventId, +1);
        try
        {
            var broken = await ReconcileAsync(admin, eventId);
            Assert.False(broken.GetProperty("ok").GetBoolean());
            var kinds = broken.GetProperty("discrepancies").EnumerateArray().Select(d => d.GetProperty("kind").GetString()).ToList();
            Assert.Contains("sold-counter-mismatch", kinds);
            Assert.Contains("sold-seats-not-ticketed", kinds);
            Assert.All(broken.GetProperty("discrepancies").EnumerateArray(), d => Assert.Equal(eventId, d.GetProperty("eventId").GetGuid()));
        }
        finally
        {
            await CorruptSoldCounterAsync(eventId, -1);
        }

        Assert.True((await ReconcileAsync(admin, eventId)).GetProperty("ok").GetBoolean());
        Assert.Equal(BookingStatus.PendingPayment.ToString(), (await attendee.GetFromJsonAsync<BookingDto>($"/api/bookings/{pending.Id}", Json, Ct))!.Status);
    }

    [Fact]
    public async Task Reconciliation_is_for_admins_validates_its_query_and_is_503_while_events_api_is_down()
    {
        var eventId = await CreatePublishedEventAsync(capacity: 3, price: 5m);
        using var anonymous = fixture.CreateClient(ResourceNames.BookingsApi);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/admin/reconciliation?eventId={eventId}", Ct)).StatusCode);
        using var attendee = await fixture.AsAsync(ResourceNames.BookingsApi, "attendee");
        Assert.Equal(HttpStatusCode.Forbidden, (await attendee.GetAsync($"/api/admin/reconciliation?eventId={eventId}", Ct)).StatusCode);
        using var organizer = await fixture.AsAsync(ResourceNames.BookingsApi, "organizer");
        Assert.Equal(HttpStatusCode.Forbidden, (await organizer.GetAsync($"/api/admin/reconciliation?eventId={eventId}", Ct)).StatusCode);

        using var admin = await fixture.AsAsync(ResourceNames.BookingsApi, "admin");
        using (var invalid = await admin.GetAsync("/api/admin/reconciliation?eventId=nope&graceSeconds=-1", Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
            var problem = await invalid.Content.ReadFromJsonAsync<JsonElement>(Json, Ct);
            Assert.True(problem.GetProperty("errors").TryGetProperty("eventId", out _));
            Assert.True(problem.GetProperty("errors").TryGetProperty("graceSeconds", out _));
        }

        // An event bookings-api has never seen but events-api knows: consistent, nothing booked.
        var empty = await ReconcileAsync(admin, eventId);
        Assert.True(empty.GetProperty("ok").GetBoolean(), empty.ToString());

        await fixture.System.KillAsync(ResourceNames.EventsApi, Ct);
        try
        {
            using var down = await admin.GetAsync($"/api/admin/reconciliation?eventId={eventId}", Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.Equal("application/problem+json", down.Content.Headers.ContentType?.MediaType);
        }
        finally
        {
            await fixture.System.StartAsync(ResourceNames.EventsApi, cancellationToken: Ct);
        }

        Assert.True((await ReconcileAsync(admin, eventId)).GetProperty("ok").GetBoolean());
    }

    private static async Task<JsonElement> ReconcileAsync(HttpClient admin, Guid eventId)
    {
        using var response = await admin.GetAsync($"/api/admin/reconciliation?eventId={eventId}&graceSeconds=60", Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        return await response.Content.ReadFromJsonAsync<JsonElement>(Json, Ct);
    }

    private async Task CorruptSoldCounterAsync(Guid eventId, int delta)
    {
        await using var connection = new Npgsql.NpgsqlConnection(await fixture.System.ConnectionStringAsync(ResourceNames.EventsDb, Ct));
        await connection.OpenAsync(Ct);
        await using var command = new Npgsql.NpgsqlCommand("UPDATE event_inventory SET sold = sold + $1 WHERE event_id = $2", connection)
        {
            Parameters = { new() { Value = delta }, new() { Value = eventId } },
        };
        Assert.Equal(1, await command.ExecuteNonQueryAsync(Ct));
    }

    private Task<Guid> CreatePublishedEventAsync(int capacity, decimal price) =>
        fixture.CreatePublishedEventAsync(new NewEvent { Title = $"Bookings test {Guid.NewGuid():N}", City = "Porto", Capacity = capacity, Price = price });

    private async Task<Availability> AvailabilityAsync(Guid eventId)
    {
        using var events = fixture.CreateClient(ResourceNames.EventsApi);
        return await events.AvailabilityAsync(eventId, cancellationToken: Ct);
    }

    private static async Task<BookingDto> CreateAsync(HttpClient client, Guid eventId, int quantity, string key)
    {
        using var request = Shopping.BookingRequest(eventId, quantity, key);
        using var response = await client.SendAsync(request, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        return (await response.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!;
    }

    private static async Task<HttpResponseMessage> PayAsync(HttpClient client, Guid bookingId, string card, string? key)
    {
        using var request = Shopping.PaymentRequest(bookingId, key, card);
        return await client.SendAsync(request, Ct);
    }
}
