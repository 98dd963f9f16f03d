using System.Net.Http.Json;
using System.Net;
using System.Text;
using Bookings.Api.Apis;
using Bookings.Api.Infrastructure;
using Bookings.Api.Model;
using Bookings.Api.UseCases.Steps;
using EventBooking.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bookings.Api.Tests;

/// <summary>Ownership (I7), bad input, and the concurrency/conservation check (I1, I2).</summary>
public sealed class GuardTests(BookingsApiFactory factory) : ApiTestBase(factory), IClassFixture<BookingsApiFactory>
{
    /// <summary>A confirmed booking of one seat, of an attendee (<c>Owner</c>), for an event of <c>Organizer</c>.</summary>
    private async Task<(Guid EventId, Guid Organizer, HttpClient Owner, BookingDto Booking)> OwnedBookingAsync()
    {
        var organizer = Guid.CreateVersion7();
        var ev = Factory.Inventory.AddEvent(organizer, capacity: 5);
        var owner = Factory.ClientFor(Guid.CreateVersion7());
        return (ev.Id, organizer, owner, await ConfirmedAsync(owner, ev.Id, 1));
    }

    [Fact]
    public async Task A_token_without_a_verified_email_holds_no_seats_and_gets_403_email_not_verified()
    {
        var ev = Factory.Inventory.AddEvent(Guid.CreateVersion7(), capacity: 5);
        var userId = Guid.CreateVersion7();
        var unverified = Factory.WithToken(Factory.Token(userId, emailVerified: false));

        using (var refused = await CreateAsync(unverified, ev.Id, 2, Guid.NewGuid().ToString()))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            var problem = await ProblemAsync(refused);
            Assert.Equal("email-not-verified", problem.GetProperty("code").GetString());
            Assert.Equal(403, problem.GetProperty("status").GetInt32());
        }

        Assert.Equal((5, 0, 0), Factory.Inventory.Counts(ev.Id));
        Assert.Equal(0, await Factory.DbAsync(db => db.Bookings.CountAsync(b => b.UserId == userId, Ct)));

