using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventBooking.AppHost;
using EventBooking.Testing;
using Xunit;

namespace EventBooking.SystemTests;

/// <summary>
/// A rush on a seated hall (reserved seating, docs/seating.md S1–S5): parties of 1–6 ask for the best available seats together
/// (some accept a split), every fifth picks exact seats from the live map, requests are retried and some sent twice with the same
/// Idempotency-Key, and every API process is killed and restarted once a third of the seats are booked. The size is the issue's:
/// 2,000 seats and 5,000 parties, so most parties meet a sold-out hall, as in a real rush. At quiescence no seat is sold twice,
/// every confirmed booking owns exactly its seats (events-api has them sold to its hold, its tickets name them), and nothing is
/// lost or duplicated.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SeatedRushTests(SystemFixture fixture)
{
    private const int Seats = 2_000;
    private const int Parties = 5_000;
    private const int Clients = 32;

    private static readonly string[] Apis = [ResourceNames.UsersApi, ResourceNames.EventsApi, ResourceNames.BookingsApi, ResourceNames.NotificationsApi];

    [Fact]
    public async Task Parties_of_one_to_six_racing_for_a_seated_hall_through_a_crash_of_every_api_each_get_their_own_seats()
    {
        var ct = TestContext.Current.CancellationToken;
        var (eventId, hall) = await SeatedHallAsync();
        var buyers = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => fixture.RegisterAsync()));
        var retry = new RetryPolicy(TimeSpan.FromMinutes(3), whileRestarting: true);
        var clients = Enumerable.Range(0, Clients).Select(i => fixture.CreateClient(ResourceNames.BookingsApi, buyers[i % buyers.Length].AccessToken, replica: i)).ToArray();
        using var map = fixture.CreateClient(ResourceNames.EventsApi);
        foreach (var client in clients)
        {
            client.Timeout = TimeSpan.FromSeconds(20);
        }

        var answers = new ConcurrentDictionary<string, int>();
        var booked = new ConcurrentDictionary<Guid, int>();
        var next = -1;
        var seatsBooked = 0;
        var faulted = 0;
        Task fault = Task.CompletedTask;
        await Task.WhenAll(clients.Select(async (client, c) =>
        {
            var random = new Random(c);
            while (true)
            {
                var party = Interlocked.Increment(ref next);
                if (party >= Parties)
                {
                    return;
                }

                if (Volatile.Read(ref seatsBooked) >= Seats / 3 && Interlocked.Exchange(ref faulted, 1) == 0)
                {
                    fault = Task.Run(KillAndRestartEveryApiAsync, ct);
                }

                var size = random.Next(1, 7);
                var line = party % 5 == 0
                    ? await ExactSeatsAsync(map, eventId, hall, size, random, retry, ct)
                    : BestAvailable(hall, size, allowSplit: party % 3 == 0, random);
                if (line is null)
                {
                    answers.AddOrUpdate("no exact seats left to pick", 1, (_, n) => n + 1);
                    continue;
                }

                var key = Guid.NewGuid().ToString();
                var sends = party % 7 == 0 ? 2 : 1;
                var results = await Task.WhenAll(Enumerable.Range(0, sends).Select(_ => SendAsync(client, retry,
                    () => Shopping.BookingRequest(new { eventId, lines = new[] { line } }, key), ct)));
                foreach (var (status, body) in results)
                {
                    var code = body is { } problem && status != HttpStatusCode.Created ? Answers.CodeOf(problem) : null;
                    answers.AddOrUpdate($"{(int)status} {code}".TrimEnd(), 1, (_, n) => n + 1);
                }

                if (results.FirstOrDefault(r => r.Status == HttpStatusCode.Created).Body is not { } created)
                {
                    continue;
                }

                var bookingId = created.GetProperty("id").GetGuid();
                booked[bookingId] = size;
                Interlocked.Add(ref seatsBooked, size);
                var paymentKey = Guid.NewGuid().ToString();
                var (paid, _) = await SendAsync(client, retry, () => Shopping.PaymentRequest(bookingId, paymentKey), ct);
                Assert.True(paid is HttpStatusCode.Created or HttpStatusCode.Accepted, $"paying booking {bookingId} answered {(int)paid}");
            }
        }));
        Assert.Equal(1, faulted);
        await fault;
        foreach (var client in clients)
        {
            client.Dispose();
        }

        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"seated rush {eventId}: {Parties} parties, {hall.Seats.Count} seats; answers: {string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{a.Key} ×{a.Value}"))}");
        var expected = new HashSet<string> { "201", "409 sold-out", "409 seat-not-available", "409 seats-not-together", "no exact seats left to pick" };
        Assert.All(answers.Keys, answer => Assert.Contains(answer, expected));
        Assert.True(answers.GetValueOrDefault("201") > 0, "some parties booked");

        // I1–I5 across the services: reconciliation ok, tickets = sold ≤ capacity, one notification and email per booking.
        var outcome = await Invariants.HoldAsync(fixture, eventId);
        Assert.Equal(booked.Count, outcome.ConfirmedBookings);
        Assert.Equal(booked.Values.Sum(), outcome.ConfirmedTickets);

        // S1–S3: a confirmed booking's hold (its id) has exactly its party's seats sold, and no seat is held at quiescence.
        await using var events = await fixture.OpenDatabaseAsync(ResourceNames.EventsDb);
        var seats = await HallState.SeatsAsync(events, eventId, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(seats, s => s.Status == StoredSeatStatus.Held);
        var soldByBooking = seats.Where(s => s.Status == StoredSeatStatus.Sold).GroupBy(s => s.HoldId!.Value).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(booked.Keys.Order(), soldByBooking.Keys.Order());
        Assert.All(booked, b => Assert.Equal(b.Value, soldByBooking[b.Key].Count));
        Assert.Equal(outcome.Sold, seats.Count(s => s.Status == StoredSeatStatus.Sold));

        // A confirmed booking's valid tickets name exactly the seats events-api sold to it: no seat on two tickets, none missing.
        await using var bookingsDb = await fixture.OpenDatabaseAsync(ResourceNames.BookingsDb);
        var ticketSeats = await HallState.TicketSeatsAsync(bookingsDb, eventId, TestContext.Current.CancellationToken);
        Assert.Equal(ticketSeats.Count, ticketSeats.Select(t => t.SeatId).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(
            soldByBooking.SelectMany(b => b.Value.Select(s => (b.Key, s.Id))).Order(),
            ticketSeats.Select(t => (t.BookingId, t.SeatId!)).Order());

        var split = soldByBooking.Values.Count(party => !HallState.Together(party));
        var orphans = HallState.Orphans(seats);
        output?.WriteLine($"seats sold {outcome.Sold}/{seats.Count}; parties split {split} of {soldByBooking.Count}; single seats left between taken ones {orphans}");
    }

    private async Task KillAndRestartEveryApiAsync()
    {
        await Task.WhenAll(Apis.Select(service => fixture.System.KillAsync(service)));
        await Task.Delay(TimeSpan.FromSeconds(2));
        // users-api first (the others fetch its keys), then events-api, then the rest, as the AppHost starts them.
        foreach (var wave in new[] { new[] { ResourceNames.UsersApi }, [ResourceNames.EventsApi], [ResourceNames.BookingsApi, ResourceNames.NotificationsApi] })
        {
            await Task.WhenAll(wave.Select(service => fixture.System.StartAsync(service, TimeSpan.FromMinutes(3))));
        }
    }

    /// <summary>A hall of 2,000 seats: stalls 25 × 60 (curved) and a balcony 10 × 50, each its own category and ticket type, on sale.</summary>
    private async Task<(Guid EventId, Hall Hall)> SeatedHallAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        using var organizer = await fixture.AsAsync(ResourceNames.EventsApi, "organizer");
        var plan = await (await fixture.Retry.SendAsync(c => organizer.PostAsJsonAsync("/api/venue-plans", new
        {
            name = $"Rush hall {Guid.NewGuid():N}"[..20],
            categories = new[] { new { key = "stalls", name = "Stalls", color = "#b22222" }, new { key = "balcony", name = "Balcony", color = "#1565c0" } },
        }, c), ct)).ReadJsonAsync(HttpStatusCode.Created, ct);
        var planId = plan.GetProperty("id").GetGuid();
        foreach (var area in new object[]
        {
            new { id = "stalls", name = "Stalls", rows = 25, seatsPerRow = 60, layout = "Curved", category = "stalls" },
            new { id = "balcony", name = "Balcony", rows = 10, seatsPerRow = 50, layout = "Straight", category = "balcony", originY = 900 },
        })
        {
            await (await fixture.Retry.SendAsync(c => organizer.PostAsJsonAsync($"/api/venue-plans/{planId}/areas", area, c), ct)).ReadJsonAsync(HttpStatusCode.OK, ct);
        }

        var eventId = (await organizer.CreateEventAsync(new NewEvent { Capacity = Seats, Price = 30m }, fixture.Retry, ct)).GetProperty("id").GetGuid();
        await (await fixture.Retry.SendAsync(c => organizer.PutAsJsonAsync($"/api/events/{eventId}/seating", new
        {
            planId,
            prices = new object[] { new { category = "stalls", price = 40m }, new { category = "balcony", price = 25m } },
        }, c), ct)).ReadJsonAsync(HttpStatusCode.OK, ct);
        await organizer.PublishAsync(eventId, fixture.Retry, ct);

        var seating = await (await fixture.Retry.SendAsync(c => organizer.GetAsync($"/api/events/{eventId}/seating", c), ct)).ReadJsonAsync(HttpStatusCode.OK, ct);
        var categories = seating.GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("ticketTypeId").GetGuid()).ToArray();
        var seats = new List<HallSeat>();
        foreach (var area in seating.GetProperty("areas").EnumerateArray())
        {
            var columns = area.GetProperty("seats");
            var ids = columns.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!).ToArray();
            var rows = columns.GetProperty("rows").EnumerateArray().Select(e => e.GetString()!).ToArray();
            var category = columns.GetProperty("category").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            seats.AddRange(ids.Select((id, i) => new HallSeat(id, $"{area.GetProperty("id").GetString()}/{rows[i]}", categories[category[i]])));
        }

        Assert.Equal(Seats, seats.Count);
        return (eventId, new Hall(seats, categories));
    }

    /// <summary>A best-available line for one of the hall's categories (stalls three times out of four).</summary>
    private static JsonObject BestAvailable(Hall hall, int size, bool allowSplit, Random random) => new()
    {
        ["ticketTypeId"] = hall.TicketTypes[random.Next(4) == 0 ? 1 : 0],
        ["quantity"] = size,
        ["bestAvailable"] = new JsonObject { ["allowSplit"] = allowSplit },
    };

    /// <summary>A line naming <paramref name="size"/> seats side by side in a row, picked from the live map (null: none left).</summary>
    private static async Task<JsonObject?> ExactSeatsAsync(HttpClient map, Guid eventId, Hall hall, int size, Random random, RetryPolicy retry, CancellationToken ct)
    {
        using var response = await retry.SendAsync(c => map.GetAsync($"/api/events/{eventId}/seating/availability", c), ct);
        var taken = (await response.ReadJsonAsync(HttpStatusCode.OK, ct)).GetProperty("unavailable").EnumerateArray().Select(e => e.GetString()!).ToHashSet();
        var blocks = hall.Seats.GroupBy(s => s.Row)
            .SelectMany(row => row.Select((seat, i) => row.Skip(i).Take(size).ToList()))
            .Where(block => block.Count == size && block.All(s => !taken.Contains(s.Id)))
            .ToList();
        if (blocks.Count == 0)
        {
            return null;
        }

        var pick = blocks[random.Next(blocks.Count)];
        return new JsonObject
        {
            ["ticketTypeId"] = pick[0].TicketTypeId,
            ["seatIds"] = new JsonArray(pick.Select(s => (JsonNode)s.Id).ToArray()),
        };
    }

    private static async Task<(HttpStatusCode Status, JsonElement? Body)> SendAsync(HttpClient client, RetryPolicy retry, Func<HttpRequestMessage> request, CancellationToken ct)
    {
        using var response = await retry.SendAsync(client, request, ct);
        var body = response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true
            ? await response.Content.ReadFromJsonAsync<JsonElement>(JsonSerializerOptions.Web, ct)
            : (JsonElement?)null;
        return (response.StatusCode, body);
    }

    private sealed record Hall(IReadOnlyList<HallSeat> Seats, IReadOnlyList<Guid> TicketTypes);

    private sealed record HallSeat(string Id, string Row, Guid TicketTypeId);
}
