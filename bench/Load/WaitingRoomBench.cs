using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using EventBooking.AppHost;

namespace Load.Bench;

/// <summary>What (q) measured: joining as the line grows to its full length, polling at that length, and admission.</summary>
public sealed record WaitingRoomFigures(
    int Buyers, double RegisterSeconds, StepStats Join, StepStats JoinLast, StepStats Poll, int PollUsers, double PollSeconds,
    int RatePerMinute, long Admitted, double AdmitSeconds, string JoinLoad, string PollLoad, string AdmitLoad)
{
    public double AdmittedPerSecond => Admitted / Math.Max(0.001, AdmitSeconds);
}

/// <summary>
/// (q) the waiting room (issue 20) at 5,000 waiting buyers (500 with <c>--quick</c>): every buyer is a registered account (one
/// place per account), registered four at a time and joining the line of a queued sale as soon as it has its token, while the
/// room admits one buyer a minute, so the line grows to its full length. Then <see cref="Pollers"/> buyers at once ask for
/// their place (<c>GET /queue/me</c>, what the line page does) for <see cref="PollDuration"/>, at that length. Last the
/// organizer sets the rate to 60,000 a minute and the line's length is read every 100 ms until it is empty: the admission rate
/// the room sustains (the admitter takes at most one tick's share, 1,000 a second at the default 1 s tick).
/// </summary>
public static class WaitingRoomBench
{
    private const int Pollers = 64;
    private const int FastRate = 60_000;

    private static TimeSpan PollDuration(LoadOptions options) => TimeSpan.FromSeconds(options.Quick ? 5 : 20);