        // The same person once users-api says the address is verified.
        var booking = await CreateOkAsync(Factory.ClientFor(userId), ev.Id, 2);
        Assert.Equal(userId, (await Factory.DbAsync(db => db.Bookings.SingleAsync(b => b.Id == booking.Id, Ct))).UserId);
    }

    [Fact]
    public async Task A_user_cannot_see_or_act_on_another_users_booking_ticket_or_payment()
    {
        var (_, _, owner, booking) = await OwnedBookingAsync();
        var payment = Assert.Single((await owner.GetFromJsonAsync<List<PaymentDto>>($"/api/bookings/{booking.Id}/payments", Json, Ct))!);
        var ticket = Assert.Single((await owner.GetFromJsonAsync<Paged<TicketDto>>("/api/tickets", Json, Ct))!.Items);

        var stranger = Factory.ClientFor(Guid.CreateVersion7());
        foreach (var url in new[]
        {
            $"/api/bookings/{booking.Id}", $"/api/bookings/{booking.Id}/payments", $"/api/bookings/{booking.Id}/tickets",
            $"/api/payments/{payment.Id}", $"/api/tickets/{ticket.Id}", $"/api/tickets/{ticket.Id}/qr",
        })
        {
            using var response = await stranger.GetAsync(url, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, url + " answered " + response.StatusCode);
            await ProblemAsync(response);
        }

        using (var cancel = await stranger.PostAsJsonAsync($"/api/bookings/{booking.Id}/cancel", new { }, Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        }

        Assert.Empty((await stranger.GetFromJsonAsync<Paged<BookingDto>>("/api/bookings", Json, Ct))!.Items);
        Assert.Empty((await stranger.GetFromJsonAsync<Paged<PaymentDto>>("/api/payments", Json, Ct))!.Items);
    }

    [Fact]
    public async Task Sales_and_event_bookings_are_for_the_events_organizer_and_admins_not_attendees_or_another_organizer()
    {
        var (eventId, organizer, owner, booking) = await OwnedBookingAsync();
        using (var sales = await owner.GetAsync($"/api/events/{eventId}/sales", Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, sales.StatusCode);
        }

        var otherOrganizer = Factory.ClientFor(Guid.CreateVersion7(), "organizer");
        using (var sales = await otherOrganizer.GetAsync($"/api/events/{eventId}/sales", Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, sales.StatusCode);
            await ProblemAsync(sales);
        }

        using (var list = await otherOrganizer.GetAsync($"/api/events/{eventId}/bookings", Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        }

        // The organizer of the event and an admin do see the booking.
        var org = Factory.ClientFor(organizer, "organizer");
        Assert.Equal(booking.Id, (await org.GetFromJsonAsync<BookingDto>($"/api/bookings/{booking.Id}", Json, Ct))!.Id);
        using var adminSales = await Factory.ClientFor(Guid.CreateVersion7(), "admin").GetAsync($"/api/events/{eventId}/sales", Ct);
        Assert.Equal(HttpStatusCode.OK, adminSales.StatusCode);
    }

    [Fact]
    public async Task An_events_attendees_are_for_service_identities_and_bookings_for_people_signed_in()
    {
        var (eventId, _, _, booking) = await OwnedBookingAsync();
        using (var asUser = await Factory.ClientFor(Guid.CreateVersion7(), "admin").GetAsync($"/internal/events/{eventId}/attendees", Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, asUser.StatusCode);
        }

        var attendees = await Factory.WithToken(Factory.ServiceToken()).GetFromJsonAsync<List<AttendeeDto>>($"/internal/events/{eventId}/attendees", Json, Ct);
        var attendee = Assert.Single(attendees!);
        Assert.Equal(booking.Id, attendee.BookingId);
        Assert.Equal(booking.UserId, attendee.UserId);
        Assert.EndsWith("@example.com", attendee.Email, StringComparison.Ordinal);

        using var anonymous = await Factory.CreateClient().GetAsync("/api/bookings", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var serviceAsUser = await Factory.WithToken(Factory.ServiceToken()).GetAsync("/api/bookings", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, serviceAsUser.StatusCode);
    }

    [Theory]
    [InlineData("""{"quantity": 0}""", "quantity")]
    [InlineData("""{"quantity": -1}""", "quantity")]
    [InlineData("""{"quantity": 11}""", "quantity")]
    [InlineData("""{"quantity": null}""", "quantity")]
    [InlineData("""{"quantity": 1, "eventId": null}""", "eventId")]
    public async Task Bad_quantities_and_missing_fields_are_400_with_field_errors_and_change_nothing(string body, string field)
    {
        var ev = Factory.Inventory.AddEvent(Guid.CreateVersion7(), capacity: 20);
        var userId = Guid.CreateVersion7();
        var json = body.Contains("eventId", StringComparison.Ordinal) ? body : body.Replace("{", $$"""{"eventId": "{{ev.Id}}", """, StringComparison.Ordinal);
        using var response = await PostRawAsync(Factory.ClientFor(userId), json, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), "errors lists " + field);
        await AssertNothingChangedAsync(userId, ev.Id, 20);
    }

    [Fact]
    public async Task Missing_key_unknown_event_wrong_types_malformed_and_huge_bodies_are_refused()
    {
        var ev = Factory.Inventory.AddEvent(Guid.CreateVersion7(), capacity: 20);
        var userId = Guid.CreateVersion7();
        var client = Factory.ClientFor(userId);

        using (var noKey = await CreateAsync(client, ev.Id, 1, key: null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noKey.StatusCode);
            Assert.True((await ProblemAsync(noKey)).GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        }

        using (var unknown = await CreateAsync(client, Guid.CreateVersion7(), 1, Guid.NewGuid().ToString()))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            await ProblemAsync(unknown);
        }

        foreach (var body in new[] { $$"""{"eventId": "{{ev.Id}}", "quantity": "abc"}""", """{"eventId": 42, "quantity": 1}""", "{not json", "[]" })
        {
            using var response = await PostRawAsync(client, body, Guid.NewGuid().ToString());
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body + " answered " + response.StatusCode);
            await ProblemAsync(response);
        }

        var huge = $$"""{"eventId": "{{ev.Id}}", "quantity": 1, "padding": "{{new string('x', 100_000)}}"}""";
        using (var tooLarge = await PostRawAsync(client, huge, Guid.NewGuid().ToString()))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        }

        using (var badCard = await PayAsync(client, Guid.CreateVersion7(), "1234"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badCard.StatusCode);
            Assert.True((await ProblemAsync(badCard)).GetProperty("errors").TryGetProperty("paymentMethod", out _));
        }

        using (var badStatus = await client.GetAsync("/api/bookings?status=Nope&pageSize=1000", Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        }

        await AssertNothingChangedAsync(userId, ev.Id, 20);
    }

    /// <summary>
    /// The event list once parsed <c>?status=</c> without the check the user list had, so a flag combination such as
    /// <c>Cancelled,Expired</c> (6) filtered on a status that does not exist and <c>Confirmed,Cancelled</c> (3) on Refunded.
    /// </summary>
    [Theory]
    [InlineData("Cancelled,Expired")]
    [InlineData("Confirmed,Cancelled")]
    [InlineData("3")]
    [InlineData("Nope")]
    public async Task A_status_filter_is_one_status_by_name_on_every_booking_list(string status)
    {
        var organizer = Guid.CreateVersion7();
        var ev = Factory.Inventory.AddEvent(organizer, capacity: 5);
        var client = Factory.ClientFor(organizer, "organizer");
        foreach (var list in new[] { "/api/bookings", $"/api/events/{ev.Id}/bookings" })
        {
            using (var refused = await client.GetAsync($"{list}?status={Uri.EscapeDataString(status)}", Ct))
            {
                Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{list}?status={status} answered {refused.StatusCode}");
                Assert.True((await ProblemAsync(refused)).GetProperty("errors").TryGetProperty("status", out _));
            }

            using var named = await client.GetAsync($"{list}?status=confirmed", Ct);
            Assert.Equal(HttpStatusCode.OK, named.StatusCode);
        }
    }

    [Fact]
    public async Task Events_api_refusals_reach_the_client_with_their_code_unchanged()
    {
        var ev = Factory.Inventory.AddEvent(Guid.CreateVersion7(), capacity: 2);
        var client = Factory.ClientFor(Guid.CreateVersion7());

        using (var soldOut = await CreateAsync(client, ev.Id, 3, Guid.NewGuid().ToString()))
        {
            Assert.Equal(HttpStatusCode.Conflict, soldOut.StatusCode);
            var problem = await ProblemAsync(soldOut);
            Assert.Equal("sold-out", problem.GetProperty("code").GetString());
            Assert.Equal(Problems.TypeBase + "sold-out", problem.GetProperty("type").GetString());
            Assert.Equal(FakeInventory.SoldOut.Detail, problem.GetProperty("detail").GetString());
        }

        ev.Cancelled = true;
        using (var notOnSale = await CreateAsync(client, ev.Id, 1, Guid.NewGuid().ToString()))
        {
            Assert.Equal(HttpStatusCode.Conflict, notOnSale.StatusCode);
            Assert.Equal("not-on-sale", (await ProblemAsync(notOnSale)).GetProperty("code").GetString());
        }

        using var unknown = await CreateAsync(client, Guid.CreateVersion7(), 1, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("event-not-found", (await ProblemAsync(unknown)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Booking_requests_are_rate_limited_per_user()
    {
        var ev = Factory.Inventory.AddEvent(Guid.CreateVersion7(), capacity: 20);
        var client = Factory.ClientFor(Guid.CreateVersion7());
        for (var i = 0; i < 30; i++)
        {
            using var allowed = await CreateAsync(client, ev.Id, 0, Guid.NewGuid().ToString());
            Assert.Equal(HttpStatusCode.BadRequest, allowed.StatusCode);
        }

        using var limited = await CreateAsync(client, ev.Id, 1, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("too-many-requests", (await ProblemAsync(limited)).GetProperty("code").GetString());

        using var otherUser = await CreateAsync(Factory.ClientFor(Guid.CreateVersion7()), ev.Id, 1, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Created, otherUser.StatusCode);
    }

    [Fact]
    public async Task Mass_assignment_of_price_or_status_is_ignored()
    {
        var ev = Factory.Inventory.AddEvent(Guid.CreateVersion7(), capacity: 20, price: 99m);
        var client = Factory.ClientFor(Guid.CreateVersion7());
        var body = $$"""{"eventId": "{{ev.Id}}", "quantity": 1, "unitPrice": 0.01, "amount": 0, "currency": "XXX", "status": "Confirmed", "userId": "{{Guid.CreateVersion7()}}"}""";
        using var response = await PostRawAsync(client, body, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var booking = (await response.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!;
        Assert.Equal(99m, booking.Amount);
        Assert.Equal("EUR", booking.Currency);
        Assert.Equal("PendingPayment", booking.Status);
    }

    [Fact]
    public async Task Five_hundred_concurrent_bookings_for_a_hundred_seats_confirm_exactly_a_hundred()
    {
        var ev = Factory.Inventory.AddEvent(Guid.CreateVersion7(), capacity: 100, price: 10m);
        var clients = Enumerable.Range(0, 500).Select(_ => Factory.ClientFor(Guid.CreateVersion7())).ToList();

        var created = await Task.WhenAll(clients.Select(async client =>
        {
            // Beyond the replica's purchase capacity the answer is 503 + Retry-After: these clients wait and retry, as clients should.
            var key = Guid.NewGuid().ToString();
            using var response = await RetryPolicy.Unavailable.SendAsync(client, () => Shopping.BookingRequest(ev.Id, 1, key), Ct);
            return (client, response.StatusCode, Booking: response.StatusCode == HttpStatusCode.Created ? await response.Content.ReadFromJsonAsync<BookingDto>(Json, Ct) : null);
        }));
        Assert.Equal(100, created.Count(c => c.StatusCode == HttpStatusCode.Created));
        Assert.Equal(400, created.Count(c => c.StatusCode == HttpStatusCode.Conflict));

        var paid = await Task.WhenAll(created.Where(c => c.Booking is not null).Select(async c =>
        {
            var key = Guid.NewGuid().ToString();
            using var response = await RetryPolicy.Unavailable.SendAsync(c.client, () => Shopping.PaymentRequest(c.Booking!.Id, key, SuccessCard), Ct);
            return response.StatusCode;
        }));
        Assert.All(paid, status => Assert.Equal(HttpStatusCode.Created, status));

        var (available, held, sold) = Factory.Inventory.Counts(ev.Id);
        Assert.Equal((0, 0, 100), (available, held, sold));
        Assert.Equal(100, available + held + sold);
        var confirmedSeats = await Factory.DbAsync(db => db.Bookings.Where(b => b.EventId == ev.Id && b.Status == BookingStatus.Confirmed).SumAsync(b => b.Quantity, Ct));
        Assert.Equal(sold, confirmedSeats);
        Assert.Equal(0, await Factory.DbAsync(db => db.Bookings.CountAsync(b => b.EventId == ev.Id && b.Status != BookingStatus.Confirmed, Ct)));
        var entries = await Factory.DbAsync(db => db.Tickets.Where(t => t.EventId == ev.Id).Select(t => t.EntryNumber).OrderBy(n => n).ToListAsync(Ct));
        Assert.Equal(Enumerable.Range(1, 100), entries);
        Assert.Equal(100, await Factory.DbAsync(db => db.SimulatedCharges.CountAsync(c => db.Payments.Any(p => p.Id == c.PaymentId && p.EventId == ev.Id), Ct)));
    }

    [Fact]
    public async Task Entry_numbers_of_two_replicas_are_unique_and_a_quiet_event_takes_them_one_booking_at_a_time()
    {
        var eventId = Guid.CreateVersion7();
        var (clockA, clockB) = (new ShiftedTime(), new ShiftedTime());
        var (replicaA, replicaB) = (new EntryNumbers(clockA), new EntryNumbers(clockB));
        Task<int> Take(EntryNumbers replica, int quantity) => Factory.DbAsync(db => replica.TakeAsync(db, eventId, quantity, Ct));

        // Quiet: a booking every few seconds takes exactly its own numbers from the row, whichever replica confirms it.
        Assert.Equal(2, await Take(replicaA, 2));
        clockA.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(3, await Take(replicaB, 1));
        clockB.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(5, await Take(replicaA, 2));
        Assert.Equal(5, await Factory.DbAsync(db => db.Database.SqlQuery<int>($"""SELECT "LastEntryNumber" AS "Value" FROM ticket_sequences WHERE "EventId" = {eventId}""").SingleAsync(Ct)));

        // A rush on both replicas at once: blocks grow, every number is handed out once, each booking's numbers are consecutive.
        var taken = await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Task.Run(async () =>
        {
            var quantity = 1 + (i % 3);
            var last = await Take(i % 2 == 0 ? replicaA : replicaB, quantity);
            return Enumerable.Range(last - quantity + 1, quantity);
        })));
        var numbers = taken.SelectMany(n => n).ToList();
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
        Assert.True(numbers.Min() > 5, "a rush never reuses the quiet period's numbers");
        var counter = await Factory.DbAsync(db => db.Database.SqlQuery<int>($"""SELECT "LastEntryNumber" AS "Value" FROM ticket_sequences WHERE "EventId" = {eventId}""").SingleAsync(Ct));
        Assert.True(numbers.Max() <= counter);
        Assert.True(counter - 5 - numbers.Count <= 2 * 2 * EntryNumbers.MaxBlock, $"gaps beyond the replicas' last blocks: {counter - 5 - numbers.Count} unused");
    }

    [Fact]
    public async Task A_block_refill_waiting_for_a_connection_does_not_stop_confirmations_that_find_their_numbers_in_the_block()
    {
        // A pool of one connection, held elsewhere: every new statement waits, as in a rush that has spoken for the whole pool.
        var pooled = new Npgsql.NpgsqlConnectionStringBuilder(Factory.ConnectionString) { MaxPoolSize = 1, Timeout = 120 }.ConnectionString;
        var options = new DbContextOptionsBuilder<BookingsDbContext>().UseNpgsql(pooled).Options;
        var eventId = Guid.CreateVersion7();
        var replica = new EntryNumbers(new FrozenTime());
        await using (var db = new BookingsDbContext(options))
        {
            Assert.Equal(1, await replica.TakeAsync(db, eventId, 1, Ct));
            Assert.Equal(2, await replica.TakeAsync(db, eventId, 1, Ct)); // a second booking within the second: a block of 2, 3 left
        }

        await using var holder = new BookingsDbContext(options);
        await holder.Database.OpenConnectionAsync(Ct);
        await using var refilling = new BookingsDbContext(options);
        await using var fitting = new BookingsDbContext(options);

        // Two numbers do not fit: a refill, which waits for the pool. One number fits: it is handed out meanwhile.
        var refill = replica.TakeAsync(refilling, eventId, 2, Ct);
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        Assert.False(refill.IsCompleted);
        Assert.Equal(3, await replica.TakeAsync(fitting, eventId, 1, Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct));

        await holder.Database.CloseConnectionAsync();
        Assert.Equal(5, await refill.WaitAsync(TimeSpan.FromSeconds(60), Ct)); // a block of 4 (4..7): 4 and 5
    }

    /// <summary>A clock that does not move: every take counts as within the same second.</summary>
    private sealed class FrozenTime : TimeProvider
    {
        private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => _now;
    }

    private static async Task<HttpResponseMessage> PostRawAsync(HttpClient client, string json, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request, Ct);
    }

    private async Task AssertNothingChangedAsync(Guid userId, Guid eventId, int capacity)
    {
        Assert.Equal(0, await Factory.DbAsync(db => db.Bookings.CountAsync(b => b.UserId == userId, Ct)));
        Assert.Equal((capacity, 0, 0), Factory.Inventory.Counts(eventId));
    }

    [Fact]
    public async Task Purchases_beyond_the_replicas_capacity_are_refused_at_once_with_503_and_change_nothing()
    {
        await using var limited = Factory.WithWebHostBuilder(web => web
            .UseSetting("Bookings:MaxConcurrentPurchases", "1")
            .UseSetting("Bookings:PurchaseQueueLimit", "0"));
        var inventory = limited.Services.GetRequiredService<FakeInventory>();
        var ev = inventory.AddEvent(Guid.CreateVersion7(), capacity: 5);
        var userId = Guid.CreateVersion7();
        using var client = limited.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Factory.Token(userId));

        inventory.HoldBarrier = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = CreateAsync(client, ev.Id, 1, Guid.NewGuid().ToString());
        await inventory.HoldEntered.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (var refused = await CreateAsync(client, ev.Id, 1, Guid.NewGuid().ToString()))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"refused after {clock.Elapsed}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
            Assert.Equal("temporarily-unavailable", (await ProblemAsync(refused)).GetProperty("code").GetString());
        }

        // The door sheds before authentication: a refusal costs no token validation, so even a forged token gets the 503.
        using (var anonymous = limited.CreateClient())
        {
            anonymous.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not-a-token");
            using var shed = await CreateAsync(anonymous, ev.Id, 1, Guid.NewGuid().ToString());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, shed.StatusCode);
        }

        // Reads are not purchases: they are answered while the purchase is in flight.
        using (var list = await client.GetAsync("/api/bookings", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        }

        inventory.HoldBarrier.SetResult();
        using (var created = await first)
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        await using (var scope = limited.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Bookings.Api.Infrastructure.BookingsDbContext>();
            Assert.Equal(1, await db.Bookings.CountAsync(b => b.UserId == userId, Ct));
        }

        Assert.Equal((4, 1, 0), inventory.Counts(ev.Id));

        // Capacity is back: the next purchase goes through, and an unauthenticated one gets its 401 again.
        using (var anonymous = limited.CreateClient())
        {
            using var unauthorized = await CreateAsync(anonymous, ev.Id, 1, Guid.NewGuid().ToString());
            Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        }

        inventory.HoldBarrier = null;
        using var next = await CreateAsync(client, ev.Id, 1, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Created, next.StatusCode);
    }
}
