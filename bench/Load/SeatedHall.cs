using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventBooking.AppHost;
using EventBooking.Testing;
using Npgsql;

namespace Load.Bench;

/// <summary>A seated event's seats as the picker knows them: id, row (area/row label) and the ticket type of its category.</summary>
public sealed record HallSeat(string Id, string Row, Guid TicketTypeId);

/// <summary>A seated event on sale: its seats in the plan's order (a row's seats side by side) and its ticket types, one per category.</summary>
public sealed record Hall(Guid EventId, IReadOnlyList<HallSeat> Seats, IReadOnlyList<Guid> TicketTypes);

/// <summary>What (s) measured: the rush's counts, and the hall as events-api and bookings-api have it after the rush.</summary>
public sealed record SeatedHallFigures(
    int Seats, int Parties, int PartiesServed, long ConfirmedSeats, int ConfirmedBookings, double Seconds,
    int ExactParties, int ExactBooked, int ExactRetries, int SplitRetries, int TurnedAway,
    int MapReads, int MostOrphansOnMap, int FreeWhenMostOrphans,
    int SeatsSold, int SeatsHeld, int PartiesSplit, int Orphans, int SeatsOnTwoTickets, int TicketsNotMatchingSeats, string LoadAverage)
{
    public double SeatsPerSecond => ConfirmedSeats / Math.Max(0.001, Seconds);
    public double BookingsPerSecond => ConfirmedBookings / Math.Max(0.001, Seconds);
}

/// <summary>
/// (s) the rush on a seated hall (issue 24 part 6): 2,000 reserved seats (500 with <c>--quick</c>) in two areas, each its own
/// category and ticket type; 5,000 parties (1,250) of 1–6 buyers, drawn in turn by the same 256 virtual users as (a) closed,
/// each doing a's browse → event detail, then booking its seats and paying. One party in seven picks exact seats side by side from
/// the live seat map (on <c>seat-not-available</c> it reads the map again, leaves out the seats named, and picks again, twice at most, then asks for the best available);
/// the rest ask for the best available together in the category they prefer, one in four accepting a split from the start and the
/// others only after <c>seats-not-together</c>; a category sold out sends the party to the other. Until every party had its turn or
/// the map shows every seat taken. Splits and orphan seats are counted as SeatedRushTests counts them, from <c>event_seats</c>, and
/// the orphan seats also on every map read during the rush (a sold-out hall has none left at the end).
/// </summary>
public static class SeatedHallBench
{
    public const string SeatMap = "seat map";
    public const string Name = "s: seated hall, closed";

    private const int ExactEvery = 7;
    private const int SplitEvery = 4;
    private const int ExactAttempts = 3;

