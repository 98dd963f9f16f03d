using System.Diagnostics;
using System.Globalization;
using System.Text;
using EventBooking.Testing;
using Events.Api.Holds;
using Events.Api.Infrastructure;
using Events.Api.Infrastructure.Postgres;
using Events.Api.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Holds.Bench;

public sealed record Result(string Scenario, string Path, long Holds, double Seconds, double P50Ms, double P99Ms, string Note)
{
    public double PerSecond => Holds / Seconds;
}

/// <summary>
/// Runs the inventory write path of events-api (its real store and coalescer) against a throwaway PostgreSQL (the AppHost's):
/// one hot event, and holds spread over many events; each with one transaction per hold and with per-event
/// coalescing. Then pgbench runs the equivalent SQL on the same server in the same run. Conservation is checked at the end.
/// </summary>
public static class HoldBenchmark
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        using var work = new TempDirectory("holds-bench");
        Console.WriteLine("Starting PostgreSQL through the AppHost ...");
        await using var postgres = new PostgresFixture();
        await postgres.InitializeAsync();
        var database = await postgres.CreateDatabaseAsync("holdsbench");
        var connectionString = database + ";Maximum Pool Size=200";
        await using (var db = NewContext(connectionString))
        {
            await db.Database.MigrateAsync();
        }

        var services = new ServiceCollection();
        services.AddDbContextPool<EventsDbContext>(o => o.UseNpgsql(connectionString, n => n.EnableRetryOnFailure()));
        services.AddScoped<ICatalogStore, PostgresCatalogStore>();
        services.AddScoped<IInventoryStore, PostgresInventoryStore>();
        await using var provider = services.BuildServiceProvider();
        var scopes = provider.GetRequiredService<IServiceScopeFactory>();

        var results = new List<Result>();
        var hot = await CreateEventsAsync(scopes, 1);
        var spread = await CreateEventsAsync(scopes, options.Events);
        var duration = TimeSpan.FromSeconds(options.Seconds);

        foreach (var (scenario, events) in new[] { ("hot: 1 event", hot), ($"spread: {options.Events} events", spread) })
        {
            foreach (var coalesce in new[] { false, true })
            {
                var coalescer = new HoldCoalescer(scopes, TimeProvider.System,
                    Options.Create(new InventoryOptions { CoalesceHolds = coalesce }), NullLogger<HoldCoalescer>.Instance);
                var path = coalesce ? "events-api store, coalesced per event" : "events-api store, 1 transaction per hold";
                Console.WriteLine($"{scenario} / {path} ...");
                results.Add(await RunStoreAsync(scenario, path, coalescer, events, options.Clients, duration));
            }
        }

        var conservation = await CheckConservationAsync(connectionString);
        Console.WriteLine(conservation);

        var pgbench = new PgBench(database, work.Path);
        await pgbench.PrepareAsync(hot[0], spread);
        results.Add(await pgbench.RunAsync("hot: 1 event", "pgbench, 1 statement per hold", PgBench.HotSingle, 1, options.Clients, options.Seconds));
        results.Add(await pgbench.RunAsync("hot: 1 event", "pgbench, 32 holds per statement", PgBench.HotBatch32, 32, options.Clients, options.Seconds));
        results.Add(await pgbench.RunAsync($"spread: {options.Events} events", "pgbench, 1 statement per hold", PgBench.SpreadSingle, 1, options.Clients, options.Seconds));

        var report = Report(results, options, conservation);
        Console.WriteLine();
        Console.WriteLine(report);
        if (options.OutputFile is { } file)
        {
            await File.WriteAllTextAsync(file, report);
        }

        return conservation.StartsWith("OK", StringComparison.Ordinal) ? 0 : 1;
    }

    private static EventsDbContext NewContext(string connectionString) =>
        new(new DbContextOptionsBuilder<EventsDbContext>().UseNpgsql(connectionString).Options);

    private static async Task<Guid[]> CreateEventsAsync(IServiceScopeFactory scopes, int count)
    {
        var now = DateTimeOffset.UtcNow;
        var ids = new Guid[count];
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ICatalogStore>();
        for (var i = 0; i < count; i++)
        {
            var e = CatalogEvent.Create(Guid.CreateVersion7(), new EventInput($"Bench {i}", "", "Arena", "Bench City", now.AddDays(30),
                now.AddDays(30).AddHours(2), "UTC", "music", 1_000_000, 10m, "EUR", null), now);
            e.Status = EventStatus.Published;
            await store.CreateAsync(e, CancellationToken.None);
            ids[i] = e.Id;
        }

        return ids;
    }

    private static async Task<Result> RunStoreAsync(string scenario, string path, HoldCoalescer coalescer, Guid[] events, int clients, TimeSpan duration)
    {
        var latencies = new List<double>[clients];
        var refused = 0L;
        using var stop = new CancellationTokenSource(duration);
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(worker => Task.Run(async () =>
        {
            var mine = latencies[worker] = new List<double>(100_000);
            var random = new Random(worker);
            while (!stop.IsCancellationRequested)
            {
                var eventId = events[random.Next(events.Length)];
                var started = Stopwatch.GetTimestamp();
                var outcome = await coalescer.PlaceAsync(eventId, new HoldRequest(Guid.CreateVersion7(), 1, DateTimeOffset.UtcNow.AddMinutes(10)), CancellationToken.None);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (outcome.Result != PlaceHoldResult.Created)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var elapsed = stopwatch.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Result(scenario, path, all.Length - refused, elapsed, Percentile(all, 0.50), Percentile(all, 0.99),
            refused == 0 ? "" : $"{refused} refused");
    }

    internal static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static async Task<string> CheckConservationAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT count(*) FROM event_inventory i
            WHERE i.held + i.sold > i.capacity
               OR i.held <> (SELECT coalesce(sum(quantity), 0) FROM holds h WHERE h.event_id = i.event_id AND h.status = 0)
            """, connection);
        var broken = (long)(await command.ExecuteScalarAsync() ?? 0L);
        return broken == 0 ? "OK: I1 and I2 hold for every event; held counters equal the sum of their holds."
            : $"BROKEN: {broken} events violate I1/I2 or disagree with their holds.";
    }

    private static string Report(List<Result> results, BenchOptions options, string conservation)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# Holds benchmark ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"{options.Clients} concurrent clients, {options.Seconds} s per row, PostgreSQL 15 (the AppHost's local server, throwaway, fsync on), {Environment.ProcessorCount} cores shared with other work.");
        sb.AppendLine("Latency is per hold request as its caller sees it.");
        sb.AppendLine();
        sb.AppendLine("| scenario | write path | holds/s | p50 ms | p99 ms | note |");
        sb.AppendLine("|---|---|---:|---:|---:|---|");
        foreach (var r in results)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Scenario} | {r.Path} | {r.PerSecond:0} | {r.P50Ms:0.0} | {r.P99Ms:0.0} | {r.Note} |");
        }

        sb.AppendLine();
        sb.AppendLine(conservation);
        return sb.ToString();
    }
}
