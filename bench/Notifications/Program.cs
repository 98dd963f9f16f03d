// bench/Notifications: booking confirmation commit → notification stored → email accepted by SMTP.
//   dotnet run -c Release --project bench/Notifications -- [--rate 10] [--duration 30] [--warmup 5]
// A stand-in for bookings-api commits one BookingConfirmed per booking to its outbox (the real messaging relay
// publishes it); notifications-api (its own process, beside users-api, both started from the AppHost) consumes it,
// stores the notification and emails it. Latencies: notification CreatedAt and EmailSentAt (recorded after the SMTP
// server's 250) minus the instant the confirmation transaction committed. All clocks are this machine's.
using System.Diagnostics;
using System.Globalization;
using EventBooking.AppHost;
using EventBooking.Bench;
using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using EventBooking.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Notifications.Bench;
using Npgsql;

var rate = Argument("--rate", 10);
var duration = Argument("--duration", 30);
var warmup = Argument("--warmup", 5);
using var data = new TempDirectory("eventbooking-bench-notifications");
var root = data.Path;

// notifications-api waits for events-api and bookings-api in the AppHost, so they start too. This benchmark plays
// bookings-api and measures beside users-api and notifications-api only: events-api's consumer stays off (it would
// consume every BookingConfirmed too) and both are stopped once everything is up.
Console.WriteLine($"Starting PostgreSQL, RabbitMQ, the SMTP catcher, users-api and notifications-api ({ServiceBuild.Own}) through the AppHost under {root} ...");
string[] idle = [ResourceNames.EventsApi, ResourceNames.BookingsApi];
await using var system = await SystemUnderTest.StartAsync(new SystemUnderTestOptions
{
    Resources = [ResourceNames.UsersApi, ResourceNames.NotificationsApi],
    DataDirectory = root,
    ServiceEnvironment = idle.ToDictionary(service => service, _ => new Dictionary<string, string?> { ["EventBus__ConsumerEnabled"] = "false" }),
});
foreach (var service in idle)
{
    await system.StopAsync(service);
}

Console.WriteLine($"Up in {system.StartTime.TotalSeconds:0.0} s; users-api and notifications-api run their {ServiceBuild.Verify(system, [ResourceNames.UsersApi, ResourceNames.NotificationsApi])} build.");
var postgres = new InfrastructureServer(system, ResourceNames.Postgres, await system.ConnectionStringAsync(ResourceNames.Postgres));
await postgres.EnsureDatabasesAsync(["benchbookingsdb"]);

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Configuration["ConnectionStrings:bookingsdb"] = postgres.DatabaseConnectionString("benchbookingsdb");
builder.Configuration["ConnectionStrings:messaging"] = await system.ConnectionStringAsync(ResourceNames.Messaging);
builder.Configuration["EventBus:ConsumerEnabled"] = "false";
builder.Configuration["EventBus:Outbox:PollInterval"] = "00:00:00.050";
builder.AddNpgsqlDbContextWithServiceDefaults<BenchBookingsDbContext>("bookingsdb");
builder.AddEventBus("messaging", "bench-bookings").AddOutbox<BenchBookingsDbContext>();
using var producer = builder.Build();
await using (var scope = producer.Services.CreateAsyncScope())
{
    await scope.ServiceProvider.GetRequiredService<BenchBookingsDbContext>().Database.EnsureCreatedAsync();
}

await producer.StartAsync();

var commits = new Dictionary<Guid, DateTimeOffset>();
var interval = TimeSpan.FromSeconds(1.0 / rate);
var total = rate * (warmup + duration);
Console.WriteLine($"Confirming {total} bookings at {rate}/s ({warmup} s warm-up, {duration} s measured) ...");
var clock = Stopwatch.StartNew();
var eventId = Guid.CreateVersion7();
for (var i = 0; i < total; i++)
{
    var due = interval * i;
    if (clock.Elapsed < due)
    {
        await Task.Delay(due - clock.Elapsed);
    }

    var bookingId = Guid.CreateVersion7();
    var userId = Guid.CreateVersion7();
    await using var scope = producer.Services.CreateAsyncScope();
    var db = scope.ServiceProvider.GetRequiredService<BenchBookingsDbContext>();
    db.AddIntegrationEvent(new BookingConfirmed(bookingId, eventId, userId, $"bench-{i}@example.test", $"Bench User {i}", "Benchmark night",
        DateTimeOffset.UtcNow.AddDays(30), 2, new Money(50m, "EUR"), Guid.CreateVersion7(),
        [new TicketInfo(Guid.CreateVersion7(), $"BN-{i:D5}-1", 1, $"QR-{bookingId:N}-1"), new TicketInfo(Guid.CreateVersion7(), $"BN-{i:D5}-2", 2, $"QR-{bookingId:N}-2")],
        DateTimeOffset.UtcNow));
    await db.SaveChangesAsync();
    if (i >= rate * warmup)
    {
        commits[bookingId] = DateTimeOffset.UtcNow;
    }
}

var sendSeconds = clock.Elapsed.TotalSeconds;
Console.WriteLine($"Committed in {sendSeconds:0.0} s; waiting for every email ...");
var results = new Dictionary<Guid, (DateTimeOffset Stored, DateTimeOffset Sent)>();
await using var notificationsDb = NpgsqlDataSource.Create(await system.ConnectionStringAsync(ResourceNames.NotificationsDb));
var deadline = DateTime.UtcNow.AddMinutes(3);
while (results.Count < commits.Count && DateTime.UtcNow < deadline)
{
    await using var command = notificationsDb.CreateCommand(
        "SELECT \"BookingId\", \"CreatedAt\", \"EmailSentAt\" FROM notifications WHERE \"Kind\" = 'booking-confirmed' AND \"EmailStatus\" = 'Sent'");
    await using var reader = await command.ExecuteReaderAsync();
    while (await reader.ReadAsync())
    {
        var bookingId = reader.GetGuid(0);
        if (commits.ContainsKey(bookingId))
        {
            results[bookingId] = (reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<DateTimeOffset>(2));
        }
    }

    await Task.Delay(500);
}

var stored = results.Select(r => (r.Value.Stored - commits[r.Key]).TotalMilliseconds).Order().ToArray();
var emailed = results.Select(r => (r.Value.Sent - commits[r.Key]).TotalMilliseconds).Order().ToArray();
var maildir = Mail.Read(system.Maildir).Count;
var report = string.Join(Environment.NewLine,
[
    $"# bench/Notifications — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores",
    $"rate {rate}/s, {commits.Count} measured bookings (after {rate * warmup} warm-up), offered over {sendSeconds:0.0} s",
    $"completed: {results.Count}/{commits.Count} notifications stored and emailed; SMTP catcher holds {maildir} messages",
    "",
    "| from confirmation commit to | p50 ms | p90 ms | p99 ms | max ms |",
    "|---|---|---|---|---|",
    Row("notification stored", stored),
    Row("email accepted by SMTP", emailed),
]);
Console.WriteLine();
Console.WriteLine(report);
await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "results.md"), report + Environment.NewLine);
await producer.StopAsync();
return results.Count == commits.Count ? 0 : 1;

static string Row(string name, double[] sorted) => sorted.Length == 0
    ? $"| {name} | - | - | - | - |"
    : string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {Percentile(sorted, 0.50):0} | {Percentile(sorted, 0.90):0} | {Percentile(sorted, 0.99):0} | {sorted[^1]:0} |");

static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

int Argument(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