    public static async Task<Hall> CreateAsync(Shop shop, string organizerToken, LoadOptions options)
    {
        using var events = shop.EventsClient(organizerToken);
        var retry = RetryPolicy.Unavailable;
        using var planCreated = await retry.SendAsync(ct => events.PostAsJsonAsync("/api/venue-plans", new
        {
            name = $"Bench hall {Guid.NewGuid():N}"[..19],
            categories = new[] { new { key = "stalls", name = "Stalls", color = "#b22222" }, new { key = "circle", name = "Circle", color = "#1565c0" } },
        }, ct));
        var planId = (await planCreated.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        // Ranks grow from the centre of each row a third of the way back; the circle ranks behind the stalls (rankStart's default).
        foreach (var area in new object[]
        {
            new { id = "stalls", name = "Stalls", rows = options.HallRows, seatsPerRow = options.HallSeatsPerRow, layout = "Curved", category = "stalls" },
            new { id = "circle", name = "Circle", rows = options.HallRows, seatsPerRow = options.HallSeatsPerRow, layout = "Straight", category = "circle", originY = 600 },
        })
        {
            using var added = await retry.SendAsync(ct => events.PostAsJsonAsync($"/api/venue-plans/{planId}/areas", area, ct));
            await added.ReadJsonAsync(HttpStatusCode.OK);
        }

        var seats = 2 * options.HallRows * options.HallSeatsPerRow;
        var eventId = (await events.CreateEventAsync(new NewEvent
        {
            Title = "Load seated hall", Description = "A load-test event.", Venue = "Bench Hall", City = "Lisbon", Capacity = seats, Price = 40m,
        }, retry)).GetProperty("id").GetGuid();
        using (var seated = await retry.SendAsync(ct => events.PutAsJsonAsync($"/api/events/{eventId}/seating", new
        {
            planId,
            prices = new object[] { new { category = "stalls", price = 60m }, new { category = "circle", price = 35m } },
        }, ct)))
        {
            await seated.ReadJsonAsync(HttpStatusCode.OK);
        }

        await events.PublishAsync(eventId, retry);
        using var map = await retry.SendAsync(ct => events.GetAsync($"/api/events/{eventId}/seating", ct));
        var seating = await map.ReadJsonAsync(HttpStatusCode.OK);
        Guid[] types = [.. seating.GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("ticketTypeId").GetGuid())];
        var hall = new List<HallSeat>();
        foreach (var area in seating.GetProperty("areas").EnumerateArray())
        {
            var columns = area.GetProperty("seats");
            var ids = columns.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!).ToArray();
            var rows = columns.GetProperty("rows").EnumerateArray().Select(e => e.GetString()!).ToArray();
            var category = columns.GetProperty("category").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            hall.AddRange(ids.Select((id, i) => new HallSeat(id, $"{area.GetProperty("id").GetString()}/{rows[i]}", types[category[i]])));
        }

