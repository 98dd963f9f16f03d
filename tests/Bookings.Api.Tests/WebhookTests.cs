using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bookings.Api.Apis;
using Bookings.Api.Webhooks;
using EventBooking.Messaging.Contracts;
using EventBooking.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using StandardWebhooks;

namespace Bookings.Api.Tests;

/// <summary>bookings-api with a fast retry schedule and receivers on this machine allowed (the tests' receivers are on 127.0.0.1).</summary>
public sealed class WebhookApiFactory(PostgresFixture postgres, RabbitMqFixture rabbitMq) : BookingsApiFactory(postgres, rabbitMq)
{
    public WebhookReceiver Receiver { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
    }

    protected override void ConfigureMore(IWebHostBuilder builder)
    {
        builder.UseSetting("Webhooks:AllowPrivateTargets", "true");
        builder.UseSetting("Webhooks:PollInterval", "00:00:00.100");
        builder.UseSetting("Webhooks:RetryJitter", "0");
        builder.UseSetting("Webhooks:Lease", "00:00:02");
        builder.UseSetting("Webhooks:Timeout", "00:00:08");
        builder.UseSetting("Webhooks:MaxInFlightPerEndpoint", "2");
        // Four attempts within about two seconds (production: 13 over about 2.8 days).
        builder.UseSetting("Webhooks:RetryDelays:0", "00:00:00.300");
        builder.UseSetting("Webhooks:RetryDelays:1", "00:00:00.500");
        builder.UseSetting("Webhooks:RetryDelays:2", "00:00:00.800");
    }
}

