// bench/Load: the sale rush end to end against the system the Aspire AppHost declares, beside the machine's own limits.
//   dotnet run -c Release --project bench/Load -- [--quick] [--only a,s,b,c,d,w,q,e,baselines] [--results DIR]
// (scripts/bench.sh installs the prerequisites, builds in Release and runs this.)
using System.Collections.Concurrent;
using EventBooking.AppHost;
using EventBooking.Bench;
using EventBooking.Testing;
using Microsoft.Extensions.Hosting;
using Load.Bench;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

var options = LoadOptions.Parse(args);
var resultsDirectory = Path.IsPathRooted(options.ResultsDirectory)
    ? options.ResultsDirectory
    : Path.Combine(RepositoryRoot(), options.ResultsDirectory);
using var data = new TempDirectory("eventbooking-bench-load");
var root = data.Path;

var serviceEnvironment = new Dictionary<string, string?>
{
    // A load test signs in and books far more often than a person: lift the per-client and per-user limits.
    ["Users__LoginRateLimit__PermitLimit"] = "1000000",
    ["Users__RegisterRateLimit__PermitLimit"] = "1000000",
    ["Users__TokenRateLimit__PermitLimit"] = "1000000",
    ["Bookings__BookingRequestsPerMinute"] = "1000000",
    // (q): 5,000 buyers register before they poll: their access tokens live the longest a deployment allows.
    ["Identity__AccessTokenLifetime"] = "00:15:00",
    ["Logging__LogLevel__Default"] = "Warning",
    // Workstation GC, as every earlier run of this benchmark had it: four services on two cores.
    ["DOTNET_gcServer"] = "0",
    // Staging: a deployment's code paths (the launch profiles' Development would add the developer exception page, DI scope
    // validation and appsettings.Development.json), with the demo data the run signs in with (never seeded in Production).
    // Outside Development there is no development ticket-signing key, so the run brings its own.
    ["ASPNETCORE_ENVIRONMENT"] = "Staging",
    ["DOTNET_ENVIRONMENT"] = "Staging",
    ["Tickets__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
    // (w): the webhook receiver is this process, on 127.0.0.1 (production refuses non-public targets).
    ["Webhooks__AllowPrivateTargets"] = "true",
};
var results = new RunResults { Options = options, StartedAt = DateTime.UtcNow, ServiceEnvironment = serviceEnvironment };
Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] Starting PostgreSQL, RabbitMQ, SMTP and the four APIs ({ServiceBuild.Own}) through the AppHost under {root}; load average {results.StartLoadAverage} ...");
await using var system = await SystemUnderTest.StartAsync(new SystemUnderTestOptions
{
    Resources = ResourceNames.Apis,
    DataDirectory = root,
    SeedDemoData = true,
    Environment = serviceEnvironment,
});
Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] System up in {system.StartTime.TotalSeconds:0.0} s; the services run their {ServiceBuild.Verify(system, ResourceNames.Apis)} build.");
results.RuntimeSettings = ServiceBuild.RuntimeSettings(system, ResourceNames.Apis);
Console.WriteLine($"    runtime settings: {string.Join(", ", results.RuntimeSettings)}");

using var shop = new Shop(system);
var cpu = new CpuMeter(system);
var statements = new StatementMeter(await system.ConnectionStringAsync(ResourceNames.Postgres));
await statements.InitializeAsync();
async Task<ScenarioRun> MeasuredAsync(Func<Task<ScenarioRun>> scenario)
{
    var before = cpu.Snapshot();
    var jitBefore = cpu.BackgroundJit();
    var sqlBefore = await statements.SnapshotAsync();
    var run = await scenario();
    run = run with
    {
        CpuSeconds = CpuMeter.Delta(before, cpu.Snapshot()),
        BackgroundJitSeconds = CpuMeter.BackgroundJitDelta(jitBefore, cpu.BackgroundJit()),
        Statements = StatementMeter.Delta(sqlBefore, await statements.SnapshotAsync()),
    };
    var confirmed = Math.Max(1, run.Step(Journey.Confirmed).Ok);
    Console.WriteLine($"    per confirmed booking: CPU {run.CpuSeconds.Values.Sum() * 1000 / confirmed:0.0} ms (background JIT {run.BackgroundJitSeconds * 1000 / confirmed:0.0}), SQL statements {run.Statements.Sum(s => s.Calls) / (double)confirmed:0.0}");
    return run;
}

