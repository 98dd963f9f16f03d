using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using Bookings.Api.Apis;
using Bookings.Api.Model;
using Bookings.Api.UseCases.Steps;
using Bookings.Api.UseCases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bookings.Api.Tests;

/// <summary>The booking flow over HTTP against real PostgreSQL (events-api is the contract's stand-in).</summary>
public sealed class BookingFlowTests(BookingsApiFactory factory) : ApiTestBase(factory), IClassFixture<BookingsApiFactory>
{
    [Fact]
    public async Task Whole_flow_with_idempotent_retries_of_create_and_pay()
    {
        var ev = Factory.Inventory.AddEvent(Guid.CreateVersion7(), capacity: 10, price: 30m);
        var userId = Guid.CreateVersion7();
        var client = Factory.ClientFor(userId);

        var booking = await BookedOnceWhateverTheRetriesAsync(client, userId, ev.Id);
        var payment = await PaidOnceWhateverTheRetriesAsync(client, booking, ev.Id);
        await ConfirmedWithSignedTicketsAndTheirQrCodeAsync(client, booking);
        await ConfirmationWrittenToTheOutboxAsync(userId, booking);
        await ListedInTheUsersBookingsAndPaymentsAsync(client, booking, payment);
    }

    [Fact]
    public async Task The_answer_of_an_idempotent_create_and_pay_commits_in_the_transaction_of_its_work_and_is_replayed_as_answered()
    {
        var ev = Factory.Inventory.AddEvent(Guid.CreateVersion7(), capacity: 10, price: 20m);
        var userId = Guid.CreateVersion7();
        var client = Factory.ClientFor(userId);

        var (createKey, payKey) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        var created = await AnsweredTwiceAlikeAsync(() => CreateAsync(client, ev.Id, 2, createKey));
        var bookingId = created.GetProperty("id").GetGuid();
        var paid = await AnsweredTwiceAlikeAsync(() => PayAsync(client, bookingId, SuccessCard, payKey));
        Assert.Equal("Confirmed", paid.GetProperty("bookingStatus").GetString());

        // One transaction writes a row version's xmin: the create's answer went with the booking's insert (its lines share it),
        // the payment's with the confirmation (the tickets' insert): no commit of their own.
        Assert.Equal(await XminAsync($"""SELECT xmin::text AS "Value" FROM booking_lines WHERE "BookingId" = {bookingId}"""),
            await XminAsync($"""SELECT xmin::text AS "Value" FROM idempotency_keys WHERE "UserId" = {userId} AND "Key" = {createKey}"""));
        Assert.Equal(await XminAsync($"""SELECT xmin::text AS "Value" FROM tickets WHERE "BookingId" = {bookingId}"""),
            await XminAsync($"""SELECT xmin::text AS "Value" FROM idempotency_keys WHERE "UserId" = {userId} AND "Key" = {payKey}"""));
    }

    /// <summary>Sends the request, then again with the same key: the replay is the first answer, status and body, field for field (I3).</summary>
    private static async Task<JsonElement> AnsweredTwiceAlikeAsync(Func<Task<HttpResponseMessage>> send)
    {
        using var first = await send();
        using var replay = await send();
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(first.StatusCode, replay.StatusCode);
        var answered = await first.Content.ReadFromJsonAsync<JsonElement>(Json, Ct);
        Assert.True(JsonElement.DeepEquals(answered, await replay.Content.ReadFromJsonAsync<JsonElement>(Json, Ct)));
        return answered;
    }

    private Task<string> XminAsync(FormattableString sql) => Factory.DbAsync(db => db.Database.SqlQuery<string>(sql).Distinct().SingleAsync(Ct));