/// <summary>
/// Organizers' webhooks over a real RabbitMQ, PostgreSQL and HTTP receiver: what a confirmed booking sends, how it is signed,
/// retries until a receiver recovers, disabling a dead endpoint and replaying, a sender that dies mid-attempt, a slow receiver
/// that delays nobody else, and the endpoint API's refusals.
/// </summary>
public sealed class WebhookTests(WebhookApiFactory factory) : ApiTestBase(factory), IClassFixture<WebhookApiFactory>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private WebhookReceiver Receiver => factory.Receiver;

    [Fact]
    public async Task A_confirmed_booking_reaches_the_organizer_s_endpoint_signed_so_that_the_standard_library_verifies_it()
    {
        var organizer = Guid.CreateVersion7();
        var ev = Factory.Inventory.AddEvent(organizer, capacity: 10, price: 20m);
        var org = Factory.ClientFor(organizer, "organizer");
        var path = $"/crm/{Guid.NewGuid():N}";
        var (endpoint, secret) = await CreateEndpointAsync(org, Receiver.Url(path), WebhookEventTypes.BookingConfirmed, WebhookEventTypes.BookingCancelled);
        Assert.StartsWith("whsec_", secret);
        Assert.DoesNotContain(secret, await org.GetStringAsync("/api/webhooks", Ct), StringComparison.Ordinal);

        var booking = await ConfirmedAsync(Factory.ClientFor(Guid.CreateVersion7()), ev.Id, 2);
        var received = await Poll.ForAsync(() => Task.FromResult(Receiver.At(path).FirstOrDefault()), Patience, "the confirmation to arrive", Ct);

        new StandardWebhook(secret).Verify(received.Body, received.Headers);
        var body = JsonDocument.Parse(received.Body).RootElement;
        Assert.Equal("booking.confirmed", body.GetProperty("type").GetString());
        Assert.Equal(booking.Id, body.GetProperty("data").GetProperty("bookingId").GetGuid());
        Assert.Equal(2, body.GetProperty("data").GetProperty("tickets").GetArrayLength());
        Assert.DoesNotContain("\"code\"", received.Body, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("msg_", received.Headers["webhook-id"].ToString());

        // Tampered with, it no longer verifies.
        Assert.Throws<StandardWebhooks.Diagnostics.WebhookVerificationException>(() => new StandardWebhook(secret).Verify(received.Body.Replace("\"quantity\":2", "\"quantity\":3"), received.Headers));

        // The log shows one successful attempt; an event type it did not subscribe to sends nothing.
        // The receiver has the body before the deliverer records the attempt's answer: read the log once it has.
        var delivery = await Poll.ForAsync(async () =>
        {
            var deliveries = (await org.GetFromJsonAsync<Paged<WebhookDeliveryDto>>($"/api/webhooks/{endpoint.Id}/deliveries", Json, Ct))!;
            return deliveries.Items is [{ Status: not "Pending" } only] ? only : null;
        }, Patience, "the delivery's attempt to be recorded", Ct);
        Assert.Equal(("Succeeded", 1, 200), (delivery.Status, delivery.Attempts, delivery.LastStatusCode));
        var detail = (await org.GetFromJsonAsync<WebhookDeliveryDetailDto>($"/api/webhooks/{endpoint.Id}/deliveries/{delivery.Id}", Json, Ct))!;
        Assert.Equal(200, Assert.Single(detail.Attempts).StatusCode);
    }

    [Fact]
    public async Task A_seat_move_reaches_an_endpoint_subscribed_to_it_with_the_moves_and_the_tickets_new_seats()
    {
        var organizer = Guid.CreateVersion7();
        var ev = Factory.Inventory.AddEvent(organizer, capacity: 3, price: 40m);
        foreach (var number in new[] { "1", "2", "3" })
        {
            ev.Seats.Add(new Inventory.HoldSeatInfo($"stalls-A-{number}", "stalls", "A", number));
        }

        var org = Factory.ClientFor(organizer, "organizer");
        var path = $"/moves/{Guid.NewGuid():N}";
        await CreateEndpointAsync(org, Receiver.Url(path), WebhookEventTypes.BookingSeatsMoved);
        var buyer = Factory.ClientFor(Guid.CreateVersion7());
        using var created = await buyer.SendAsync(Shopping.BookingRequest(
            new { eventId = ev.Id, lines = new[] { new { ticketTypeId = ev.TicketTypeId, seatIds = new[] { "stalls-A-1" } } } }, Guid.NewGuid().ToString()), Ct);
        var booking = (await created.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!;
        using (var paid = await PayAsync(buyer, booking.Id, SuccessCard))
        {
            Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        }

        using (var moved = await org.PostAsJsonAsync($"/api/bookings/{booking.Id}/seats/move",
            new { moves = new[] { new { from = "stalls-A-1", to = "stalls-A-3" } }, reason = "A-1 is broken." }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        }

        // Only the move is delivered (the endpoint did not subscribe to the confirmation), without the ticket's code.
        var received = await Poll.ForAsync(() => Task.FromResult(Receiver.At(path).FirstOrDefault()), Patience, "the seat move to arrive", Ct);
        var body = JsonDocument.Parse(received.Body).RootElement;
        Assert.Equal("booking.seats-moved", body.GetProperty("type").GetString());
        var data = body.GetProperty("data");
        Assert.Equal((booking.Id, "A-1 is broken."), (data.GetProperty("bookingId").GetGuid(), data.GetProperty("reason").GetString()));
        var move = Assert.Single(data.GetProperty("moves").EnumerateArray());
        Assert.Equal(("stalls-A-1", "stalls-A-3"), (move.GetProperty("from").GetProperty("seatId").GetString(), move.GetProperty("to").GetProperty("seatId").GetString()));
        Assert.Equal("stalls-A-3", Assert.Single(data.GetProperty("tickets").EnumerateArray()).GetProperty("seat").GetProperty("seatId").GetString());
        Assert.DoesNotContain("\"code\"", received.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Single(Receiver.At(path));
    }

    [Fact]
    public async Task During_a_secret_rotation_deliveries_verify_with_the_old_and_the_new_secret()
    {
        var org = Factory.ClientFor(Guid.CreateVersion7(), "organizer");
        var path = $"/rotate/{Guid.NewGuid():N}";
        var (endpoint, oldSecret) = await CreateEndpointAsync(org, Receiver.Url(path), WebhookEventTypes.EventUpdated);
        using var rotated = await org.PostAsync($"/api/webhooks/{endpoint.Id}/rotate-secret", null, Ct);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var newSecret = (await rotated.Content.ReadFromJsonAsync<WebhookSecretDto>(Json, Ct))!.Secret;
        Assert.NotEqual(oldSecret, newSecret);

        await SendTestAsync(org, endpoint.Id);
        var received = await Poll.ForAsync(() => Task.FromResult(Receiver.At(path).FirstOrDefault()), Patience, "the test event", Ct);
        var signatures = received.Headers["webhook-signature"].ToString().Split(' ');
        Assert.Equal(2, signatures.Length);
        // Each signature on its own (StandardWebhooks 1.1.2 stops at the first one of a list, so it is given one at a time): the
        // first is the new secret's, the second the old one's.
        new StandardWebhook(newSecret).Verify(received.Body, WithSignature(received.Headers, signatures[0]));
        new StandardWebhook(oldSecret).Verify(received.Body, WithSignature(received.Headers, signatures[1]));
        Assert.Throws<StandardWebhooks.Diagnostics.WebhookVerificationException>(() =>
            new StandardWebhook(oldSecret).Verify(received.Body, WithSignature(received.Headers, signatures[0])));
        Assert.Equal("webhook.test", JsonDocument.Parse(received.Body).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_receiver_that_is_down_for_a_while_gets_every_event_once_it_recovers()
    {
        var org = Factory.ClientFor(Guid.CreateVersion7(), "organizer");
        var path = $"/flaky/{Guid.NewGuid():N}";
        var calls = 0;
        Receiver.Answer(path, () => Interlocked.Increment(ref calls) <= 4 ? 503 : 204);
        var (endpoint, _) = await CreateEndpointAsync(org, Receiver.Url(path), WebhookEventTypes.BookingConfirmed);
        var sent = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            sent.Add((await SendTestAsync(org, endpoint.Id)).Id);
        }

        await Poll.UntilAsync(async () => (await DeliveriesAsync(endpoint.Id)).All(d => d.Status == WebhookDeliveryStatus.Succeeded),
            Patience, "every delivery to succeed after the receiver recovered", Ct);
        var delivered = Receiver.At(path).Where(r => r.Headers["webhook-id"].Count > 0).Select(r => r.Headers["webhook-id"].ToString()).Distinct().ToList();
        Assert.Equal(sent.Select(id => "msg_" + id.ToString("N")).Order(), delivered.Order());
        var attempts = await Factory.DbAsync(db => db.WebhookAttempts.Where(a => a.EndpointId == endpoint.Id).ToListAsync(Ct));
        Assert.Equal(4, attempts.Count(a => a.StatusCode == 503));
        Assert.Equal(3, attempts.Count(a => a.StatusCode == 204));
    }

    [Fact]
    public async Task An_endpoint_that_keeps_failing_is_disabled_and_its_failed_deliveries_can_be_replayed_once_it_works()
    {
        var organizerId = Guid.CreateVersion7();
        var org = Factory.ClientFor(organizerId, "organizer");
        var path = $"/dead/{Guid.NewGuid():N}";
        var healthy = false;
        Receiver.Answer(path, () => Volatile.Read(ref healthy) ? 200 : 500);
        var (endpoint, _) = await CreateEndpointAsync(org, Receiver.Url(path), WebhookEventTypes.BookingCancelled);
        var test = await SendTestAsync(org, endpoint.Id);

        await Poll.UntilAsync(async () => (await org.GetFromJsonAsync<WebhookEndpointDto>($"/api/webhooks/{endpoint.Id}", Json, Ct))!.Enabled == false,
            Patience, "the endpoint to be disabled after every attempt failed", Ct);
        var failed = Assert.Single(await DeliveriesAsync(endpoint.Id));
        Assert.Equal((WebhookDeliveryStatus.Failed, 4, 500), (failed.Status, failed.Attempts, failed.LastStatusCode));
        var disabled = (await org.GetFromJsonAsync<WebhookEndpointDto>($"/api/webhooks/{endpoint.Id}", Json, Ct))!;
        Assert.Contains(test.MessageId, disabled.DisabledReason, StringComparison.Ordinal);
        // Its organizer is told: the message notifications-api turns into a notification and an email is in the outbox.
        var told = await Factory.DbAsync(db => db.Outbox.Where(m => m.Type == WebhookEndpointDisabled.EventName).ToListAsync(Ct));
        var message = Assert.Single(told, m => JsonDocument.Parse(m.Data).RootElement.GetProperty("endpointId").GetGuid() == endpoint.Id).Data;
        using (var data = JsonDocument.Parse(message))
        {
            Assert.Equal(organizerId, data.RootElement.GetProperty("organizerId").GetGuid());
            Assert.Equal(disabled.DisabledReason, data.RootElement.GetProperty("reason").GetString());
        }

        // A disabled endpoint takes no test event; enabled again, its failed delivery is replayed and arrives.
        using (var refused = await org.PostAsync($"/api/webhooks/{endpoint.Id}/test", null, Ct))
        {
            Assert.Equal("webhook-disabled", (await ProblemAsync(refused)).GetProperty("code").GetString());
        }

        Volatile.Write(ref healthy, true);
        using (var enable = await org.PutAsJsonAsync($"/api/webhooks/{endpoint.Id}",
            new { url = Receiver.Url(path), eventTypes = new[] { WebhookEventTypes.BookingCancelled }, enabled = true }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, enable.StatusCode);
        }

        using (var replay = await org.PostAsync($"/api/webhooks/{endpoint.Id}/replay-failed", null, Ct))
        {
            Assert.Equal(1, (await replay.Content.ReadFromJsonAsync<WebhookReplayDto>(Json, Ct))!.Replayed);
        }

        await Poll.UntilAsync(async () => (await DeliveriesAsync(endpoint.Id)).Single().Status == WebhookDeliveryStatus.Succeeded,
            Patience, "the replayed delivery to arrive", Ct);
        Assert.Equal(test.MessageId, Receiver.At(path).Last().Headers["webhook-id"].ToString());
    }

    [Fact]
    public async Task A_delivery_whose_sender_died_mid_attempt_is_sent_once_its_lease_runs_out()
    {
        var org = Factory.ClientFor(Guid.CreateVersion7(), "organizer");
        var path = $"/orphan/{Guid.NewGuid():N}";
        var (endpoint, secret) = await CreateEndpointAsync(org, Receiver.Url(path), WebhookEventTypes.BookingConfirmed);

        // As a sender that took the delivery and was killed before recording anything leaves it: leased, no attempt recorded.
        var now = Factory.Time.GetUtcNow();
        var orphan = WebhookDelivery.Create(endpoint.Id, Guid.CreateVersion7(), WebhookEventTypes.BookingConfirmed, "{\"type\":\"booking.confirmed\"}", now);
        await Factory.DbAsync(async db =>
        {
            db.WebhookDeliveries.Add(orphan);
            db.Entry(orphan).Property(d => d.LeaseUntil).CurrentValue = now + TimeSpan.FromSeconds(2);
            return await db.SaveChangesAsync(Ct);
        });

        var received = await Poll.ForAsync(() => Task.FromResult(Receiver.At(path).FirstOrDefault()), Patience, "the orphaned delivery", Ct);
        Assert.Equal(orphan.MessageId, received.Headers["webhook-id"].ToString());
        new StandardWebhook(secret).Verify(received.Body, received.Headers);
        Assert.True(received.At >= now.AddSeconds(1.5), "sent before the dead sender's lease ran out");
        // The receiver has the body before the deliverer records the answer: wait for the record.
        await Poll.UntilAsync(async () => (await DeliveriesAsync(endpoint.Id)).Single().Status == WebhookDeliveryStatus.Succeeded,
            Patience, "the delivery's success to be recorded", Ct);
    }

    [Fact]
    public async Task A_slow_receiver_holds_only_its_own_share_and_another_organizer_s_delivery_goes_ahead()
    {
        var slowOrg = Factory.ClientFor(Guid.CreateVersion7(), "organizer");
        var slowPath = $"/slow/{Guid.NewGuid():N}";
        Receiver.Delay(slowPath, TimeSpan.FromSeconds(5));
        var (slow, _) = await CreateEndpointAsync(slowOrg, Receiver.Url(slowPath), WebhookEventTypes.BookingConfirmed);
        for (var i = 0; i < 8; i++)
        {
            await SendTestAsync(slowOrg, slow.Id);
        }

        var quickOrg = Factory.ClientFor(Guid.CreateVersion7(), "organizer");
        var quickPath = $"/quick/{Guid.NewGuid():N}";
        var (quick, _) = await CreateEndpointAsync(quickOrg, Receiver.Url(quickPath), WebhookEventTypes.BookingConfirmed);
        await SendTestAsync(quickOrg, quick.Id);

        var arrived = await Poll.ForAsync(() => Task.FromResult(Receiver.At(quickPath).FirstOrDefault()), Patience, "the other organizer's delivery", Ct);
        // It did not wait for the slow receiver: none of the slow endpoint's deliveries had finished when it arrived.
        Assert.DoesNotContain(Receiver.At(slowPath), r => r.At <= arrived.At);
        var inFlightAtMost = await Factory.DbAsync(db => db.WebhookDeliveries.CountAsync(d => d.EndpointId == slow.Id && d.LeaseUntil != null, Ct));
        Assert.True(inFlightAtMost <= 4, $"{inFlightAtMost} deliveries of the slow endpoint were taken at once");
    }

    [Fact]
    public async Task Bad_endpoints_are_refused_with_field_errors_and_nobody_reaches_another_organizer_s_endpoint()
    {
        var org = Factory.ClientFor(Guid.CreateVersion7(), "organizer");
        foreach (var (body, field) in new (object Body, string Field)[]
        {
            (new { url = "", eventTypes = new[] { "booking.confirmed" } }, "url"),
            (new { url = "ftp://example.com/hook", eventTypes = new[] { "booking.confirmed" } }, "url"),
            (new { url = "https://user:pass@example.com/hook", eventTypes = new[] { "booking.confirmed" } }, "url"),
            (new { url = "/relative", eventTypes = new[] { "booking.confirmed" } }, "url"),
            (new { url = "https://example.com/hook", eventTypes = Array.Empty<string>() }, "eventTypes"),
            (new { url = "https://example.com/hook", eventTypes = new[] { "booking.deleted" } }, "eventTypes"),
            (new { url = "https://example.com/hook", eventTypes = new[] { "booking.confirmed" }, description = new string('d', 201) }, "description"),
        })
        {
            using var response = await org.PostAsJsonAsync("/api/webhooks", body, Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await ProblemAsync(response)).GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}");
        }

        Assert.Empty((await org.GetFromJsonAsync<List<WebhookEndpointDto>>("/api/webhooks", Json, Ct))!);

        var (endpoint, _) = await CreateEndpointAsync(org, "http://127.0.0.1:9/hook", WebhookEventTypes.BookingConfirmed);
        var other = Factory.ClientFor(Guid.CreateVersion7(), "organizer");
        foreach (var (method, path) in new[]
        {
            ("GET", $"/api/webhooks/{endpoint.Id}"), ("DELETE", $"/api/webhooks/{endpoint.Id}"), ("POST", $"/api/webhooks/{endpoint.Id}/rotate-secret"),
            ("GET", $"/api/webhooks/{endpoint.Id}/deliveries"), ("POST", $"/api/webhooks/{endpoint.Id}/test"), ("POST", $"/api/webhooks/{endpoint.Id}/replay-failed"),
        })
        {
            using var response = await other.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        using (var attendee = await Factory.ClientFor(Guid.CreateVersion7()).GetAsync("/api/webhooks", Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, attendee.StatusCode);
        }

        Assert.True((await org.GetFromJsonAsync<WebhookEndpointDto>($"/api/webhooks/{endpoint.Id}", Json, Ct))!.Enabled);
    }

    private static async Task<(WebhookEndpointDto Endpoint, string Secret)> CreateEndpointAsync(HttpClient org, string url, params string[] eventTypes)
    {
        using var response = await org.PostAsJsonAsync("/api/webhooks", new { url, description = "test receiver", eventTypes }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<WebhookSecretDto>(Json, Ct))!;
        return (created.Endpoint, created.Secret);
    }

    private static async Task<WebhookDeliveryDto> SendTestAsync(HttpClient org, Guid endpointId)
    {
        using var response = await org.PostAsync($"/api/webhooks/{endpointId}/test", null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<WebhookDeliveryDto>(Json, Ct))!;
    }

    private static Microsoft.AspNetCore.Http.HeaderDictionary WithSignature(Microsoft.AspNetCore.Http.IHeaderDictionary headers, string signature) =>
        new(headers.ToDictionary(h => h.Key, h => h.Key.Equals("webhook-signature", StringComparison.OrdinalIgnoreCase) ? new Microsoft.Extensions.Primitives.StringValues(signature) : h.Value,
            StringComparer.OrdinalIgnoreCase));

    private Task<List<WebhookDelivery>> DeliveriesAsync(Guid endpointId) =>
        Factory.DbAsync(db => db.WebhookDeliveries.AsNoTracking().Where(d => d.EndpointId == endpointId).ToListAsync(Ct));
}