var organizer = await shop.LoginAsync(DemoData.OrganizerEmail, DemoData.Password);
var admin = await shop.LoginAsync(DemoData.AdminEmail, DemoData.Password);
var shoppers = await shop.RegisterShoppersAsync(options.Users, Guid.NewGuid().ToString("N")[..8], admin);
var signedInAt = DateTime.UtcNow;
async Task<IReadOnlyList<Shopper>> FreshShoppersAsync()
{
    if (DateTime.UtcNow - signedInAt > TimeSpan.FromMinutes(6))
    {
        shoppers = await shop.RefreshAsync(shoppers);
        signedInAt = DateTime.UtcNow;
    }

    return shoppers;
}

Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {shoppers.Count} buyers registered; creating events ...");
var hot = options.Runs("a") ? await shop.CreatePublishedEventAsync(organizer, "Load hot event", options.HotSeats, 40m, "Lisbon") : Guid.Empty;
var hotOpen = options.Runs("a")
    ? await shop.CreatePublishedEventAsync(organizer, "Load hot event (open model)", (int)(options.OpenRate * options.OpenDuration.TotalSeconds * 1.1), 40m, "Lisbon")
    : Guid.Empty;
var hall = options.Runs("s") ? await SeatedHallBench.CreateAsync(shop, organizer, options) : null;
var spread = new ConcurrentBag<Guid>();
if (options.Runs("b") || options.Runs("c") || options.Runs("d") || options.Runs("w"))
{
    await Parallel.ForAsync(0, options.SpreadEvents, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        spread.Add(await shop.CreatePublishedEventAsync(organizer, $"Load spread concert {i}", options.SpreadSeats, 25m + i % 50, i % 2 == 0 ? "Porto" : "Braga")));
}

Guid[] spreadIds = [.. spread];
Guid PickSpread(Random random) => spreadIds[random.Next(spreadIds.Length)];

// Warm-up (not reported): JIT, connection pools and caches of every service on the purchase path, so a short run does not
// charge start-up costs to the first scenario.
if (options.Runs("a") || options.Runs("s") || options.Runs("b") || options.Runs("d") || options.Runs("w"))
{
    var warmEvent = await shop.CreatePublishedEventAsync(organizer, "Load warm-up event", 100_000, 10m, "Faro");
    await Journey.ClosedAsync("warm-up", shop, shoppers, 32, _ => warmEvent, options.WarmUp, stopWhenSoldOut: true);
    // A service that runs for days spends nothing on JIT; one that started a minute ago still recompiles its hot methods
    // (tiered compilation) on its background threads. Keep warming up, in rounds, until that is under 5% of the APIs' CPU.
    for (var warmed = options.WarmUp; warmed < options.WarmUpMax; warmed += options.WarmUpRound)
    {
        var (jit, api) = (cpu.BackgroundJit(), cpu.ApiSeconds());
        await Journey.ClosedAsync("warm-up", shop, shoppers, 32, _ => warmEvent, options.WarmUpRound, stopWhenSoldOut: true);
        var share = CpuMeter.BackgroundJitDelta(jit, cpu.BackgroundJit()) / Math.Max(0.001, cpu.ApiSeconds() - api);
        Console.WriteLine($"    background JIT: {share:P0} of the APIs' CPU in the last round");
        if (share < 0.05)
        {
            break;
        }
    }
}

if (options.Runs("a"))
{
    await FreshShoppersAsync();
    results.Scenarios.Add(await MeasuredAsync(() => Journey.ClosedAsync("a: hot event, closed", shop, shoppers, options.HotBuyers, _ => hot,
        options.HotMaxDuration, stopWhenSoldOut: true)));
    await FreshShoppersAsync();
    results.Scenarios.Add(await MeasuredAsync(() => Journey.OpenAsync("a: hot event, open", shop, shoppers, options.OpenRate, options.OpenDuration, _ => hotOpen)));
}

if (hall is not null)
{
    // (s) right after (a): the seated rush beside the general-admission one, at the same concurrency and with the same buyers.
    await FreshShoppersAsync();
    SeatedHallFigures figures = null!;
    results.Scenarios.Add(await MeasuredAsync(async () =>
    {
        (var run, figures) = await SeatedHallBench.RunAsync(shop, shoppers, hall, options.HotBuyers, options.HallParties, options.HotMaxDuration);
        return run;
    }));
    results.SeatedHall = await SeatedHallBench.InspectAsync(system, hall, figures, options.InvariantSettle);
    Console.WriteLine($"    hall: {results.SeatedHall.SeatsSold}/{results.SeatedHall.Seats} seats sold, {results.SeatedHall.PartiesSplit} parties split, {results.SeatedHall.Orphans} orphan seats, {results.SeatedHall.SeatsOnTwoTickets} seats on two tickets; load {Machine.LoadAverage()}");
}

