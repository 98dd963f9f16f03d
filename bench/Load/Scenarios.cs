using System.Collections.Concurrent;
using System.Diagnostics;

namespace Load.Bench;

/// <summary>The figures of one scenario: every sample, the per-step summaries, the machine's load average when it ended.</summary>
public sealed record ScenarioRun(string Name, string Model, TimeSpan Duration, IReadOnlyList<Sample> Samples, IReadOnlyList<StepStats> Steps,
    string LoadAverage, IReadOnlyCollection<Guid> ConfirmedBookings)
{
    public StepStats Step(string name) => Steps.Single(s => s.Step == name);

    /// <summary>Bookings confirmed per second over the scenario.</summary>
    public double ConfirmedPerSecond => Step(Journey.Confirmed).PerSecond;

    /// <summary>CPU seconds each process of the topology spent during the scenario (see <see cref="CpuMeter"/>).</summary>
    public IReadOnlyDictionary<string, double> CpuSeconds { get; init; } = new Dictionary<string, double>();

    /// <summary>Of <see cref="CpuSeconds"/>, the APIs' background JIT, at least (see <see cref="CpuMeter.BackgroundJitDelta"/>).</summary>
    public double BackgroundJitSeconds { get; init; }

    /// <summary>SQL statements PostgreSQL executed during the scenario (see <see cref="StatementMeter"/>).</summary>
    public IReadOnlyList<StatementCalls> Statements { get; init; } = [];
}

/// <summary>The attendee's journey (browse → event → book → pay) driven by virtual users, closed or open.</summary>
public static class Journey
{
    public const string Browse = "browse";
    public const string Detail = "event detail";
    public const string Book = "book";
    public const string Pay = "pay";
    /// <summary>Open model: the bookings shed with 503 (answered, nothing done), timed like the others from their intended start.</summary>
    public const string Refused = "book refused (503)";
    public const string Confirmed = "confirmed (whole journey)";

    /// <summary>Open model: arrivals beyond this many unfinished purchases are recorded as dropped.</summary>
    public const int MaxInFlight = 1024;