    /// <summary>Create, retry with the same key (the same booking), retry with another body (422): one booking, two seats held.</summary>
    private async Task<BookingDto> BookedOnceWhateverTheRetriesAsync(HttpClient client, Guid userId, Guid eventId)
    {
        var key = Guid.NewGuid().ToString();
        using var first = await CreateAsync(client, eventId, 2, key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var booking = (await first.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!;
        Assert.Equal($"/api/bookings/{booking.Id}", first.Headers.Location?.OriginalString);
        Assert.Equal("PendingPayment", booking.Status);
        Assert.Equal(60m, booking.Amount);
        Assert.Equal("EUR", booking.Currency);

        using var retry = await CreateAsync(client, eventId, 2, key);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(booking.Id, (await retry.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!.Id);

        using var otherBody = await CreateAsync(client, eventId, 3, key);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherBody.StatusCode);
        Assert.Equal("idempotency-key-reused", (await ProblemAsync(otherBody)).GetProperty("code").GetString());

        Assert.Equal(1, await Factory.DbAsync(db => db.Bookings.CountAsync(b => b.UserId == userId, Ct)));
        Assert.Equal((8, 2, 0), Factory.Inventory.Counts(eventId));
        return booking;
    }

    /// <summary>Pay, retry with the same key (the same payment), pay again without a key (409 already-paid): one payment, one charge, two seats sold.</summary>
    private async Task<PaymentDto> PaidOnceWhateverTheRetriesAsync(HttpClient client, BookingDto booking, Guid eventId)
    {
        var payKey = Guid.NewGuid().ToString();
        using var paid = await PayAsync(client, booking.Id, SuccessCard, payKey);
        Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        var payment = (await paid.Content.ReadFromJsonAsync<PaymentDto>(Json, Ct))!;
        Assert.Equal("Succeeded", payment.Status);
        Assert.Equal("Confirmed", payment.BookingStatus);
        Assert.Equal("4242", payment.CardLast4);

        using var payAgain = await PayAsync(client, booking.Id, SuccessCard, payKey);
        Assert.Equal(HttpStatusCode.Created, payAgain.StatusCode);
        Assert.Equal(payment.Id, (await payAgain.Content.ReadFromJsonAsync<PaymentDto>(Json, Ct))!.Id);

        using var payWithoutKey = await PayAsync(client, booking.Id, SuccessCard);
        Assert.Equal(HttpStatusCode.Conflict, payWithoutKey.StatusCode);
        Assert.Equal("already-paid", (await ProblemAsync(payWithoutKey)).GetProperty("code").GetString());

        Assert.Equal(1, await Factory.DbAsync(db => db.Payments.CountAsync(p => p.BookingId == booking.Id, Ct)));
        Assert.Equal(1, await Factory.DbAsync(db => db.SimulatedCharges.CountAsync(c => c.PaymentId == payment.Id, Ct)));
        Assert.Equal((8, 0, 2), Factory.Inventory.Counts(eventId));
        return payment;
    }

    /// <summary>The booking is confirmed with two tickets, entry numbers 1 and 2, each code signed, each with a PNG QR code.</summary>
    private async Task ConfirmedWithSignedTicketsAndTheirQrCodeAsync(HttpClient client, BookingDto booking)
    {
        var confirmed = await client.GetFromJsonAsync<BookingDto>($"/api/bookings/{booking.Id}", Json, Ct);
        Assert.Equal("Confirmed", confirmed!.Status);

        var tickets = await client.GetFromJsonAsync<Paged<TicketDto>>("/api/tickets", Json, Ct);
        Assert.Equal(2, tickets!.Items.Count);
        var signer = Factory.Services.GetRequiredService<TicketCodeSigner>();
        Assert.All(tickets.Items, t => Assert.True(signer.Verify(t.Code)));
        Assert.Equal([1, 2], tickets.Items.Select(t => t.EntryNumber).Order());

        using var qr = await client.GetAsync($"/api/tickets/{tickets.Items[0].Id}/qr", Ct);
        Assert.Equal(HttpStatusCode.OK, qr.StatusCode);
        Assert.Equal("image/png", qr.Content.Headers.ContentType?.MediaType);
        var png = await qr.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }

    /// <summary>One booking.confirmed in the outbox, with the user's e-mail address and both tickets.</summary>
    private async Task ConfirmationWrittenToTheOutboxAsync(Guid userId, BookingDto booking)
    {
        var outbox = await Factory.DbAsync(db => db.Outbox.Where(e => e.Type == "booking.confirmed").ToListAsync(Ct));
        var confirmedEvent = Assert.Single(outbox, e => JsonDocument.Parse(e.Data).RootElement.GetProperty("bookingId").GetGuid() == booking.Id);
        var data = JsonDocument.Parse(confirmedEvent.Data).RootElement;
        Assert.Equal($"{userId:N}@example.com", data.GetProperty("userEmail").GetString());
        Assert.Equal(2, data.GetProperty("tickets").GetArrayLength());
    }

    private static async Task ListedInTheUsersBookingsAndPaymentsAsync(HttpClient client, BookingDto booking, PaymentDto payment)
    {
        var mine = await client.GetFromJsonAsync<Paged<BookingDto>>("/api/bookings?status=Confirmed", Json, Ct);
        Assert.Equal(booking.Id, Assert.Single(mine!.Items).Id);
        var myPayments = await client.GetFromJsonAsync<Paged<PaymentDto>>("/api/payments", Json, Ct);
        Assert.Equal(payment.Id, Assert.Single(myPayments!.Items).Id);
        var bookingPayments = await client.GetFromJsonAsync<List<PaymentDto>>($"/api/bookings/{booking.Id}/payments", Json, Ct);
        Assert.Single(bookingPayments!);
    }

    /// <summary>The names of the integration events written for one booking, oldest first.</summary>
    private Task<List<string>> OutboxAsync(Guid bookingId) => Factory.DbAsync(async db =>
        (await db.Outbox.OrderBy(e => e.OccurredAt).ThenBy(e => e.Id).ToListAsync(Ct))
            .Where(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("bookingId").GetGuid() == bookingId)
            .Select(e => e.Type)
            .ToList());

    [Fact]
    public async Task The_buyers_language_from_the_token_travels_in_every_event_of_the_booking_even_the_sweepers()
    {
        var ev = Factory.Inventory.AddEvent(Guid.CreateVersion7(), capacity: 10, price: 25m);
        var german = Factory.ClientSpeaking(Guid.CreateVersion7(), "de");
        var confirmed = await ConfirmedAsync(german, ev.Id, 1);
        using var cancel = await german.PostAsJsonAsync($"/api/bookings/{confirmed.Id}/cancel", new { reason = "verhindert" }, Ct);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var unpaid = await CreateOkAsync(german, ev.Id, 1);
        var unspoken = await ConfirmedAsync(Factory.ClientFor(Guid.CreateVersion7()), ev.Id, 1);

        Factory.Time.Advance(TimeSpan.FromMinutes(10));
        await Factory.InScopeAsync(sp => sp.GetRequiredService<ExpireBookings>().RunAsync(Ct));

        Assert.Equal(new Dictionary<string, string?> { ["booking.confirmed"] = "de", ["booking.cancelled"] = "de", ["payment.refunded"] = "de" },
            await LanguagesInOutboxAsync(confirmed.Id));
        Assert.Equal(new Dictionary<string, string?> { ["booking.expired"] = "de" }, await LanguagesInOutboxAsync(unpaid.Id));
        Assert.Equal(new Dictionary<string, string?> { ["booking.confirmed"] = null }, await LanguagesInOutboxAsync(unspoken.Id));
    }

    /// <summary>Each integration event written for one booking, with the <c>language</c> it carries (null: none).</summary>
    private Task<Dictionary<string, string?>> LanguagesInOutboxAsync(Guid bookingId) => Factory.DbAsync(async db =>
        (await db.Outbox.ToListAsync(Ct))
            .Select(e => (e.Type, Data: JsonDocument.Parse(e.Data).RootElement))
            .Where(e => e.Data.GetProperty("bookingId").GetGuid() == bookingId)
            .ToDictionary(e => e.Type, e => e.Data.TryGetProperty("language", out var language) ? language.GetString() : null));

    [Fact]
    public async Task Concurrent_duplicates_with_one_key_create_one_booking()
    {
        var ev = Factory.Inventory.AddEvent(Guid.CreateVersion7(), capacity: 50);
        var userId = Guid.CreateVersion7();
        var client = Factory.ClientFor(userId);
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => CreateAsync(client, ev.Id, 3, key)));
        var ids = new HashSet<Guid>();
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            ids.Add((await response.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!.Id);
            response.Dispose();
        }

        Assert.Single(ids);
        Assert.Equal(1, await Factory.DbAsync(db => db.Bookings.CountAsync(b => b.UserId == userId, Ct)));
        Assert.Equal((47, 3, 0), Factory.Inventory.Counts(ev.Id));
    }