if (options.Runs("b"))
{
    await FreshShoppersAsync();
    results.Scenarios.Add(await MeasuredAsync(() => Journey.ClosedAsync("b: 1,000 events, closed", shop, shoppers, options.SpreadUsers, PickSpread,
        options.ClosedDuration, stopWhenSoldOut: false)));
    await FreshShoppersAsync();
    results.Scenarios.Add(await MeasuredAsync(() => Journey.OpenAsync("b: 1,000 events, open", shop, shoppers, options.OpenRate, options.OpenDuration, PickSpread)));
}

await using var json = options.Runs("c") || options.Runs("baselines") ? await JsonEndpoint.StartAsync() : null;
if (options.Runs("c"))
{
    var events = shop.EventsBase;
    (string Name, Uri Url)[] reads =
    [
        ("catalog list (page 1 of 20)", new Uri(events, "/api/events?page=1&pageSize=20")),
        ("catalog search (q=concert, city=Porto)", new Uri(events, "/api/events?q=concert&city=Porto&pageSize=20")),
        ("event detail", new Uri(events, $"/api/events/{spreadIds[0]}")),
    ];
    foreach (var (name, url) in reads)
    {
        // Every endpoint (the plain JSON one too) gets the same short unreported warm-up first, so the one measured first
        // does not carry the JIT and cache fill of all of them.
        await Wrk.WarmUpAsync(url, options.WrkConnections);
        results.Catalog.Add(await Wrk.RunAsync(name, url, options.WrkConnections, options.WrkDuration));
    }
}

if (json is not null)
{
    await Wrk.WarmUpAsync(json.Url, options.WrkConnections);
    results.Json = await Wrk.RunAsync("plain minimal-API JSON", json.Url, options.WrkConnections, options.WrkDuration);
}

if (options.Runs("d"))
{
    var buyers = await FreshShoppersAsync();
    var clock = System.Diagnostics.Stopwatch.StartNew();
    var left = await Notifications.DrainEmailQueueAsync(system, TimeSpan.FromMinutes(5));
    Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] d: the earlier scenarios' email queue drained in {clock.Elapsed.TotalSeconds:0} s ({left} still pending).");
    var run = await MeasuredAsync(() => Journey.OpenAsync("d: steady bookings for notifications", shop, buyers, options.NotificationRate,
        options.NotificationDuration, PickSpread));
    results.Scenarios.Add(run);
    Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] waiting for the notifications and emails of {run.ConfirmedBookings.Count} bookings ...");
    results.Lag = await Notifications.MeasureAsync(system, run.ConfirmedBookings, TimeSpan.FromMinutes(options.Quick ? 1 : 3));
}

if (options.Runs("w"))
{
    results.Webhooks = await WebhookBench.RunAsync(shop, organizer, await FreshShoppersAsync(), PickSpread, options, MeasuredAsync);
    results.Scenarios.Add(results.Webhooks.Without);
    results.Scenarios.Add(results.Webhooks.SlowReceiver);
}

if (options.Runs("q"))
{
    Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] q: the waiting room, registering its buyers ...");
    results.WaitingRoom = await WaitingRoomBench.RunAsync(shop, options);
}

if (options.Runs("baselines"))
{
    var postgres = new InfrastructureServer(system, ResourceNames.Postgres, await system.ConnectionStringAsync(ResourceNames.Postgres));
    var pgbench = new PgBench(postgres, root);
    await pgbench.PrepareAsync();
    foreach (var clients in options.PgBenchClients)
    {
        results.PgBench.Add(await pgbench.RunAsync($"hot row, {clients} clients", PgBench.HotScript, clients, options.PgBenchDuration));
        results.PgBench.Add(await pgbench.RunAsync($"spread rows, {clients} clients", PgBench.SpreadScript, clients, options.PgBenchDuration));
        results.PgBench.Add(await pgbench.RunAsync($"advisory lock, hot row, {clients} clients", PgBench.HotAdvisoryScript, clients, options.PgBenchDuration));
    }
}

if (options.Runs("e"))
{
    // Last: it leaves up to a million events in the catalog.
    results.CatalogScale.AddRange(await CatalogAtScale.RunAsync(system, shop.EventsBase, options, root));
}

Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] checking I1 and I2 in the databases ...");
results.Invariants = await Checks.CheckAsync(system, options.InvariantSettle);
var path = await Report.WriteAsync(results, resultsDirectory);
Console.WriteLine();
Console.WriteLine(await File.ReadAllTextAsync(path));
Console.WriteLine($"Report: {path} (and latest.md); the system's log: {TestLog.Path}");
return results.Invariants.Holds ? 0 : 1;

// The folder holding EventBooking.sln, walking up from this build's output.
static string RepositoryRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "EventBooking.sln")))
        {
            return directory.FullName;
        }
    }

    throw new InvalidOperationException($"No EventBooking.sln above {AppContext.BaseDirectory}: pass --results with an absolute path.");
}