    public static async Task<WaitingRoomFigures> RunAsync(Shop shop, LoadOptions options)
    {
        // Registering the buyers outlasts an access token: the admin who verifies them, and the organizer, sign in again as needed.
        using var tokens = new EventBooking.Testing.TokenCache();
        Task<string> Admin() => tokens.GetAsync("admin", () => shop.LoginAsync(DemoData.AdminEmail, DemoData.Password));
        Task<string> Organizer() => tokens.GetAsync("organizer", () => shop.LoginAsync(DemoData.OrganizerEmail, DemoData.Password));
        var organizer = await Organizer();
        var buyers = options.Quick ? 500 : 5_000;
        var eventId = await shop.CreatePublishedEventAsync(organizer, "Load queued sale", 1_000, 40m, "Lisbon");
        await shop.ConfigureWaitingRoomAsync(organizer, eventId, new { enabled = true, admissionsPerMinute = 1, passLifetimeSeconds = 3600 });

        var tag = Guid.NewGuid().ToString("N")[..8];
        var joins = new Recorder();
        var order = 0;
        var joined = new ConcurrentBag<(int Order, Shopper Buyer)>();
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, buyers, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var buyer = await shop.RegisterShopperAsync($"queue-{tag}-{i}@bench.example", await Admin());
            var outcome = await Shop.StepAsync(joins, "join", () => shop.JoinLineAsync(buyer, eventId));
            var at = Interlocked.Increment(ref order);
            if (outcome.Ok)
            {
                joined.Add((at, buyer));
            }

            if (at % 500 == 0)
            {
                Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}]     q: {at} buyers registered and in line ({clock.Elapsed.TotalSeconds:0} s, load average {Machine.LoadAverage()})");
            }
        });
        var registerSeconds = clock.Elapsed.TotalSeconds;
        var joinLoad = Machine.LoadAverage();
        var samples = joins.Samples;
        var join = Recorder.Summarize("join", samples, clock.Elapsed);
        // The joins of the last 1,000 buyers to arrive, when the line was at least 4,000 long (by the order they completed in).
        var lastJoins = samples.Where(s => s.Step == "join").Skip(Math.Max(0, buyers - 1_000)).Select(s => s with { Step = "join (last 1,000)" }).ToList();
        var joinLast = Recorder.Summarize("join (last 1,000)", lastJoins, clock.Elapsed);

        // Polling at the full line: the buyers with the freshest tokens (an access token lives at most 15 minutes).
        var pollers = joined.OrderByDescending(j => j.Order).Take(Math.Min(joined.Count, 1_000)).Select(j => j.Buyer).ToArray();
        var polls = new Recorder();
        var pollClock = Stopwatch.StartNew();
        var duration = PollDuration(options);
        await Parallel.ForAsync(0, Pollers, new ParallelOptions { MaxDegreeOfParallelism = Pollers }, async (worker, _) =>
        {
            var random = new Random(worker);
            while (pollClock.Elapsed < duration)
            {
                var buyer = pollers[random.Next(pollers.Length)];
                await Shop.StepAsync(polls, "poll", () => shop.MyPlaceAsync(buyer, eventId));
            }
        });
        var poll = Recorder.Summarize("poll", polls.Samples, pollClock.Elapsed);
        var pollLoad = Machine.LoadAverage();

        // Admission: the organizer opens the gate to 60,000 a minute; the line's length is read until it is empty.
        var before = await shop.WaitingRoomAsync(eventId);
        await shop.ConfigureWaitingRoomAsync(await Organizer(), eventId, new { enabled = true, admissionsPerMinute = FastRate, passLifetimeSeconds = 3600 });
        var admitClock = Stopwatch.StartNew();
        long waiting;
        do
        {
            await Task.Delay(100);
            waiting = (await shop.WaitingRoomAsync(eventId)).Waiting;
        }
        while (waiting > 0 && admitClock.Elapsed < TimeSpan.FromMinutes(5));
        var after = await shop.WaitingRoomAsync(eventId);
        // From the switch (the admitter reads the new rate on its next tick) to the empty line, read to within 100 ms.
        var admitSeconds = admitClock.Elapsed.TotalSeconds;
        return new WaitingRoomFigures(buyers, registerSeconds, join, joinLast, poll, Pollers, pollClock.Elapsed.TotalSeconds, FastRate,
            after.Admitted - before.Admitted, admitSeconds, joinLoad, pollLoad, Machine.LoadAverage());
    }

    /// <summary>The report's section.</summary>
    public static void Write(Action<string> line, WaitingRoomFigures q)
    {
        var c = CultureInfo.InvariantCulture;
        line(string.Create(c, $"## (q) waiting room: {q.Buyers:N0} buyers in one line"));
        line("");
        line(string.Create(c, $"{q.Buyers:N0} accounts registered four at a time, each joining the line as soon as it had its token, in {q.RegisterSeconds:0} s (users-api hashes each password with PBKDF2, 210,000 rounds; load average {q.JoinLoad}). The room admitted one buyer a minute meanwhile, so the line grew to its full length."));
        line("");
        line("| step | ok | failed | per s | p50 ms | p90 ms | p99 ms | max ms | load average |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var (stats, load) in new[] { (q.Join, q.JoinLoad), (q.JoinLast, q.JoinLoad), (q.Poll, q.PollLoad) })
        {
            line(string.Create(c, $"| {stats.Step} | {stats.Ok} | {stats.Failed} | {stats.PerSecond:0} | {stats.P50:0.0} | {stats.P90:0.0} | {stats.P99:0.0} | {stats.Max:0.0} | {load} |"));
        }

        line("");
        line(string.Create(c, $"Polling: {q.PollUsers} buyers at once asking for their place for {q.PollSeconds:0} s, with the line at its full length. Admission: the rate set to {q.RatePerMinute:N0} a minute, {q.Admitted:N0} buyers admitted in {q.AdmitSeconds:0.0} s from the switch to the empty line: **{q.AdmittedPerSecond:0} admitted/s** (the admitter takes at most one tick's share: 1,000 a second at the 1 s tick; load average {q.AdmitLoad})."));
        line("");
    }
}