        return hall.Count == seats ? new Hall(eventId, hall, types) : throw new InvalidOperationException($"The hall has {hall.Count} seats, not {seats}.");
    }

    /// <summary>The rush (closed model, <paramref name="users"/> virtual users); its figures are completed by <see cref="InspectAsync"/>.</summary>
    public static async Task<(ScenarioRun Run, SeatedHallFigures Figures)> RunAsync(Shop shop, IReadOnlyList<Shopper> shoppers, Hall hall, int users,
        int parties, TimeSpan maxDuration)
    {
        Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {Name}: {parties} parties of 1–6 for {hall.Seats.Count} seats, {users} concurrent users, up to {maxDuration.TotalSeconds:0} s ...");
        var recorder = new Recorder();
        var confirmed = new ConcurrentBag<Guid>();
        var counts = new Counts();
        using var stop = new CancellationTokenSource(maxDuration);
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, users).Select(u => Task.Run(async () =>
        {
            var shopper = shoppers[u % shoppers.Count];
            while (!stop.IsCancellationRequested && Interlocked.Increment(ref next) is var party && party < parties)
            {
                var journeyStart = Stopwatch.GetTimestamp();
                var random = new Random(party);
                var size = random.Next(1, 7);
                await Shop.StepAsync(recorder, Journey.Browse, () => shop.BrowseAsync(random.Next(1, 6)));
                await Shop.StepAsync(recorder, Journey.Detail, () => shop.DetailAsync(hall.EventId));
                Outcome? booked = null;
                if (party % ExactEvery == 0)
                {
                    Interlocked.Increment(ref counts.ExactParties);
                    booked = await ExactSeatsAsync(shop, recorder, counts, shopper, hall, size, random);
                    if (booked is { Ok: true })
                    {
                        Interlocked.Increment(ref counts.ExactBooked);
                    }
                }

                if (booked is not { Ok: true })
                {
                    booked = await BestAvailableAsync(shop, recorder, counts, shopper, hall, size, allowSplit: party % SplitEvery == 0, random);
                }

                Interlocked.Increment(ref counts.Served);
                if (booked is not { Ok: true } outcome)
                {
                    if (booked?.SoldOut == true)
                    {
                        Interlocked.Increment(ref counts.TurnedAway);
                        // Every seat held or sold on the map (at most its cache's second old): the hall is sold out.
                        var map = await Shop.StepAsync(recorder, SeatMap, () => shop.SeatMapAsync(hall.EventId));
                        if (map.Ok && counts.Saw(hall, Unavailable(map)).Count >= hall.Seats.Count)
                        {
                            await stop.CancelAsync();
                        }
                    }

                    continue;
                }

                var bookingId = outcome.Body.GetProperty("id").GetGuid();
                var paid = await Shop.StepAsync(recorder, Journey.Pay, () => shop.PayAsync(shopper, bookingId));
                if (paid.Ok)
                {
                    recorder.Record(Journey.Confirmed, journeyStart);
                    confirmed.Add(bookingId);
                    Interlocked.Add(ref counts.ConfirmedSeats, size);
                }
            }
        })));
        var duration = Stopwatch.GetElapsedTime(started);
        var samples = recorder.Samples;
        string[] steps = [Journey.Browse, Journey.Detail, SeatMap, Journey.Book, Journey.Pay, Journey.Confirmed];
        var run = new ScenarioRun(Name, $"closed, {users} users", duration, samples,
            [.. steps.Select(step => Recorder.Summarize(step, samples, duration))], Machine.LoadAverage(), confirmed.ToArray());
        var figures = new SeatedHallFigures(hall.Seats.Count, parties, counts.Served, counts.ConfirmedSeats, confirmed.Count, duration.TotalSeconds,
            counts.ExactParties, counts.ExactBooked, counts.ExactRetries, counts.SplitRetries, counts.TurnedAway,
            counts.MapReads, counts.MostOrphans, counts.FreeWhenMostOrphans, 0, 0, 0, 0, 0, 0, run.LoadAverage);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    {figures.ConfirmedSeats} seats in {figures.ConfirmedBookings} bookings confirmed in {duration.TotalSeconds:0.0} s = {figures.SeatsPerSecond:0.0} seats/s, {figures.BookingsPerSecond:0.0} bookings/s; {counts.Served} parties served; load {run.LoadAverage}"));
        return (run, figures);
    }

    /// <summary>
    /// A party picking <paramref name="size"/> seats side by side from the live map: a random free block of a random row. When
    /// they went meanwhile (<c>seat-not-available</c> names them) it reads the map again, leaves those out (the map may be a second
    /// old) and picks again. Null: the map could not be read, or showed no block.
    /// </summary>
    private static async Task<Outcome?> ExactSeatsAsync(Shop shop, Recorder recorder, Counts counts, Shopper shopper, Hall hall, int size, Random random)
    {
        var gone = new HashSet<string>(StringComparer.Ordinal);
        Outcome? booked = null;
        for (var attempt = 0; attempt < ExactAttempts; attempt++)
        {
            var map = await Shop.StepAsync(recorder, SeatMap, () => shop.SeatMapAsync(hall.EventId));
            if (!map.Ok)
            {
                return booked;
            }

            gone.UnionWith(counts.Saw(hall, Unavailable(map)));
            var blocks = hall.Seats.GroupBy(s => s.Row)
                .SelectMany(row => row.Select((seat, i) => row.Skip(i).Take(size).ToList()))
                .Where(block => block.Count == size && block.All(s => !gone.Contains(s.Id)))
                .ToList();
            if (blocks.Count == 0)
            {
                return booked;
            }

            var pick = blocks[random.Next(blocks.Count)];
            booked = await Shop.StepAsync(recorder, Journey.Book, () => shop.BookSeatsAsync(shopper, hall.EventId,
                new { ticketTypeId = pick[0].TicketTypeId, seatIds = pick.Select(s => s.Id).ToArray() }));
            if (booked.Value.Ok || booked.Value.Error?.EndsWith("seat-not-available", StringComparison.Ordinal) != true)
            {
                return booked;
            }

            Interlocked.Increment(ref counts.ExactRetries);
            if (booked.Value.Body.ValueKind == JsonValueKind.Object && booked.Value.Body.TryGetProperty("seatIds", out var named))
            {
                gone.UnionWith(named.EnumerateArray().Select(e => e.GetString()!));
            }
        }

        return booked;
    }

    private static HashSet<string> Unavailable(Outcome map) =>
        map.Body.GetProperty("unavailable").EnumerateArray().Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal);

    /// <summary>Best available together in the party's preferred category, then apart (if it accepts that only now), then the other category.</summary>
    private static async Task<Outcome> BestAvailableAsync(Shop shop, Recorder recorder, Counts counts, Shopper shopper, Hall hall, int size, bool allowSplit, Random random)
    {
        var first = random.Next(hall.TicketTypes.Count);
        var booked = default(Outcome);
        for (var i = 0; i < hall.TicketTypes.Count; i++)
        {
            var ticketTypeId = hall.TicketTypes[(first + i) % hall.TicketTypes.Count];
            Task<Outcome> Book(bool split) => Shop.StepAsync(recorder, Journey.Book, () => shop.BookSeatsAsync(shopper, hall.EventId,
                new { ticketTypeId, quantity = size, bestAvailable = new { allowSplit = split } }));
            booked = await Book(allowSplit);
            if (!allowSplit && booked.Error?.EndsWith("seats-not-together", StringComparison.Ordinal) == true)
            {
                Interlocked.Increment(ref counts.SplitRetries);
                booked = await Book(true);
            }

            if (!booked.SoldOut)
            {
                return booked;
            }
        }

        return booked;
    }

    /// <summary>
    /// The hall after the rush, read from eventsdb's <c>event_seats</c> and bookingsdb's tickets once no seat is held any more (at most
    /// <paramref name="settle"/>): seats sold, parties split, orphan seats, and whether any seat is on two valid tickets or a ticket's
    /// seat differs from the seat events-api sold to its booking.
    /// </summary>
    public static async Task<SeatedHallFigures> InspectAsync(SystemUnderTest system, Hall hall, SeatedHallFigures figures, TimeSpan settle)
    {
        await using var events = new NpgsqlConnection(await system.ConnectionStringAsync(ResourceNames.EventsDb));
        await using var bookings = new NpgsqlConnection(await system.ConnectionStringAsync(ResourceNames.BookingsDb));
        await events.OpenAsync();
        await bookings.OpenAsync();
        var deadline = Stopwatch.StartNew();
        var seats = await HallState.SeatsAsync(events, hall.EventId);
        while (seats.Any(s => s.Status == StoredSeatStatus.Held) && deadline.Elapsed < settle)
        {
            await Task.Delay(1000);
            seats = await HallState.SeatsAsync(events, hall.EventId);
        }

        var sold = seats.Where(s => s.Status == StoredSeatStatus.Sold).Select(s => (s.HoldId!.Value, s.Id)).ToHashSet();
        var tickets = await HallState.TicketSeatsAsync(bookings, hall.EventId);
        var onTwo = tickets.Where(t => t.SeatId is not null).GroupBy(t => t.SeatId).Sum(g => g.Count() - 1);
        var ticketSeats = tickets.Select(t => (t.BookingId, t.SeatId ?? "")).ToHashSet();
        var parties = seats.Where(s => s.Status == StoredSeatStatus.Sold).GroupBy(s => s.HoldId!.Value).ToList();
        return figures with
        {
            SeatsSold = sold.Count,
            SeatsHeld = seats.Count(s => s.Status == StoredSeatStatus.Held),
            PartiesSplit = parties.Count(party => !HallState.Together([.. party])),
            Orphans = HallState.Orphans(seats),
            SeatsOnTwoTickets = onTwo,
            TicketsNotMatchingSeats = ticketSeats.Except(sold).Count() + sold.Except(ticketSeats).Count() + (tickets.Count - ticketSeats.Count),
        };
    }

    public static void Write(Action<string> line, SeatedHallFigures f, ScenarioRun? hot)
    {
        var c = CultureInfo.InvariantCulture;
        line($"## (s) seated hall ({f.Seats:N0} seats, {f.Parties:N0} parties of 1–6, load average {f.LoadAverage})");
        line("");
        line(string.Create(c, $"{f.PartiesServed:N0} parties had their turn in {f.Seconds:0.0} s: **{f.ConfirmedSeats:N0} seats in {f.ConfirmedBookings:N0} bookings confirmed, {f.SeatsPerSecond:0.0} seats/s ({f.BookingsPerSecond:0.0} bookings/s)**")
            + (hot is null ? "." : string.Create(c, $"; the general-admission hot event of (a) closed, same run: {hot.ConfirmedPerSecond:0.0} tickets/s (load average {hot.LoadAverage}), ratio **{f.SeatsPerSecond / Math.Max(0.001, hot.ConfirmedPerSecond):0.00}** (target ≥ 0.5).")));
        line("");
        line("| figure | value |");
        line("|---|---:|");
        line(string.Create(c, $"| seats sold / in the hall (events-api) | {f.SeatsSold:N0} / {f.Seats:N0} |"));
        line(string.Create(c, $"| seats still held after the rush | {f.SeatsHeld} |"));
        line(string.Create(c, $"| parties split (seats not one run of neighbours in one row) / bookings | {f.PartiesSplit} / {f.ConfirmedBookings} |"));
        line(string.Create(c, $"| orphan single seats left (for sale, both neighbours in the row taken or the row's end) | {f.Orphans} |"));
        line(string.Create(c, $"| orphan single seats on the live map during the rush: the most of {f.MapReads} reads (seats free then) | {f.MostOrphansOnMap} ({f.FreeWhenMostOrphans}) |"));
        line(string.Create(c, $"| parties that picked exact seats on the map / booked them | {f.ExactParties} / {f.ExactBooked} |"));
        line(string.Create(c, $"| exact picks refused `seat-not-available` | {f.ExactRetries} |"));
        line(string.Create(c, $"| best available asked again with a split after `seats-not-together` | {f.SplitRetries} |"));
        line(string.Create(c, $"| parties turned away `sold-out` (both categories) | {f.TurnedAway} |"));
        line(string.Create(c, $"| seats on two valid tickets (bookingsdb) | **{f.SeatsOnTwoTickets}** |"));
        line(string.Create(c, $"| valid tickets whose seat is not events-api's sold seat of their booking, and back | **{f.TicketsNotMatchingSeats}** |"));
        line("");
    }

    private sealed class Counts
    {
        private readonly Lock _map = new();
        public int Served;
        public int ExactParties;
        public int ExactBooked;
        public int ExactRetries;
        public int SplitRetries;
        public int TurnedAway;
        public long ConfirmedSeats;
        public int MapReads;
        public int MostOrphans;
        public int FreeWhenMostOrphans;

        /// <summary>Counts a seat map read during the rush: its orphan single seats (seats in plan order, a row's side by side).</summary>
        public HashSet<string> Saw(Hall hall, HashSet<string> taken)
        {
            var orphans = hall.Seats.GroupBy(s => s.Row).Sum(row =>
            {
                var free = row.Select(s => !taken.Contains(s.Id)).ToArray();
                return free.Where((f, i) => f && (i == 0 || !free[i - 1]) && (i == free.Length - 1 || !free[i + 1])).Count();
            });
            lock (_map)
            {
                MapReads++;
                if (orphans > MostOrphans)
                {
                    (MostOrphans, FreeWhenMostOrphans) = (orphans, hall.Seats.Count - taken.Count);
                }
            }

            return taken;
        }
    }
}