    /// <summary>
    /// Closed model: <paramref name="users"/> virtual users, each doing the journey again as soon as the last one ends, until
    /// the duration is up or (with <paramref name="stopWhenSoldOut"/>) its event is sold out.
    /// </summary>
    public static async Task<ScenarioRun> ClosedAsync(string name, Shop shop, IReadOnlyList<Shopper> shoppers, int users,
        Func<Random, Guid> pickEvent, TimeSpan maxDuration, bool stopWhenSoldOut)
    {
        Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {name}: {users} concurrent users (closed model), up to {maxDuration.TotalSeconds:0} s ...");
        var recorder = new Recorder();
        var confirmed = new ConcurrentBag<Guid>();
        using var stop = new CancellationTokenSource(maxDuration);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, users).Select(u => Task.Run(async () =>
        {
            var random = new Random(u);
            var shopper = shoppers[u % shoppers.Count];
            while (!stop.IsCancellationRequested)
            {
                var journeyStart = Stopwatch.GetTimestamp();
                var eventId = pickEvent(random);
                await Shop.StepAsync(recorder, Browse, () => shop.BrowseAsync(random.Next(1, 6)));
                await Shop.StepAsync(recorder, Detail, () => shop.DetailAsync(eventId));
                var booked = await Shop.StepAsync(recorder, Book, () => shop.BookAsync(shopper, eventId, patient: true));
                if (!booked.Ok)
                {
                    if (booked.SoldOut && stopWhenSoldOut)
                    {
                        return;
                    }

                    continue;
                }

                await PayAndRecordAsync(shop, recorder, confirmed, shopper, booked, journeyStart);
            }
        })));
        var duration = Stopwatch.GetElapsedTime(started);
        return Finish(name, $"closed, {users} users", duration, recorder, confirmed, [Browse, Detail, Book, Pay, Confirmed]);
    }

    /// <summary>
    /// Open model: a new purchase (book → pay) starts every 1/<paramref name="rate"/> s whatever the ones before are doing. Each
    /// purchase's book latency and whole latency count from its <em>intended</em> start, so a stalled system cannot hide its
    /// queueing by slowing the arrivals down (no coordinated omission).
    /// </summary>
    public static async Task<ScenarioRun> OpenAsync(string name, Shop shop, IReadOnlyList<Shopper> shoppers, int rate, TimeSpan duration,
        Func<Random, Guid> pickEvent)
    {
        Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {name}: {rate} purchases/s offered (open model) for {duration.TotalSeconds:0} s ...");
        var recorder = new Recorder();
        var confirmed = new ConcurrentBag<Guid>();
        var random = new Random(42);
        var total = (int)(rate * duration.TotalSeconds);
        var inFlight = new List<Task>(total);
        var running = 0;
        var t0 = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            var intended = t0 + (long)(i * (double)Stopwatch.Frequency / rate);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), intended);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var shopper = shoppers[i % shoppers.Count];
            var eventId = pickEvent(random);
            if (Volatile.Read(ref running) >= MaxInFlight)
            {
                // The system is this far behind: count the arrival as failed rather than let the backlog grow without bound.
                recorder.Record(Book, intended, $"dropped ({MaxInFlight} purchases in flight)");
                continue;
            }

            Interlocked.Increment(ref running);
            inFlight.Add(Task.Run(async () =>
            {
                try
                {
                    await PurchaseAsync(shop, recorder, confirmed, shopper, eventId, intended);
                }
                finally
                {
                    Interlocked.Decrement(ref running);
                }
            }));
        }

        await Task.WhenAll(inFlight);
        // Shed bookings (503 + Retry-After, nothing done) as a step of their own: how fast the excess hears "not now".
        foreach (var shed in recorder.Samples.Where(s => s.Step == Book && s.Error?.StartsWith("HTTP 503", StringComparison.Ordinal) == true))
        {
            recorder.Add(shed with { Step = Refused, Error = null });
        }

        return Finish(name, $"open, {rate}/s offered", Stopwatch.GetElapsedTime(t0), recorder, confirmed, [Book, Refused, Pay, Confirmed]);
    }

    private static async Task PurchaseAsync(Shop shop, Recorder recorder, ConcurrentBag<Guid> confirmed, Shopper shopper, Guid eventId, long intended)
    {
        var booked = await Shop.StepAsync(recorder, Book, () => shop.BookAsync(shopper, eventId, patient: false), intended);
        if (!booked.Ok)
        {
            return;
        }

        await PayAndRecordAsync(shop, recorder, confirmed, shopper, booked, intended);
    }

    /// <summary>Pays the booking just made; once it is confirmed, records the whole journey from <paramref name="journeyStart"/>.</summary>
    private static async Task PayAndRecordAsync(Shop shop, Recorder recorder, ConcurrentBag<Guid> confirmed, Shopper shopper, Outcome booked, long journeyStart)
    {
        var bookingId = booked.Body.GetProperty("id").GetGuid();
        var paid = await Shop.StepAsync(recorder, Pay, () => shop.PayAsync(shopper, bookingId));
        if (paid.Ok)
        {
            recorder.Record(Confirmed, journeyStart);
            confirmed.Add(bookingId);
        }
    }

    private static ScenarioRun Finish(string name, string model, TimeSpan duration, Recorder recorder, ConcurrentBag<Guid> confirmed, string[] steps)
    {
        var samples = recorder.Samples;
        var stats = steps.Select(step => Recorder.Summarize(step, samples, duration)).ToList();
        var run = new ScenarioRun(name, model, duration, samples, stats, Machine.LoadAverage(), confirmed.ToArray());
        var c = run.Step(Confirmed);
        Console.WriteLine($"    {c.Ok} confirmed in {duration.TotalSeconds:0.0} s = {c.PerSecond:0}/s, journey p50 {c.P50:0} ms p99 {c.P99:0} ms; load {run.LoadAverage}");
        return run;
    }
}

public static class Machine
{
    /// <summary>The 1/5/15-minute load averages, as <c>uptime</c> prints them.</summary>
    public static string LoadAverage()
    {
        var fields = File.ReadAllText("/proc/loadavg").Split(' ');
        return $"{fields[0]} {fields[1]} {fields[2]}";
    }
}
