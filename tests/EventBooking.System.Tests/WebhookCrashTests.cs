using System.Net.Http.Json;
using System.Text.Json;
using EventBooking.AppHost;
using EventBooking.Testing;
using Xunit;

namespace EventBooking.SystemTests;

/// <summary>
/// Webhooks survive a crash of their sender: every process of bookings-api (both replicas) is killed with SIGKILL while
/// deliveries are in flight to a slow receiver on 127.0.0.1, then started again. Every confirmed booking still reaches the
/// receiver (at least once: an attempt whose outcome the dead sender never recorded is made again when its lease runs out).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class WebhookCrashTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Killing_every_bookings_api_process_mid_delivery_loses_no_webhook()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        const string path = "/crm/crash";
        receiver.Delay(path, TimeSpan.FromSeconds(2));
        var organizer = "organizer-webhooks";
        var eventId = await fixture.CreatePublishedEventAsync(new NewEvent { Capacity = 40, Price = 12m }, organizer);
        using var hooks = await fixture.AsAsync(ResourceNames.BookingsApi, organizer);
        using (var created = await hooks.PostAsJsonAsync("/api/webhooks", new { url = receiver.Url(path), eventTypes = new[] { "booking.confirmed" } }, Ct))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(Ct));
        }

        // Endpoints are read once a second per replica: a booking confirmed from now on is for it.
        await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);
        var buyer = await fixture.RegisterAsync();
        using var bookings = fixture.CreateClient(ResourceNames.BookingsApi, buyer.AccessToken);
        var booked = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            booked.Add((await bookings.BookAndPayAsync(eventId, 1, fixture.Retry, Ct)).BookingId);
        }

        await Poll.UntilAsync(() => Task.FromResult(receiver.Arrived > 0), TimeSpan.FromMinutes(1), "a delivery to be in flight", Ct);
        await fixture.System.KillAsync(ResourceNames.BookingsApi, Ct);
        fixture.Figures.AddFault();
        await fixture.System.StartAsync(ResourceNames.BookingsApi, TimeSpan.FromMinutes(3), Ct);

        await Poll.UntilAsync(() => Task.FromResult(booked.All(DeliveredIds(receiver, path).Contains)), TimeSpan.FromMinutes(3),
            "every confirmed booking to reach the receiver after the crash", Ct);
        var deliveries = receiver.At(path).Count();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"WEBHOOK CRASH: {booked.Count} bookings, {deliveries} deliveries received ({deliveries - booked.Count} repeated after the crash), receiver saw {receiver.Arrived} requests");
    }

    private static HashSet<Guid> DeliveredIds(WebhookReceiver receiver, string path) =>
        receiver.At(path).Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("data").GetProperty("bookingId").GetGuid()).ToHashSet();
}