    /// <summary>A key past its lifetime is a new key: another body with it creates another booking instead of a 422.</summary>
    [Fact]
    public async Task An_expired_key_is_claimed_again_as_new()
    {
        var ev = Factory.Inventory.AddEvent(Guid.CreateVersion7(), capacity: 10);
        var userId = Guid.CreateVersion7();
        var client = Factory.ClientFor(userId);
        var key = Guid.NewGuid().ToString();
        using var first = await CreateAsync(client, ev.Id, 2, key);
        var booked = (await first.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!;

        await Factory.DbAsync(db => db.Database.ExecuteSqlAsync(
            $"""UPDATE idempotency_keys SET "ExpiresAt" = now() - interval '1 minute' WHERE "UserId" = {userId} AND "Key" = {key}""", Ct));
        using var again = await CreateAsync(client, ev.Id, 3, key);

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        var rebooked = (await again.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!;
        Assert.NotEqual(booked.Id, rebooked.Id);
        Assert.Equal(3, rebooked.Quantity);
        Assert.Equal(2, await Factory.DbAsync(db => db.Bookings.CountAsync(b => b.UserId == userId, Ct)));
        Assert.Equal((5, 5, 0), Factory.Inventory.Counts(ev.Id));
    }

    [Fact]
    public async Task Declined_card_leaves_the_booking_payable_and_the_seats_held()
    {
        var ev = Factory.Inventory.AddEvent(Guid.CreateVersion7(), capacity: 5);
        var client = Factory.ClientFor(Guid.CreateVersion7());
        var booking = await CreateOkAsync(client, ev.Id, 2);

        using var declined = await PayAsync(client, booking.Id, "4000 0000 0000 0002");
        Assert.Equal(HttpStatusCode.PaymentRequired, declined.StatusCode);
        Assert.Equal("card-declined", (await ProblemAsync(declined)).GetProperty("code").GetString());

        using var broke = await PayAsync(client, booking.Id, "4000 0000 0000 9995");
        Assert.Equal(HttpStatusCode.PaymentRequired, broke.StatusCode);
        Assert.Equal("insufficient-funds", (await ProblemAsync(broke)).GetProperty("code").GetString());

        Assert.Equal("PendingPayment", (await client.GetFromJsonAsync<BookingDto>($"/api/bookings/{booking.Id}", Json, Ct))!.Status);
        Assert.Equal((3, 2, 0), Factory.Inventory.Counts(ev.Id));

        using var paid = await PayAsync(client, booking.Id, SuccessCard);
        Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        var payments = await client.GetFromJsonAsync<List<PaymentDto>>($"/api/bookings/{booking.Id}/payments", Json, Ct);
        Assert.Equal(["Failed", "Failed", "Succeeded"], payments!.Select(p => p.Status));
        Assert.Equal((3, 0, 2), Factory.Inventory.Counts(ev.Id));
    }

    [Fact]
    public async Task Unknown_outcome_is_reconciled_and_the_booking_confirmed()
    {
        var ev = Factory.Inventory.AddEvent(Guid.CreateVersion7(), capacity: 5);
        var client = Factory.ClientFor(Guid.CreateVersion7());
        var booking = await CreateOkAsync(client, ev.Id, 1);

        using var unknown = await PayAsync(client, booking.Id, "4000 0000 0000 0119");
        Assert.Equal(HttpStatusCode.Accepted, unknown.StatusCode);
        var payment = (await unknown.Content.ReadFromJsonAsync<PaymentDto>(Json, Ct))!;
        Assert.Equal("Pending", payment.Status);

        using var cancel = await client.PostAsJsonAsync($"/api/bookings/{booking.Id}/cancel", new { }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, cancel.StatusCode);
        using var payAgain = await PayAsync(client, booking.Id, SuccessCard);
        Assert.Equal("payment-pending", (await ProblemAsync(payAgain)).GetProperty("code").GetString());

        // Even past its hold the booking is not expired while its payment is unsettled.
        Factory.Time.Advance(TimeSpan.FromMinutes(11));
        await Factory.InScopeAsync(sp => sp.GetRequiredService<ExpireBookings>().RunAsync(Ct));
        Assert.Equal("PendingPayment", (await client.GetFromJsonAsync<BookingDto>($"/api/bookings/{booking.Id}", Json, Ct))!.Status);

        await Factory.InScopeAsync(sp => sp.GetRequiredService<ReconcilePayments>().RunAsync(Ct));
        Assert.Equal("Succeeded", (await client.GetFromJsonAsync<PaymentDto>($"/api/payments/{payment.Id}", Json, Ct))!.Status);
        Assert.Equal("Confirmed", (await client.GetFromJsonAsync<BookingDto>($"/api/bookings/{booking.Id}", Json, Ct))!.Status);
        Assert.Equal((4, 0, 1), Factory.Inventory.Counts(ev.Id));
        Assert.Equal(1, await Factory.DbAsync(db => db.Tickets.CountAsync(t => t.BookingId == booking.Id, Ct)));
    }

    [Fact]
    public async Task Charge_that_never_reached_the_gateway_is_sent_again_by_the_retry_never_declined()
    {
        const string card = "5555555555554444";
        var ev = Factory.Inventory.AddEvent(Guid.CreateVersion7(), capacity: 5);
        var client = Factory.ClientFor(Guid.CreateVersion7());
        var booking = await CreateOkAsync(client, ev.Id, 1);
        var key = Guid.NewGuid().ToString();

        Factory.Gateway.FailCharges(card, 1);
        using var outage = await PayAsync(client, booking.Id, card, key);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, outage.StatusCode);
        Assert.NotNull(outage.Headers.RetryAfter);

        // The reconciler asks the gateway, which never saw the charge: the attempt is closed as not charged...
        await Factory.InScopeAsync(sp => sp.GetRequiredService<ReconcilePayments>().RunAsync(Ct));
        var attempt = (await client.GetFromJsonAsync<List<PaymentDto>>($"/api/bookings/{booking.Id}/payments", Json, Ct))!.Single();
        Assert.Equal("Failed", attempt.Status);

        // ...and the client's retry of the same request sends the same payment again instead of answering 402.
        using var retry = await PayAsync(client, booking.Id, card, key);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        var paid = (await retry.Content.ReadFromJsonAsync<PaymentDto>(Json, Ct))!;
        Assert.Equal((attempt.Id, "Succeeded"), (paid.Id, paid.Status));
        Assert.Equal("Confirmed", (await client.GetFromJsonAsync<BookingDto>($"/api/bookings/{booking.Id}", Json, Ct))!.Status);
        Assert.Equal(1, await Factory.DbAsync(db => db.SimulatedCharges.CountAsync(c => c.PaymentId == paid.Id, Ct)));

        using var again = await PayAsync(client, booking.Id, card, key);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(paid.Id, (await again.Content.ReadFromJsonAsync<PaymentDto>(Json, Ct))!.Id);
        Assert.Single((await client.GetFromJsonAsync<List<PaymentDto>>($"/api/bookings/{booking.Id}/payments", Json, Ct))!);
    }

    [Fact]
    public async Task Payment_after_expiry_is_refused_and_the_sweeper_expires_and_releases()
    {
        var ev = Factory.Inventory.AddEvent(Guid.CreateVersion7(), capacity: 5);
        var client = Factory.ClientFor(Guid.CreateVersion7());
        var booking = await CreateOkAsync(client, ev.Id, 2);
        Factory.Time.Advance(TimeSpan.FromMinutes(10));

        using var late = await PayAsync(client, booking.Id, SuccessCard);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal("booking-expired", (await ProblemAsync(late)).GetProperty("code").GetString());
        Assert.Equal(0, await Factory.DbAsync(db => db.Payments.CountAsync(p => p.BookingId == booking.Id, Ct)));

        await Factory.InScopeAsync(sp => sp.GetRequiredService<ExpireBookings>().RunAsync(Ct));
        Assert.Equal("Expired", (await client.GetFromJsonAsync<BookingDto>($"/api/bookings/{booking.Id}", Json, Ct))!.Status);
        Assert.Equal((5, 0, 0), Factory.Inventory.Counts(ev.Id));
        Assert.Single(await OutboxAsync(booking.Id), "booking.expired");
    }

    [Fact]
    public async Task Attendee_cancellation_refunds_voids_tickets_and_releases_seats()
    {
        var ev = Factory.Inventory.AddEvent(Guid.CreateVersion7(), capacity: 5, price: 40m);
        var client = Factory.ClientFor(Guid.CreateVersion7());
        var booking = await ConfirmedAsync(client, ev.Id, 2);
        Assert.Equal((3, 0, 2), Factory.Inventory.Counts(ev.Id));

        using var cancel = await client.PostAsJsonAsync($"/api/bookings/{booking.Id}/cancel", new { reason = "cannot come" }, Ct);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("Cancelled", (await cancel.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!.Status);
        Assert.Equal((5, 0, 0), Factory.Inventory.Counts(ev.Id));

        var payment = Assert.Single((await client.GetFromJsonAsync<List<PaymentDto>>($"/api/bookings/{booking.Id}/payments", Json, Ct))!);
        Assert.Equal("Refunded", payment.Status);
        Assert.Equal(80m, payment.RefundedAmount);
        Assert.Equal(80m, await Factory.DbAsync(db => db.SimulatedCharges.Where(c => c.PaymentId == payment.Id).Select(c => c.RefundedAmount).SingleAsync(Ct)));
        Assert.True(await Factory.DbAsync(db => db.Tickets.Where(t => t.BookingId == booking.Id).AllAsync(t => t.Status == TicketStatus.Void, Ct)));
        var events = await OutboxAsync(booking.Id);
        Assert.Contains("booking.cancelled", events);
        Assert.Contains("payment.refunded", events);

        using var again = await client.PostAsJsonAsync($"/api/bookings/{booking.Id}/cancel", new { }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("illegal-transition", (await ProblemAsync(again)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Event_cancellation_refunds_and_cancels_every_booking_once()
    {
        var organizer = Guid.CreateVersion7();
        var ev = Factory.Inventory.AddEvent(organizer, capacity: 10);
        var a = await ConfirmedAsync(Factory.ClientFor(Guid.CreateVersion7()), ev.Id, 2);
        var b = await ConfirmedAsync(Factory.ClientFor(Guid.CreateVersion7()), ev.Id, 3);
        var pending = await CreateOkAsync(Factory.ClientFor(Guid.CreateVersion7()), ev.Id, 1);
        ev.Cancelled = true;

        var first = await Factory.InScopeAsync(sp => sp.GetRequiredService<CancelEventBookings>().RunAsync(ev.Id, "event-cancelled", Ct));
        var second = await Factory.InScopeAsync(sp => sp.GetRequiredService<CancelEventBookings>().RunAsync(ev.Id, "event-cancelled", Ct));
        Assert.Equal(3, first);
        Assert.Equal(0, second);

        var bookings = await Factory.DbAsync(db => db.Bookings.Where(x => x.EventId == ev.Id).ToListAsync(Ct));
        Assert.All(bookings, x => Assert.Equal(BookingStatus.Cancelled, x.Status));
        Assert.All(bookings, x => Assert.Equal(Booking.CancelledWithEvent, x.CancelledBy));
        // notifications-api may ask after this ran: the confirmed ones are still the event's attendees (the pending one never was).
        var attendees = await Factory.WithToken(Factory.ServiceToken()).GetFromJsonAsync<List<AttendeeDto>>($"/internal/events/{ev.Id}/attendees", Json, Ct);
        Assert.Equal([a.Id, b.Id], attendees!.Select(x => x.BookingId).Order());
        Assert.DoesNotContain(pending.Id, attendees!.Select(x => x.BookingId));
        var payments = await Factory.DbAsync(db => db.Payments.Where(x => x.EventId == ev.Id).ToListAsync(Ct));
        Assert.Equal(2, payments.Count);
        Assert.All(payments, p => Assert.Equal(PaymentStatus.Refunded, p.Status));
        Assert.All(payments, p => Assert.Equal(p.Amount, p.RefundedAmount));
        Assert.Equal((10, 0, 0), Factory.Inventory.Counts(ev.Id));
        Assert.Equal(["booking.cancelled", "booking.confirmed", "payment.refunded"], (await OutboxAsync(a.Id)).Order());
        Assert.Equal(["booking.cancelled", "booking.confirmed", "payment.refunded"], (await OutboxAsync(b.Id)).Order());
        Assert.Equal(["booking.cancelled"], await OutboxAsync(pending.Id));
    }

    [Fact]
    public async Task Admin_refund_returns_money_and_seats()
    {
        var ev = Factory.Inventory.AddEvent(Guid.CreateVersion7(), capacity: 4);
        var attendee = Factory.ClientFor(Guid.CreateVersion7());
        var booking = await ConfirmedAsync(attendee, ev.Id, 2);

        using var refusedForAttendee = await attendee.PostAsJsonAsync("/api/refunds", new { bookingId = booking.Id }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refusedForAttendee.StatusCode);

        var admin = Factory.ClientFor(Guid.CreateVersion7(), "admin");
        using var refund = await admin.PostAsJsonAsync("/api/refunds", new { bookingId = booking.Id, reason = "duplicate purchase" }, Ct);
        Assert.Equal(HttpStatusCode.Created, refund.StatusCode);
        var payment = (await refund.Content.ReadFromJsonAsync<PaymentDto>(Json, Ct))!;
        Assert.Equal("Refunded", payment.Status);
        Assert.Equal("Refunded", payment.BookingStatus);
        Assert.Equal((4, 0, 0), Factory.Inventory.Counts(ev.Id));

        using var twice = await admin.PostAsJsonAsync("/api/refunds", new { bookingId = booking.Id }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
    }

    [Fact]
    public async Task Sales_figures_for_the_organizer()
    {
        var organizer = Guid.CreateVersion7();
        var ev = Factory.Inventory.AddEvent(organizer, capacity: 10, price: 20m);
        await ConfirmedAsync(Factory.ClientFor(Guid.CreateVersion7()), ev.Id, 3);
        var cancelled = await ConfirmedAsync(Factory.ClientFor(Guid.CreateVersion7()), ev.Id, 1);
        var org = Factory.ClientFor(organizer, "organizer");
        using (var cancel = await org.PostAsJsonAsync($"/api/bookings/{cancelled.Id}/cancel", new { }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        var sales = await org.GetFromJsonAsync<JsonElement>($"/api/events/{ev.Id}/sales?interval=hour", Json, Ct);
        Assert.Equal(3, sales.GetProperty("ticketsSold").GetInt32());
        Assert.Equal(60m, sales.GetProperty("revenue").GetDecimal());
        Assert.Equal(1, sales.GetProperty("refundCount").GetInt32());
        Assert.Equal(20m, sales.GetProperty("refundedAmount").GetDecimal());
        Assert.Equal(0.3, sales.GetProperty("occupancy").GetDouble());
        Assert.Equal(3, sales.GetProperty("series").EnumerateArray().Sum(p => p.GetProperty("ticketsSold").GetInt32()));

        var mine = await org.GetFromJsonAsync<JsonElement>("/api/organizers/me/sales", Json, Ct);
        Assert.Equal(3, mine.GetProperty("ticketsSold").GetInt32());
        Assert.Single(mine.GetProperty("events").EnumerateArray());

        var list = await org.GetFromJsonAsync<Paged<BookingDto>>($"/api/events/{ev.Id}/bookings", Json, Ct);
        Assert.Equal(2, list!.TotalCount);
    }
}
